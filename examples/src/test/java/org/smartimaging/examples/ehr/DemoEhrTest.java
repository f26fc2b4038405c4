package org.smartimaging.examples.ehr;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
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
import org.smartimaging.examples.demo.DemoPatient;
import org.smartimaging.examples.demo.DemoPatients;

/** The demo EHR over real HTTP: standalone launch with PKCE, introspection, revocation, FHIR access. */
class DemoEhrTest {

    @TempDir
    static Path data;
    static DemoServer server;
    static String base;
    static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    static final ObjectMapper JSON = new ObjectMapper();
    static final String REDIRECT = "/viewer/index.html";

    @BeforeAll
    static void start() throws Exception {
        server = DemoServer.start(DemoOptions.parse("--port", "0", "--data", data.toString()));
        base = "http://127.0.0.1:" + server.port();
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    // ---------------------------------------------------------------- a small SMART client

    record Launch(String code, String verifier) {}

    static String form(Map<String, String> fields) {
        return fields.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    static HttpResponse<String> get(String url, String bearer) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url));
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
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

    static String challenge(String verifier) throws Exception {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    }

    /** Authorize as {@code patient} and approve (or deny); answers the redirect's query parameters. */
    static Map<String, String> authorize(DemoPatient patient, String decision, String verifier) throws Exception {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("response_type", "code");
        params.put("client_id", DemoEhr.VIEWER_CLIENT_ID);
        params.put("redirect_uri", base + REDIRECT);
        params.put("scope", "launch/patient openid fhirUser patient/*.rs");
        params.put("state", "s-123");
        params.put("aud", base + "/demo-ehr/fhir");
        params.put("code_challenge", challenge(verifier));
        params.put("code_challenge_method", "S256");
        HttpResponse<String> page = get(base + "/demo-ehr/auth/authorize?" + form(params), null);
        assertThat(page.statusCode()).isEqualTo(200);
        Matcher consent = Pattern.compile("name=\"consent\" value=\"([^\"]+)\"").matcher(page.body());
        assertThat(consent.find()).isTrue();
        HttpResponse<String> decided = post(base + "/demo-ehr/auth/authorize",
                Map.of("consent", consent.group(1), "patient", patient.fhirId(), "decision", decision), null);
        assertThat(decided.statusCode()).isEqualTo(302);
        URI location = URI.create(decided.headers().firstValue("Location").orElseThrow());
        assertThat(location.getPath()).isEqualTo(REDIRECT);
        Map<String, String> query = new LinkedHashMap<>();
        for (String pair : location.getRawQuery().split("&")) {
            String[] kv = pair.split("=", 2);
            query.put(kv[0], java.net.URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
        }
        return query;
    }

    static HttpResponse<String> exchange(String code, String verifier) throws Exception {
        return post(base + "/demo-ehr/auth/token", Map.of("grant_type", "authorization_code", "code", code,
                "redirect_uri", base + REDIRECT, "client_id", DemoEhr.VIEWER_CLIENT_ID, "code_verifier", verifier), null);
    }

    static String appToken(DemoPatient patient) throws Exception {
        String verifier = "verifier-" + "x".repeat(40);
        Map<String, String> redirect = authorize(patient, "approve", verifier);
        HttpResponse<String> token = exchange(redirect.get("code"), verifier);
        assertThat(token.statusCode()).isEqualTo(200);
        return JSON.readTree(token.body()).path("access_token").asText();
    }

    static String imagingServerBasic() {
        return "Basic " + Base64.getEncoder().encodeToString((DemoEhr.IMAGING_CLIENT_ID + ":"
                + server.ehr().imagingClientSecret()).getBytes(StandardCharsets.UTF_8));
    }

    static String backendToken() throws Exception {
        HttpResponse<String> token = post(base + "/demo-ehr/auth/token",
                Map.of("grant_type", "client_credentials", "scope", "system/Patient.read"), imagingServerBasic());
        assertThat(token.statusCode()).isEqualTo(200);
        return JSON.readTree(token.body()).path("access_token").asText();
    }

    static JsonNode introspect(String token) throws Exception {
        HttpResponse<String> answer = post(base + "/demo-ehr/auth/introspect", Map.of("token", token), "Bearer " + backendToken());
        assertThat(answer.statusCode()).isEqualTo(200);
        return JSON.readTree(answer.body());
    }

    // ---------------------------------------------------------------- specifications

    @Test
    void smartConfigurationListsEndpointsPkceAndTheImagingServer() throws Exception {
        JsonNode config = JSON.readTree(get(base + "/demo-ehr/fhir/.well-known/smart-configuration", null).body());

        assertThat(config.path("token_endpoint").asText()).isEqualTo(base + "/demo-ehr/auth/token");
        assertThat(config.path("introspection_endpoint").asText()).isEqualTo(base + "/demo-ehr/auth/introspect");
        assertThat(config.path("code_challenge_methods_supported").toString()).isEqualTo("[\"S256\"]");
        assertThat(config.path("capabilities").toString()).contains("launch-standalone", "client-public",
                "context-standalone-patient", "permission-v1", "permission-v2");
        assertThat(config.path("associated_endpoints").get(0).path("url").asText()).isEqualTo(base + "/ehr/fhir");
        assertThat(config.path("associated_endpoints").get(0).path("capabilities").toString()).contains("smart-imaging-access");
    }

    @Test
    void wrongPkceVerifierIsInvalidGrant() throws Exception {
        String verifier = "right-verifier-" + "a".repeat(40);
        Map<String, String> redirect = authorize(DemoPatients.JAMES_CHEN, "approve", verifier);
        assertThat(redirect.get("state")).isEqualTo("s-123");

        HttpResponse<String> wrong = exchange(redirect.get("code"), "wrong-verifier-" + "b".repeat(40));

        assertThat(wrong.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(wrong.body()).path("error").asText()).isEqualTo("invalid_grant");
        // and the code is spent: the right verifier no longer helps
        assertThat(exchange(redirect.get("code"), verifier).statusCode()).isEqualTo(400);
    }

    @Test
    void rightVerifierGivesPatientTokenAndIdToken() throws Exception {
        String verifier = "right-verifier-" + "c".repeat(40);
        Map<String, String> redirect = authorize(DemoPatients.MARIA_OKAFOR, "approve", verifier);

        HttpResponse<String> token = exchange(redirect.get("code"), verifier);

        assertThat(token.statusCode()).isEqualTo(200);
        JsonNode answer = JSON.readTree(token.body());
        assertThat(answer.path("patient").asText()).isEqualTo(DemoPatients.MARIA_OKAFOR.fhirId());
        assertThat(answer.path("scope").asText()).contains("patient/*.rs", "launch/patient");
        assertThat(answer.path("id_token").asText()).contains(".");
    }

    @Test
    void denyRedirectsWithAccessDenied() throws Exception {
        Map<String, String> redirect = authorize(DemoPatients.ANA_GARCIA, "deny", "v-" + "d".repeat(43));

        assertThat(redirect.get("error")).isEqualTo("access_denied");
        assertThat(redirect.get("state")).isEqualTo("s-123");
        assertThat(redirect).doesNotContainKey("code");
    }

    @Test
    void introspectionAnswersActiveThenInactiveWhenRevokedOrExpired() throws Exception {
        String revoked = appToken(DemoPatients.ANA_GARCIA);
        String expired = appToken(DemoPatients.ANA_GARCIA);

        JsonNode active = introspect(revoked);
        assertThat(active.path("active").asBoolean()).isTrue();
        assertThat(active.path("patient").asText()).isEqualTo(DemoPatients.ANA_GARCIA.fhirId());
        assertThat(active.path("client_id").asText()).isEqualTo(DemoEhr.VIEWER_CLIENT_ID);
        assertThat(active.path("scope").asText()).contains("patient/*.rs");
        assertThat(active.path("exp").asLong()).isGreaterThan(System.currentTimeMillis() / 1000);
        assertThat(active.path("sub").asText()).isNotEmpty();

        assertThat(post(base + "/demo-ehr/auth/revoke", Map.of("token", revoked, "client_id", DemoEhr.VIEWER_CLIENT_ID), null)
                .statusCode()).isEqualTo(200);
        assertThat(post(base + "/demo-ehr/auth/admin/tokens", Map.of("action", "expire", "token", expired), null)
                .body()).contains("\"affected\":1");

        assertThat(introspect(revoked).toString()).isEqualTo("{\"active\":false}");
        assertThat(introspect(expired).toString()).isEqualTo("{\"active\":false}");
    }

    @Test
    void introspectionNeedsTheImagingServer() throws Exception {
        String token = appToken(DemoPatients.ANA_GARCIA);

        assertThat(post(base + "/demo-ehr/auth/introspect", Map.of("token", token), null).statusCode()).isEqualTo(401);
        assertThat(post(base + "/demo-ehr/auth/introspect", Map.of("token", token), "Bearer " + token).statusCode()).isEqualTo(401);
        assertThat(post(base + "/demo-ehr/auth/introspect", Map.of("token", token), imagingServerBasic()).statusCode()).isEqualTo(200);
        assertThat(post(base + "/demo-ehr/auth/token", Map.of("grant_type", "client_credentials"),
                "Basic " + Base64.getEncoder().encodeToString((DemoEhr.IMAGING_CLIENT_ID + ":wrong").getBytes())).statusCode())
                .isEqualTo(401);
    }

    @Test
    void patientReadNeedsATokenForThatPatient() throws Exception {
        String url = base + "/demo-ehr/fhir/Patient/" + DemoPatients.JAMES_CHEN.fhirId();
        String token = appToken(DemoPatients.JAMES_CHEN);

        HttpResponse<String> none = get(url, null);
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(h -> assertThat(h).startsWith("Bearer"));
        assertThat(get(url, "not-a-token").statusCode()).isEqualTo(401);

        HttpResponse<String> own = get(url, token);
        assertThat(own.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(own.body()).path("identifier").get(0).path("value").asText()).isEqualTo(DemoPatients.JAMES_CHEN.mrn());

        assertThat(get(base + "/demo-ehr/fhir/Patient/" + DemoPatients.ANA_GARCIA.fhirId(), token).statusCode()).isEqualTo(403);
        assertThat(get(url, backendToken()).statusCode()).isEqualTo(200);
        JsonNode search = JSON.readTree(get(base + "/demo-ehr/fhir/Patient?identifier=" + DemoPatients.JAMES_CHEN.mrn(), token).body());
        assertThat(search.path("entry").size()).isEqualTo(1);
        assertThat(get(base + "/demo-ehr/fhir/metadata", null).statusCode()).isEqualTo(200);
    }

    @Test
    void appTokenOpensTheEhrImagingConfigForItsPatientOnly() throws Exception {
        String token = appToken(DemoPatients.JAMES_CHEN);

        HttpResponse<String> own = get(base + "/ehr/fhir/ImagingStudy?patient=" + DemoPatients.JAMES_CHEN.fhirId(), token);
        assertThat(own.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(own.body()).path("total").asInt()).isEqualTo(2);

        assertThat(get(base + "/ehr/fhir/ImagingStudy?patient=" + DemoPatients.ANA_GARCIA.fhirId(), token).statusCode()).isEqualTo(403);
        assertThat(get(base + "/ehr/fhir/ImagingStudy?patient=" + DemoPatients.JAMES_CHEN.fhirId(), "forged").statusCode()).isEqualTo(401);
    }
}
