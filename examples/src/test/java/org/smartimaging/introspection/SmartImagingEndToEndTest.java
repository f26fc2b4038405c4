package org.smartimaging.introspection;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.smartimaging.engine.ImagingEngine;
import org.smartimaging.engine.ServerOptions;
import org.smartimaging.servlet.SmartImagingServlet;
import org.smartimaging.testing.TestStudies;

/**
 * The whole path as a deployment runs it: the engine behind {@link SmartImagingServlet} on Jetty,
 * the {@code smart-on-fhir} authorizer and FHIR patient resolver against oidc-provider and HAPI
 * FHIR, the {@code folder} source with studies for patients A (MRN-A) and B (MRN-B).
 */
class SmartImagingEndToEndTest {

    private static final String KEY = "ehr";
    private static TestEhr ehr;
    private static ImagingEngine engine;
    private static Server jetty;
    private static URI imagingBase;
    private static TestStudies.Study studyA;
    private static TestStudies.Study studyB;
    private static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    @BeforeAll
    static void start() throws Exception {
        ehr = TestEhr.start(SmartOnFhirVariant.STANDARD);
        Path data = Files.createTempDirectory("smart-imaging-e2e");
        studyA = TestStudies.write(data.resolve("studies"), "MRN-A", "CT", 1, 2, 8);
        studyB = TestStudies.write(data.resolve("studies"), "MRN-B", "MR", 1, 1, 8);
        ObjectNode config = TestEhr.JSON.createObjectNode();
        config.set("authorization", ehr.authorizationSection());
        config.putObject("images").put("type", "folder").put("directory", "studies").put("lookup", "studies-by-mrn");
        engine = new ImagingEngine(ServerOptions.builder()
                .dataDirectory(data)
                .randomStudyTokenKey()
                .builtInConfig(KEY, config.toString())
                .build());
        jetty = new Server(new InetSocketAddress("127.0.0.1", 0));
        ServletContextHandler context = new ServletContextHandler("/");
        ServletHolder holder = new ServletHolder(new SmartImagingServlet(engine));
        holder.setAsyncSupported(true);
        context.addServlet(holder, "/imaging/*");
        jetty.setHandler(context);
        jetty.start();
        int port = ((ServerConnector) jetty.getConnectors()[0]).getLocalPort();
        imagingBase = URI.create("http://127.0.0.1:" + port + "/imaging/" + KEY + "/fhir");
        // What an EHR adds to its own smart-configuration so that apps find the imaging server.
        ObjectNode ehrDiscovery = (ObjectNode) get(ehr.fhir.baseUrl() + "/.well-known/smart-configuration", null).json();
        ehrDiscovery.putArray("associated_endpoints").addObject()
                .put("url", imagingBase.toString())
                .putArray("capabilities").add("smart-imaging-access");
        ehr.fhir.smartConfiguration(ehrDiscovery);
    }

    @AfterAll
    static void stop() throws Exception {
        if (jetty != null) {
            jetty.stop();
        }
        if (engine != null) {
            engine.close();
        }
        if (ehr != null) {
            ehr.close();
        }
    }

    @Test
    void patientAsTokenListsAndRetrievesAsStudiesOnly() {
        String token = ehr.tokenFor("A");

        Answer bundle = get(imagingBase + "/ImagingStudy?patient=A", token);

        assertThat(bundle.status()).isEqualTo(200);
        assertThat(studyUids(bundle.json())).containsExactly(studyA.studyInstanceUid());
        Answer metadata = get(wadoBase(bundle.json()) + "/studies/" + studyA.studyInstanceUid() + "/metadata", token);
        assertThat(metadata.status()).isEqualTo(200);
        assertThat(metadata.text()).contains(studyA.sopInstanceUids().get(0));
    }

    @Test
    void patientAsTokenCannotSearchPatientB() {
        Answer answer = get(imagingBase + "/ImagingStudy?patient=B", ehr.tokenFor("A"));

        assertThat(answer.status()).isEqualTo(403);
        assertThat(answer.json().path("resourceType").asText()).isEqualTo("OperationOutcome");
    }

    @Test
    void patientAsTokenCannotUseTheStudyUrlIssuedForB() {
        Answer forB = get(imagingBase + "/ImagingStudy?patient=B", ehr.tokenFor("B"));
        assertThat(forB.status()).isEqualTo(200);
        String studyUrlOfB = wadoBase(forB.json()) + "/studies/" + studyB.studyInstanceUid() + "/metadata";

        Answer answer = get(studyUrlOfB, ehr.tokenFor("A"));

        assertThat(answer.status()).isEqualTo(403);
    }

    @Test
    void aTokenWithoutAnImagingScopeIsForbidden() {
        String token = ehr.oauth.issue(TestEhr.VIEWER, "alice", "launch/patient patient/Observation.rs", "A", 600);

        Answer answer = get(imagingBase + "/ImagingStudy?patient=A", token);

        assertThat(answer.status()).isEqualTo(403);
        assertThat(answer.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).contains("insufficient_scope"));
    }

    @Test
    void missingAndInactiveTokensAreUnauthorized() {
        Answer missing = get(imagingBase + "/ImagingStudy?patient=A", null);
        Answer inactive = get(imagingBase + "/ImagingStudy?patient=A", "forged-token");

        assertThat(missing.status()).isEqualTo(401);
        assertThat(missing.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
        assertThat(inactive.status()).isEqualTo(401);
        assertThat(inactive.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).contains("invalid_token"));
    }

    @Test
    void aViewersManyRequestsCostOneIntrospection() {
        String token = ehr.tokenFor("A");
        ehr.oauth.resetCounts();
        int fhirServersOwn = ehr.fhir.introspections();

        JsonNode bundle = get(imagingBase + "/ImagingStudy?patient=A", token).json();
        String wado = wadoBase(bundle);
        for (int i = 0; i < 20; i++) {
            assertThat(get(wado + "/studies/" + studyA.studyInstanceUid() + "/metadata", token).status()).isEqualTo(200);
        }

        // counted at the authorization server, less the FHIR server's checks of the backend token
        assertThat(ehr.oauth.count("introspection") - (ehr.fhir.introspections() - fhirServersOwn)).isEqualTo(1);
    }

    /** An app's standalone launch, step by step, as a browser-based viewer performs it. */
    @Test
    void aStandaloneLaunchReadsThePatientAtTheEhrAndTheImagesAtTheSdkWithOneToken() throws Exception {
        // 1. Discovery at the EHR: its authorization server, and the imaging server it points to.
        JsonNode ehrConfiguration = get(ehr.fhir.baseUrl() + "/.well-known/smart-configuration", null).json();
        URI authorize = URI.create(ehrConfiguration.get("authorization_endpoint").asText());
        URI tokenEndpoint = URI.create(ehrConfiguration.get("token_endpoint").asText());
        JsonNode imaging = ehrConfiguration.get("associated_endpoints").get(0);
        assertThat(imaging.get("capabilities").toString()).contains("smart-imaging-access");
        String imagingFhir = imaging.get("url").asText();
        JsonNode imagingConfiguration = get(imagingFhir + "/.well-known/smart-configuration", null).json();
        assertThat(imagingConfiguration.get("authorization_endpoint").asText()).isEqualTo(authorize.toString());

        // 2. Authorization code request with PKCE; the user (alice) logs in, picks patient A, consents.
        String verifier = base64Url(randomBytes(32));
        String challenge = base64Url(MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        String state = base64Url(randomBytes(12));
        Map<String, String> params = new LinkedHashMap<>();
        params.put("response_type", "code");
        params.put("client_id", TestEhr.VIEWER);
        params.put("redirect_uri", TestEhr.VIEWER_REDIRECT);
        params.put("scope", TestEhr.IMAGING_SCOPES);
        params.put("state", state);
        params.put("aud", ehr.fhir.baseUrl().toString());
        params.put("code_challenge", challenge);
        params.put("code_challenge_method", "S256");
        Browser browser = new Browser();
        URI location = browser.get(URI.create(authorize + "?" + form(params)));
        assertThat(location.getPath()).startsWith("/interaction/");
        assertThat(browser.json(location).get("prompt").asText()).isEqualTo("login");
        location = browser.follow(browser.post(URI.create(location + "/login"), Map.of("login", "alice")));
        assertThat(browser.json(location).get("prompt").asText()).isEqualTo("consent");
        JsonNode consent = browser.json(location);
        URI callback = browser.follow(browser.post(URI.create(location + "/confirm"), Map.of()));
        assertThat(callback.toString()).as(consent + " then " + (callback.getPath().startsWith("/interaction") ? browser.json(callback) : "")).startsWith(TestEhr.VIEWER_REDIRECT);
        Map<String, String> callbackParams = query(callback);
        assertThat(callbackParams.get("state")).isEqualTo(state);

        // 3. Token request: the access token, with the patient in context beside it.
        JsonNode tokens = browser.json(browser.postForJson(tokenEndpoint, Map.of(
                "grant_type", "authorization_code",
                "code", callbackParams.get("code"),
                "redirect_uri", TestEhr.VIEWER_REDIRECT,
                "client_id", TestEhr.VIEWER,
                "code_verifier", verifier)));
        String accessToken = tokens.get("access_token").asText();
        String patient = tokens.get("patient").asText();
        assertThat(patient).isEqualTo("A");
        assertThat(tokens.get("scope").asText()).contains("patient/ImagingStudy.rs");

        // 4. The app reads its patient at the EHR's FHIR server...
        Answer patientRead = get(ehr.fhir.baseUrl() + "/Patient/" + patient, accessToken);
        assertThat(patientRead.status()).isEqualTo(200);
        assertThat(patientRead.json().get("id").asText()).isEqualTo("A");

        // 5. ...and, with the same token, lists and retrieves the patient's images at the SDK.
        Answer bundle = get(imagingFhir + "/ImagingStudy?patient=" + patient, accessToken);
        assertThat(bundle.status()).isEqualTo(200);
        assertThat(studyUids(bundle.json())).containsExactly(studyA.studyInstanceUid());
        String instance = wadoBase(bundle.json()) + "/studies/" + studyA.studyInstanceUid() + "/series/"
                + studyA.seriesInstanceUids().get(0) + "/instances/" + studyA.sopInstanceUids().get(0);
        HttpResponse<byte[]> dicom = HTTP.send(HttpRequest.newBuilder(URI.create(instance))
                .header("Authorization", "Bearer " + accessToken)
                .header("Accept", "multipart/related; type=\"application/dicom\"")
                .build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(dicom.statusCode()).isEqualTo(200);
        assertThat(dicom.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("multipart/related"));
        assertThat(new String(dicom.body(), StandardCharsets.ISO_8859_1)).contains("DICM");
    }

    // --- helpers -------------------------------------------------------------------------------

    record Answer(int status, java.net.http.HttpHeaders headers, String text) {
        JsonNode json() {
            try {
                return TestEhr.JSON.readTree(text);
            } catch (IOException e) {
                throw new IllegalStateException(text, e);
            }
        }
    }

    static Answer get(String url, String token) {
        return get(url, token, url.contains("/wado/") ? "application/dicom+json" : "application/fhir+json");
    }

    static Answer get(String url, String token, String accept) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).header("Accept", accept);
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        try {
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), response.headers(), response.body());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static List<String> studyUids(JsonNode bundle) {
        List<String> uids = new ArrayList<>();
        for (JsonNode entry : bundle.path("entry")) {
            for (JsonNode identifier : entry.path("resource").path("identifier")) {
                if (identifier.path("value").asText().startsWith("urn:oid:")) {
                    uids.add(identifier.path("value").asText().substring("urn:oid:".length()));
                }
            }
        }
        return uids;
    }

    /** The WADO-RS base of the first study's Endpoint. */
    static String wadoBase(JsonNode bundle) {
        List<JsonNode> endpoints = bundle.findParents("address");
        assertThat(endpoints).as("an Endpoint in " + bundle).isNotEmpty();
        return endpoints.get(0).get("address").asText();
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        new SecureRandom().nextBytes(bytes);
        return bytes;
    }

    private static String base64Url(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String form(Map<String, String> params) {
        StringBuilder text = new StringBuilder();
        params.forEach((k, v) -> text.append(text.length() == 0 ? "" : "&")
                .append(URLEncoder.encode(k, StandardCharsets.UTF_8)).append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return text.toString();
    }

    private static Map<String, String> query(URI uri) {
        Map<String, String> params = new LinkedHashMap<>();
        for (String pair : uri.getRawQuery().split("&")) {
            int eq = pair.indexOf('=');
            params.put(java.net.URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return params;
    }

    /** The user's browser at the authorization server: keeps cookies, does not follow redirects by itself. */
    private static final class Browser {
        private final HttpClient client = HttpClient.newBuilder()
                .cookieHandler(new java.net.CookieManager(null, java.net.CookiePolicy.ACCEPT_ALL))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();

        /** GET; the redirect target, following redirects within the authorization server. */
        URI get(URI uri) throws Exception {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
            return redirectOf(uri, response);
        }

        URI post(URI uri, Map<String, String> form) throws Exception {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(uri)
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form(form)))
                    .build(), HttpResponse.BodyHandlers.ofString());
            return redirectOf(uri, response);
        }

        /** Follows redirects while they stay at the authorization server (resume, next interaction). */
        URI follow(URI location) throws Exception {
            while (location.getPath().startsWith("/auth")) {
                location = get(location);
            }
            return location;
        }

        String postForJson(URI uri, Map<String, String> form) throws Exception {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(uri)
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form(form)))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            return response.body();
        }

        JsonNode json(URI uri) throws Exception {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            return TestEhr.JSON.readTree(response.body());
        }

        JsonNode json(String text) throws IOException {
            return TestEhr.JSON.readTree(text);
        }

        private static URI redirectOf(URI from, HttpResponse<String> response) {
            assertThat(response.statusCode()).as(from + " -> " + response.body()).isBetween(300, 399);
            return from.resolve(response.headers().firstValue("Location").orElseThrow());
        }
    }
}
