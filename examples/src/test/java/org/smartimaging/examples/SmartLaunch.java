package org.smartimaging.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.smartimaging.examples.demo.DemoPatient;

/**
 * A standalone launch against the demo EHR over plain HTTP, as a registered public app performs it
 * (authorize with PKCE, the patient approves on the consent page, code exchanged for a token):
 * a real access token for tests that hand it to a browser app.
 */
final class SmartLaunch {

    private static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();

    private SmartLaunch() {}

    /** The access token the EHR issues to {@code clientId} when {@code patient} approves. */
    static String accessToken(DemoServer server, String clientId, String redirectUri, DemoPatient patient) throws Exception {
        String base = "http://127.0.0.1:" + server.port();
        String verifier = random();
        Map<String, String> params = new LinkedHashMap<>();
        params.put("response_type", "code");
        params.put("client_id", clientId);
        params.put("redirect_uri", redirectUri);
        params.put("scope", "launch/patient openid fhirUser patient/*.rs");
        params.put("state", random());
        params.put("aud", base + DemoServer.EHR_PATH + "/fhir");
        params.put("code_challenge", Base64.getUrlEncoder().withoutPadding().encodeToString(
                MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII))));
        params.put("code_challenge_method", "S256");
        HttpResponse<String> page = HTTP.send(HttpRequest.newBuilder(
                URI.create(base + DemoServer.EHR_PATH + "/auth/authorize?" + form(params))).build(), HttpResponse.BodyHandlers.ofString());
        Matcher consent = Pattern.compile("name=\"consent\" value=\"([^\"]+)\"").matcher(page.body());
        if (page.statusCode() != 200 || !consent.find()) {
            throw new IllegalStateException("no consent page: HTTP " + page.statusCode() + " " + page.body());
        }
        HttpResponse<String> decided = post(base + DemoServer.EHR_PATH + "/auth/authorize",
                Map.of("consent", consent.group(1), "patient", patient.fhirId(), "decision", "approve"));
        String code = query(URI.create(decided.headers().firstValue("Location").orElseThrow())).get("code");
        HttpResponse<String> token = post(base + DemoServer.EHR_PATH + "/auth/token", Map.of("grant_type", "authorization_code",
                "code", code, "redirect_uri", redirectUri, "client_id", clientId, "code_verifier", verifier));
        JsonNode answer = JSON.readTree(token.body());
        if (token.statusCode() != 200 || !answer.path("patient").asText().equals(patient.fhirId())) {
            throw new IllegalStateException("token exchange failed: HTTP " + token.statusCode() + " " + token.body());
        }
        return answer.path("access_token").asText();
    }

    private static HttpResponse<String> post(String url, Map<String, String> fields) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form(fields))).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String random() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String form(Map<String, String> fields) {
        return fields.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    private static Map<String, String> query(URI uri) {
        Map<String, String> query = new LinkedHashMap<>();
        for (String pair : uri.getRawQuery().split("&")) {
            String[] kv = pair.split("=", 2);
            query.put(kv[0], URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
        }
        return query;
    }
}
