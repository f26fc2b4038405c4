package org.smartimaging.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smartimaging.engine.ImagingEngine;
import org.smartimaging.engine.ServerOptions;
import org.smartimaging.testing.TestStudies;

/** The servlet under a context path and a servlet path, on a real Jetty. */
class SmartImagingServletTest {

    @TempDir
    static Path data;
    static Server jetty;
    static ImagingEngine engine;
    static String base;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        TestStudies.write(data.resolve("studies"), "MRN-S", "CT", 1, 2, 4);
        engine = new ImagingEngine(ServerOptions.builder().dataDirectory(data).randomStudyTokenKey()
                .builtInConfig("open", """
                        {"authorization": {"type": "mock", "disableAuthzChecks": true},
                         "images": {"type": "folder", "directory": "studies", "lookup": "all-studies-on-server"}}""")
                .build());
        jetty = new Server();
        ServerConnector connector = new ServerConnector(jetty);
        connector.setHost("127.0.0.1");
        jetty.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/ctx");
        ServletHolder holder = new ServletHolder(new SmartImagingServlet(engine));
        holder.setAsyncSupported(true);
        context.addServlet(holder, "/imaging/*");
        jetty.setHandler(context);
        jetty.start();
        base = "http://127.0.0.1:" + connector.getLocalPort() + "/ctx/imaging";
    }

    @AfterAll
    static void stop() throws Exception {
        jetty.stop();
        engine.close();
    }

    static HttpResponse<String> send(String method, String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).method(method, HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void urlsInAnswersIncludeContextAndServletPath() throws Exception {
        HttpResponse<String> search = send("GET", base + "/open/fhir/ImagingStudy");

        JsonNode bundle = new ObjectMapper().readTree(search.body());
        assertThat(search.statusCode()).isEqualTo(200);
        assertThat(bundle.path("entry").get(0).path("fullUrl").asText()).startsWith(base + "/open/fhir/ImagingStudy/");
        String address = bundle.path("entry").get(0).path("resource").path("contained").get(0).path("address").asText();
        assertThat(address).startsWith(base + "/open/wado/");
        assertThat(send("GET", address + "/studies/" + bundle.path("entry").get(0).path("resource").path("id").asText())
                .statusCode()).isEqualTo(200);
    }

    @Test
    void headAnswersHeadersWithoutBody() throws Exception {
        HttpResponse<String> head = send("HEAD", base + "/open/fhir/metadata");

        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).contains("fhir+json"));
        assertThat(head.body()).isEmpty();
    }

    @Test
    void headOnAStudyGivesTheHeadersGetWould() throws Exception {
        HttpResponse<String> search = send("GET", base + "/open/fhir/ImagingStudy");
        JsonNode entry = new ObjectMapper().readTree(search.body()).path("entry").get(0).path("resource");
        String study = entry.path("contained").get(0).path("address").asText() + "/studies/" + entry.path("id").asText();

        HttpResponse<String> get = send("GET", study);
        HttpResponse<String> head = send("HEAD", study);

        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
        assertThat(head.headers().firstValue("Content-Type").orElseThrow()).startsWith("multipart/related; type=\"application/dicom\"");
        assertThat(head.headers().firstValue("ETag")).isEqualTo(get.headers().firstValue("ETag")).isPresent();
        // max-age counts down to the capability's expiry: the two may be a second apart
        assertThat(head.headers().firstValue("Cache-Control").orElseThrow()).startsWith("private, max-age=");
        assertThat(get.headers().firstValue("Cache-Control").orElseThrow()).startsWith("private, max-age=");
        assertThat(head.headers().firstValue("Content-Length")).isEqualTo(get.headers().firstValue("Content-Length"));
        assertThat(head.headers().firstValue("Content-Length")).isNotEqualTo(java.util.Optional.of("0"));
    }

    @Test
    void notModifiedHasNoBody() throws Exception {
        HttpResponse<String> search = send("GET", base + "/open/fhir/ImagingStudy");
        JsonNode entry = new ObjectMapper().readTree(search.body()).path("entry").get(0).path("resource");
        String metadata = entry.path("contained").get(0).path("address").asText() + "/studies/" + entry.path("id").asText() + "/metadata";
        String etag = send("GET", metadata).headers().firstValue("ETag").orElseThrow();

        HttpResponse<String> again = HTTP.send(HttpRequest.newBuilder(URI.create(metadata)).header("If-None-Match", etag).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(again.statusCode()).isEqualTo(304);
        assertThat(again.headers().firstValue("ETag")).contains(etag);
        assertThat(again.body()).isEmpty();
    }

    @Test
    void otherMethodsAreNotAllowedAndSayWhatIs() throws Exception {
        HttpResponse<String> post = send("POST", base + "/open/fhir/ImagingStudy");

        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.headers().firstValue("Allow")).contains("GET, HEAD, OPTIONS");
        assertThat(post.body()).contains("OperationOutcome");
    }

    @Test
    void corsPreflightIsAnsweredThroughTheContainer() throws Exception {
        HttpResponse<String> preflight = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/open/fhir/ImagingStudy"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://app.example.org")
                .header("Access-Control-Request-Method", "GET")
                .header("Access-Control-Request-Headers", "authorization")
                .build(), HttpResponse.BodyHandlers.ofString());

        assertThat(preflight.statusCode()).isEqualTo(204);
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).contains("https://app.example.org");
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Headers")).hasValueSatisfying(
                h -> assertThat(h).contains("Authorization"));
    }

    @Test
    void cacheControlComesFromTheEngine() throws Exception {
        HttpResponse<String> metadata = send("GET", base + "/open/fhir/metadata");

        assertThat(metadata.headers().allValues("Cache-Control")).containsExactly("no-store");
    }

    @Test
    void errorsAreOperationOutcomesNeverStackTraces() throws Exception {
        HttpResponse<String> bad = send("GET", base + "/open/fhir/ImagingStudy?_lastUpdated=soon");

        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("OperationOutcome").doesNotContain("Exception").doesNotContain("at org.");
    }
}
