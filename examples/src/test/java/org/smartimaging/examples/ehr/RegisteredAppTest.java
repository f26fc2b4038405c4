package org.smartimaging.examples.ehr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smartimaging.examples.DemoServer;
import org.smartimaging.examples.DemoServer.DemoOptions;
import org.smartimaging.examples.demo.DemoPatients;

/**
 * The demo EHR as a sandbox for other people's SMART apps: apps registered with {@code --apps}
 * (public or confidential, exact redirect URIs) complete a standalone launch; nothing else does.
 */
class RegisteredAppTest {

    static final String PUBLIC_REDIRECT = "http://127.0.0.1:9911/app/callback.html";
    static final String CONFIDENTIAL_REDIRECT = "https://app.example/smart/redirect";
    static final String SECRET = "confidential-app-secret";
    static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path data;
    static DemoServer server;
    static String base;

    @BeforeAll
    static void start() throws Exception {
        Path apps = data.resolve("apps.json");
        Files.writeString(apps, """
                [{"client_id": "my-public-app", "client_name": "Radiology Notes", "redirect_uris": ["%s"]},
                 {"client_id": "my-confidential-app", "redirect_uris": ["%s"], "client_secret": "%s"}]"""
                .formatted(PUBLIC_REDIRECT, CONFIDENTIAL_REDIRECT, SECRET));
        server = DemoServer.start(DemoOptions.parse("--port", "0", "--data", data.toString(), "--apps", apps.toString()));
        base = "http://127.0.0.1:" + server.port();
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    @Test
    void registeredPublicAppLaunchesWithItsNameOnTheConsentScreen() throws Exception {
        HttpResponse<String> consent = authorizePage("my-public-app", PUBLIC_REDIRECT);
        assertThat(consent.statusCode()).isEqualTo(200);
        assertThat(consent.body()).contains("<b>Radiology Notes</b> asks");

        URI back = approve(consent);
        assertThat(back.toString()).startsWith(PUBLIC_REDIRECT + "?");
        HttpResponse<String> token = exchange("my-public-app", PUBLIC_REDIRECT, query(back).get("code"), null);

        assertThat(token.statusCode()).isEqualTo(200);
        JsonNode answer = JSON.readTree(token.body());
        assertThat(answer.path("patient").asText()).isEqualTo(DemoPatients.JAMES_CHEN.fhirId());
        assertThat(answer.path("access_token").asText()).isNotEmpty();
    }

    @Test
    void redirectMustMatchARegisteredOneExactly() throws Exception {
        for (String wrong : new String[] {PUBLIC_REDIRECT + "x", PUBLIC_REDIRECT + "?next=evil", "http://127.0.0.1:9911/app/",
                "http://localhost:9911/app/callback.html", CONFIDENTIAL_REDIRECT}) {
            HttpResponse<String> page = authorizePage("my-public-app", wrong);

            assertThat(page.statusCode()).as(wrong).isEqualTo(400);
            assertThat(page.body()).contains("not one of those registered");
            assertThat(page.headers().firstValue("Location")).isEmpty();
        }
    }

    @Test
    void unregisteredAppIsRefused() throws Exception {
        HttpResponse<String> page = authorizePage("someone-elses-app", PUBLIC_REDIRECT);

        assertThat(page.statusCode()).isEqualTo(400);
        assertThat(page.body()).contains("Unknown app", "--apps");
    }

    @Test
    void confidentialAppMustAuthenticateWithItsSecret() throws Exception {
        String withoutSecret = query(approve(authorizePage("my-confidential-app", CONFIDENTIAL_REDIRECT))).get("code");
        HttpResponse<String> refused = exchange("my-confidential-app", CONFIDENTIAL_REDIRECT, withoutSecret, null);
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(refused.body()).path("error").asText()).isEqualTo("invalid_client");

        String wrongSecret = query(approve(authorizePage("my-confidential-app", CONFIDENTIAL_REDIRECT))).get("code");
        assertThat(exchange("my-confidential-app", CONFIDENTIAL_REDIRECT, wrongSecret, basic("my-confidential-app", "not-the-secret"))
                .statusCode()).isEqualTo(401);

        String code = query(approve(authorizePage("my-confidential-app", CONFIDENTIAL_REDIRECT))).get("code");
        HttpResponse<String> token = exchange("my-confidential-app", CONFIDENTIAL_REDIRECT, code, basic("my-confidential-app", SECRET));
        assertThat(token.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(token.body()).path("access_token").asText()).isNotEmpty();
    }

    @Test
    void tokenEndpointAndFhirServerAnswerBrowserAppsOfOtherOrigins() throws Exception {
        HttpResponse<String> preflight = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/demo-ehr/auth/token"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "http://127.0.0.1:9911")
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "authorization, content-type")
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(preflight.statusCode()).isEqualTo(204);
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).hasValueSatisfying(
                v -> assertThat(v).isIn("*", "http://127.0.0.1:9911"));
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Headers").orElse("")).containsIgnoringCase("authorization");

        HttpResponse<String> patient = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/demo-ehr/fhir/Patient/x"))
                .header("Origin", "http://127.0.0.1:9911").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(patient.statusCode()).isEqualTo(401);
        assertThat(patient.headers().firstValue("Access-Control-Allow-Origin")).hasValueSatisfying(
                v -> assertThat(v).isIn("*", "http://127.0.0.1:9911"));
    }

    @Test
    void appsFileErrorsNameTheField(@TempDir Path dir) throws Exception {
        Path typo = dir.resolve("typo.json");
        Files.writeString(typo, "[{\"client_id\": \"a\", \"redirect_uri\": [\"http://x/\"]}]");
        assertThatThrownBy(() -> RegisteredApp.read(typo)).hasMessageContaining("Unknown field redirect_uri");

        Path noRedirect = dir.resolve("none.json");
        Files.writeString(noRedirect, "[{\"client_id\": \"a\"}]");
        assertThatThrownBy(() -> RegisteredApp.read(noRedirect)).hasMessageContaining("redirect_uris of a is empty");

        Path fragment = dir.resolve("fragment.json");
        Files.writeString(fragment, "[{\"client_id\": \"a\", \"redirect_uris\": [\"http://x/#y\"]}]");
        assertThatThrownBy(() -> RegisteredApp.read(fragment)).hasMessageContaining("without a fragment");

        Path viewer = dir.resolve("viewer.json");
        Files.writeString(viewer, "[{\"client_id\": \"" + DemoEhr.VIEWER_CLIENT_ID + "\", \"redirect_uris\": [\"http://x/\"]}]");
        assertThatThrownBy(() -> RegisteredApp.read(viewer)).hasMessageContaining("is the demo's own");
    }

    @Test
    void secretNeverPrinted() {
        RegisteredApp app = new RegisteredApp("c", "C", SECRET, java.util.List.of("http://x/"));

        assertThat(app.toString()).doesNotContain(SECRET).contains("confidential");
    }

    // ---------------------------------------------------------------- a small SMART client

    static final String VERIFIER = "registered-app-verifier-" + "v".repeat(30);

    static HttpResponse<String> authorizePage(String clientId, String redirect) throws Exception {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("response_type", "code");
        params.put("client_id", clientId);
        params.put("redirect_uri", redirect);
        params.put("scope", "launch/patient openid fhirUser patient/*.rs");
        params.put("state", "st-1");
        params.put("aud", base + "/demo-ehr/fhir");
        params.put("code_challenge", challenge(VERIFIER));
        params.put("code_challenge_method", "S256");
        return HTTP.send(HttpRequest.newBuilder(URI.create(base + "/demo-ehr/auth/authorize?" + form(params))).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static URI approve(HttpResponse<String> consentPage) throws Exception {
        assertThat(consentPage.statusCode()).as(consentPage.body()).isEqualTo(200);
        Matcher consent = Pattern.compile("name=\"consent\" value=\"([^\"]+)\"").matcher(consentPage.body());
        assertThat(consent.find()).isTrue();
        HttpResponse<String> decided = post(base + "/demo-ehr/auth/authorize", Map.of("consent", consent.group(1),
                "patient", DemoPatients.JAMES_CHEN.fhirId(), "decision", "approve"), null);
        assertThat(decided.statusCode()).isEqualTo(302);
        return URI.create(decided.headers().firstValue("Location").orElseThrow());
    }

    static HttpResponse<String> exchange(String clientId, String redirect, String code, String authorization) throws Exception {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("grant_type", "authorization_code");
        fields.put("code", code);
        fields.put("redirect_uri", redirect);
        fields.put("code_verifier", VERIFIER);
        if (authorization == null) {
            fields.put("client_id", clientId);
        }
        return post(base + "/demo-ehr/auth/token", fields, authorization);
    }

    static HttpResponse<String> post(String url, Map<String, String> fields, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form(fields)));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    static String challenge(String verifier) throws Exception {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    }

    static String form(Map<String, String> fields) {
        return fields.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    static Map<String, String> query(URI uri) {
        Map<String, String> query = new LinkedHashMap<>();
        for (String pair : uri.getRawQuery().split("&")) {
            String[] kv = pair.split("=", 2);
            query.put(kv[0], URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
        }
        return query;
    }
}
