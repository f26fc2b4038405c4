package org.smartimaging.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smartimaging.examples.DemoServer.DemoOptions;
import org.smartimaging.examples.demo.DemoPatients;
import org.smartimaging.testing.Multipart;

/** The README's walk-through over real HTTP: the demo's printed search URL, then its endpoint. */
class DemoServerTest {

    @TempDir
    static Path data;
    @TempDir
    static Path configs;
    static DemoServer server;
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void start() throws Exception {
        Files.writeString(configs.resolve("extra.json"), """
                {"authorization": {"type": "mock", "disableAuthzChecks": true},
                 "images": {"type": "folder", "directory": "studies", "lookup": "studies-by-mrn"}}""");
        server = DemoServer.start(DemoOptions.parse("--port", "0", "--data", data.toString(), "--config-dir", configs.toString()));
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    static HttpResponse<byte[]> get(String url, String bearer) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url));
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void printedSearchUrlReturnsBundleWhoseEndpointRetrievesTheStudy() throws Exception {
        String searchUrl = server.urlsToTry().get(0).split(" ")[0];

        HttpResponse<byte[]> search = get(searchUrl, "any-token");

        assertThat(search.statusCode()).isEqualTo(200);
        assertThat(search.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/fhir+json"));
        JsonNode bundle = JSON.readTree(search.body());
        assertThat(bundle.path("total").asInt()).isGreaterThan(0);
        JsonNode study = bundle.path("entry").get(0).path("resource");
        String address = study.path("contained").get(0).path("address").asText();

        HttpResponse<byte[]> retrieve = get(address + "/studies/" + study.path("id").asText(), "any-token");

        assertThat(retrieve.statusCode()).isEqualTo(200);
        String contentType = retrieve.headers().firstValue("Content-Type").orElseThrow();
        assertThat(Multipart.parts(contentType, retrieve.body())).hasSize(study.path("numberOfInstances").asInt());
    }

    @Test
    void seriesThumbnailAndInstanceRenderingArePngs() throws Exception {
        JsonNode study = JSON.readTree(get(server.urlsToTry().get(0).split(" ")[0], "t").body()).path("entry").get(0).path("resource");
        String wado = study.path("contained").get(0).path("address").asText() + "/studies/" + study.path("id").asText();
        JsonNode series = study.path("series").get(0);
        String instance = wado + "/series/" + series.path("uid").asText() + "/instances/" + series.path("instance").get(0).path("uid").asText();

        HttpResponse<byte[]> thumbnail = get(wado + "/series/" + series.path("uid").asText() + "/thumbnail", "t");
        HttpResponse<byte[]> rendered = get(instance + "/rendered?window=40,400", "t");

        assertThat(thumbnail.statusCode()).isEqualTo(200);
        assertThat(thumbnail.headers().firstValue("Content-Type")).hasValue("image/png");
        java.awt.image.BufferedImage small = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(thumbnail.body()));
        assertThat(Math.max(small.getWidth(), small.getHeight())).isEqualTo(128);
        assertThat(rendered.statusCode()).isEqualTo(200);
        assertThat(javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(rendered.body())).getWidth()).isGreaterThan(128);
        HttpRequest jpeg = HttpRequest.newBuilder(URI.create(instance + "/rendered")).header("Authorization", "Bearer t")
                .header("Accept", "image/jpeg").build();
        assertThat(HTTP.send(jpeg, HttpResponse.BodyHandlers.ofByteArray()).headers().firstValue("Content-Type")).hasValue("image/jpeg");
        assertThat(get(instance + "/rendered?window=40", "t").statusCode()).isEqualTo(400);
        HttpResponse<byte[]> ofStudy = get(wado + "/rendered", "t");
        assertThat(ofStudy.statusCode()).isEqualTo(200);
        assertThat(ofStudy.headers().firstValue("Content-Type")).hasValue("image/png");
    }

    @Test
    void demoConfigIsBoundToItsPatient() throws Exception {
        String other = server.baseUrl() + "/demo/fhir/ImagingStudy?patient=" + DemoPatients.JAMES_CHEN.fhirId();

        assertThat(get(other, "any-token").statusCode()).isEqualTo(403);
        assertThat(get(server.urlsToTry().get(0).split(" ")[0], null).statusCode()).isEqualTo(401);
    }

    @Test
    void extraConfigDirectoryIsServed() throws Exception {
        HttpResponse<byte[]> search = get(server.baseUrl() + "/extra/fhir/ImagingStudy?patient=" + DemoPatients.JAMES_CHEN.mrn(), null);

        assertThat(search.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(search.body()).path("total").asInt()).isGreaterThan(0);
    }

    @Test
    void pathTricksOverHttpAreRejected() throws Exception {
        assertThat(get(server.baseUrl() + "/demo/wado/a.b.c/studies/%2e%2e", "t").statusCode()).isEqualTo(400);
        assertThat(get(server.baseUrl() + "/demo/wado/a.b.c/studies/1.2.3%2F..%2F4", "t").statusCode()).isEqualTo(400);
    }
}
