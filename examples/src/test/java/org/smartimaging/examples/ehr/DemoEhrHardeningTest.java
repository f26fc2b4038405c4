package org.smartimaging.examples.ehr;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smartimaging.examples.DemoServer;
import org.smartimaging.examples.DemoServer.DemoOptions;
import org.smartimaging.examples.demo.DemoPatients;

/** The demo EHR against a page on another site and against look-alike redirect and audience URLs. */
class DemoEhrHardeningTest {

    @TempDir
    static Path data;
    static DemoServer server;
    static String base;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        server = DemoServer.start(DemoOptions.parse("--port", "0", "--data", data.toString()));
        base = "http://127.0.0.1:" + server.port();
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    static String form(Map<String, String> fields) {
        return fields.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
    }

    static HttpResponse<String> authorize(String redirectUri, String aud) throws Exception {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("response_type", "code");
        params.put("client_id", DemoEhr.VIEWER_CLIENT_ID);
        params.put("redirect_uri", redirectUri);
        params.put("scope", "launch/patient patient/*.rs");
        params.put("state", "s-1");
        params.put("aud", aud);
        params.put("code_challenge", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
        params.put("code_challenge_method", "S256");
        return HTTP.send(HttpRequest.newBuilder(URI.create(base + "/demo-ehr/auth/authorize?" + form(params))).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void redirectUriMustBeTheViewerExactly() throws Exception {
        String aud = base + "/demo-ehr/fhir";
        assertThat(authorize(base + "/viewer/index.html", aud).statusCode()).isEqualTo(200);
        assertThat(authorize("http://localhost:" + server.port() + "/viewer/index.html", aud).statusCode()).isEqualTo(200);

        for (String lookAlike : List.of(
                base + "/viewer/../demo-ehr/auth/jwks",           // dot segments out of /viewer/
                base + "/viewer/%2e%2e/open/fhir/metadata",
                "http://attacker@127.0.0.1:" + server.port() + "/viewer/index.html", // user info
                "http://evil.example:" + server.port() + "/viewer/index.html",      // another host
                "http://127.0.0.1:" + (server.port() + 1) + "/viewer/index.html",   // another port
                base + "/viewer/other.html",
                base + "/viewer/index.html?next=http://evil.example",
                base + "/viewer/index.html#x")) {
            HttpResponse<String> answer = authorize(lookAlike, aud);

            assertThat(answer.statusCode()).as(lookAlike).isEqualTo(400);
            assertThat(answer.headers().firstValue("Location")).as(lookAlike).isEmpty();
        }
    }

    @Test
    void audienceMustBeThisFhirBaseExactly() throws Exception {
        for (String aud : List.of("https://evil.example/demo-ehr/fhir", "http://evil.example:" + server.port() + "/demo-ehr/fhir",
                base + "/demo-ehr/fhir/../fhir-other", base + "/other/demo-ehr/fhir", "/demo-ehr/fhir")) {
            HttpResponse<String> answer = authorize(base + "/viewer/index.html", aud);

            assertThat(answer.statusCode()).as(aud).isEqualTo(302);
            assertThat(answer.headers().firstValue("Location").orElseThrow()).as(aud).contains("error=invalid_request");
        }
        assertThat(authorize(base + "/viewer/index.html", base + "/demo-ehr/fhir/").statusCode()).isEqualTo(200);
    }

    @Test
    void adminHookRefusesCrossSitePosts() throws Exception {
        String token = server.ehr().tokens().issue(DemoEhr.VIEWER_CLIENT_ID, "Patient/" + DemoPatients.ANA_GARCIA.fhirId(),
                "patient/*.rs", DemoPatients.ANA_GARCIA.fhirId(), false).orElseThrow();
        for (Map<String, String> headers : List.of(Map.of("Origin", "https://evil.example"),
                Map.of("Sec-Fetch-Site", "cross-site"), Map.of("Origin", "null"),
                Map.of("Origin", "http://127.0.0.1:" + (server.port() + 1), "Sec-Fetch-Site", "same-site"))) {
            HttpRequest.Builder post = HttpRequest.newBuilder(URI.create(base + "/demo-ehr/auth/admin/tokens"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("action=revoke&all=true"));
            headers.forEach(post::header);

            assertThat(HTTP.send(post.build(), HttpResponse.BodyHandlers.ofString()).statusCode()).as(headers.toString()).isEqualTo(403);
        }
        assertThat(server.ehr().tokens().active(token)).as("no token was revoked").isPresent();

        HttpResponse<String> sameOrigin = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/demo-ehr/auth/admin/tokens"))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Origin", base)
                .header("Sec-Fetch-Site", "same-origin")
                .POST(HttpRequest.BodyPublishers.ofString("action=expire&token=" + token)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(sameOrigin.statusCode()).isEqualTo(200);
        assertThat(sameOrigin.body()).contains("\"affected\":1");
    }

    @Test
    void discoveryIsReadableOnlyByLoopbackPages() throws Exception {
        for (String origin : List.of("https://evil.example", "http://127.0.0.1:1234")) {
            HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/demo-ehr/fhir/.well-known/smart-configuration"))
                    .header("Origin", origin).build(), HttpResponse.BodyHandlers.ofString());

            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(answer.headers().allValues("Access-Control-Allow-Origin")).as(origin)
                    .isEqualTo(origin.startsWith("https://evil") ? List.of() : List.of(origin));
        }
    }
}
