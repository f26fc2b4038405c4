package org.smartimaging.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smartimaging.engine.ImagingEngine;
import org.smartimaging.engine.ServerOptions;
import org.smartimaging.servlet.SmartImagingServlet;
import org.smartimaging.testing.TestStudies;

/**
 * A page on another origin calls the SDK with {@code fetch} in chromium, as browser apps do:
 * preflights pass without a token, answers (errors too) are readable, and an allow-list that does
 * not name the page's origin leaves the page nothing to read.
 */
class CorsBrowserTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String PATIENT_A = DicomWebClientTest.PATIENT_A;

    @TempDir
    static Path data;
    static ImagingEngine anyOrigin;
    static ImagingEngine otherOriginOnly;
    static Server jetty;
    static StaticSite page;
    static String base;
    static TestStudies.Study study;

    @BeforeAll
    static void start() throws Exception {
        ViewerBrowserTest.requireBrowserTools();
        study = TestStudies.write(data.resolve("studies"), "MRN-A", "CT", 1, 2, 16);
        String config = "{\"authorization\": {\"type\": \"mock\", \"patient\": " + PATIENT_A
                + "}, \"images\": {\"type\": \"folder\", \"directory\": \"studies\", \"lookup\": \"studies-by-mrn\"}}";
        anyOrigin = new ImagingEngine(ServerOptions.builder().dataDirectory(data).randomStudyTokenKey()
                .builtInConfig("demo", config).build());
        otherOriginOnly = new ImagingEngine(ServerOptions.builder().dataDirectory(data).randomStudyTokenKey()
                .builtInConfig("demo", config).corsAllowedOrigins(Set.of("https://viewer.example.org")).build());
        jetty = new Server();
        ServerConnector connector = new ServerConnector(jetty);
        connector.setHost("127.0.0.1");
        jetty.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/");
        context.addServlet(new ServletHolder(new SmartImagingServlet(anyOrigin)), "/any/*");
        context.addServlet(new ServletHolder(new SmartImagingServlet(otherOriginOnly)), "/listed/*");
        jetty.setHandler(new Handler.Sequence(context));
        jetty.start();
        base = "http://127.0.0.1:" + connector.getLocalPort();
        page = StaticSite.start(data);
        page.put("/index.html", "<!doctype html><title>another origin</title><p>app</p>");
    }

    @AfterAll
    static void stop() throws Exception {
        if (page != null) {
            page.close();
        }
        if (jetty != null) {
            jetty.stop();
        }
        if (anyOrigin != null) {
            anyOrigin.close();
            otherOriginOnly.close();
        }
    }

    @Test
    void aPageOfAnotherOriginReadsAnswersAndErrorsButOnlyWithItsToken() throws Exception {
        String wado = wadoBase("/any");
        String studyUrl = wado + "/studies/" + study.studyInstanceUid();
        String listedWado = wadoBase("/listed");

        JsonNode out = runInBrowser(List.of(
                call("qido", wado + "/studies?StudyInstanceUID=" + study.studyInstanceUid() + "&limit=101", "any-token", null),
                call("metadata", studyUrl + "/metadata", "any-token", null),
                call("search", base + "/any/demo/fhir/ImagingStudy?patient=pat-a", "any-token", "application/fhir+json"),
                call("noToken", studyUrl + "/metadata", null, null),
                call("notListed", listedWado + "/studies", "any-token", null)));

        assertThat(out.path("origin").asText()).isEqualTo(page.origin()).isNotEqualTo(base);
        assertThat(out.path("qido").path("status").asInt()).as(out.toString()).isEqualTo(200);
        assertThat(out.path("qido").path("length").asInt()).isPositive();
        assertThat(out.path("metadata").path("status").asInt()).isEqualTo(200);
        assertThat(out.path("metadata").path("etag").asText()).startsWith("W/\"");
        assertThat(out.path("search").path("status").asInt()).isEqualTo(200);
        // an error is readable too, with its exposed WWW-Authenticate: the app can tell why
        assertThat(out.path("noToken").path("status").asInt()).isEqualTo(401);
        assertThat(out.path("noToken").path("wwwAuthenticate").asText()).startsWith("Bearer");
        // a server restricted to other origins: the browser refuses the page the answer
        assertThat(out.path("notListed").path("error").asText()).contains("TypeError");
    }

    private static Map<String, Object> call(String name, String url, String token, String accept) {
        Map<String, Object> call = new LinkedHashMap<>();
        call.put("name", name);
        call.put("url", url);
        if (token != null) {
            call.put("token", token);
        }
        if (accept != null) {
            call.put("accept", accept);
        }
        return call;
    }

    private static String wadoBase(String mount) throws Exception {
        HttpResponse<String> search = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(base + mount + "/demo/fhir/ImagingStudy?patient=pat-a"))
                .header("Authorization", "Bearer any-token").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(search.statusCode()).as(search.body()).isEqualTo(200);
        return JSON.readTree(search.body()).path("entry").get(0).path("resource").path("contained").get(0).path("address").asText();
    }

    private static JsonNode runInBrowser(List<Map<String, Object>> calls) throws Exception {
        Map<String, Object> config = Map.of("pageUrl", page.origin() + "/index.html", "calls", calls);
        Process node = new ProcessBuilder("node", "cors-test.mjs", JSON.writeValueAsString(config))
                .directory(ViewerBrowserTest.BROWSER_DIR.toFile()).redirectErrorStream(true).start();
        String output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        boolean finished = node.waitFor(90, TimeUnit.SECONDS);
        assertThat(finished).as(output).isTrue();
        assertThat(node.exitValue()).as(output).isZero();
        String[] lines = output.split("\n");
        return JSON.readTree(lines[lines.length - 1]);
    }
}
