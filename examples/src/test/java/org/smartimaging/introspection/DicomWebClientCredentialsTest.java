package org.smartimaging.introspection;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smartimaging.engine.ImagingEngine;
import org.smartimaging.engine.ImagingRequest;
import org.smartimaging.engine.ImagingResponse;
import org.smartimaging.engine.ServerOptions;
import org.smartimaging.testing.Bodies;
import org.smartimaging.testing.DcmtkStudyWriter.Study;
import org.smartimaging.testing.DcmtkStudyWriter;
import org.smartimaging.testing.Multipart;
import org.smartimaging.testing.MutableClock;
import org.smartimaging.testing.OrthancServer;

/**
 * The {@code dicom-web} source's {@code client-credentials} authentication with real peers only:
 * oidc-provider (oauth-server.mjs) issues the token, and a real Orthanc admits a DICOMweb request
 * only if oidc-provider's introspection endpoint says its bearer token is active, was issued to
 * the imaging client with {@code system/*.read} and is meant for this PACS. Orthanc asks from its
 * Lua {@code IncomingHttpRequestFilter} with {@code HttpPost}, authenticated as its own
 * oidc-provider client ({@code client_secret_basic}).
 *
 * <p>The engine is built from a built-in config, as a vendor deploys it. In this package (not in
 * {@code org.smartimaging.dicomweb}) only because {@link NodeOAuthServer} is package-private.
 */
class DicomWebClientCredentialsTest {

    static final String SDK_CLIENT = "imaging-pacs-reader";
    static final String SDK_SECRET = "pacs-reader-Secret-0123456789-never-shown";
    static final String SDK_SCOPE = "system/*.read";
    static final String ORTHANC_CLIENT = "orthanc-introspector";
    static final String ORTHANC_SECRET = "orthanc-introspector-secret-0123456789";
    static final String BASE = "https://localhost/api";
    static final Study STUDY = Study.small("1.2.826.0.1.3680043.10.1005.1", "MRN-CC", 1, 2);
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    static Path files;
    static NodeOAuthServer oauth;
    static OrthancServer orthanc;
    static String pacsAudience;
    static String tokenEndpoint;
    static MutableClock clock;
    ImagingEngine engine;

    @BeforeAll
    static void start() throws Exception {
        int orthancPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            orthancPort = socket.getLocalPort();
        }
        // The PACS is the one resource server the tokens are for (their audience).
        pacsAudience = "http://127.0.0.1:" + orthancPort + "/dicom-web";
        ObjectNode config = TestEhr.JSON.createObjectNode();
        config.put("fhirBaseUrl", pacsAudience);
        config.putArray("clients")
                .add(TestEhr.JSON.createObjectNode()
                        .put("client_id", SDK_CLIENT)
                        .put("client_secret", SDK_SECRET)
                        .put("token_endpoint_auth_method", "client_secret_basic")
                        .put("scope", SDK_SCOPE)
                        .<ObjectNode>set("grant_types", TestEhr.JSON.createArrayNode().add("client_credentials"))
                        .<ObjectNode>set("response_types", TestEhr.JSON.createArrayNode())
                        .set("redirect_uris", TestEhr.JSON.createArrayNode()))
                .add(TestEhr.JSON.createObjectNode()
                        .put("client_id", ORTHANC_CLIENT)
                        .put("client_secret", ORTHANC_SECRET)
                        .put("token_endpoint_auth_method", "client_secret_basic")
                        .<ObjectNode>set("grant_types", TestEhr.JSON.createArrayNode())
                        .<ObjectNode>set("response_types", TestEhr.JSON.createArrayNode())
                        .set("redirect_uris", TestEhr.JSON.createArrayNode()));
        config.put("accessTokenTTL", 600);
        oauth = NodeOAuthServer.start(config);
        JsonNode discovered = oauth.openidConfiguration();
        tokenEndpoint = discovered.get("token_endpoint").asText();
        String introspection = discovered.get("introspection_endpoint").asText();

        Path filter = files.resolve("introspecting-filter.lua");
        Files.writeString(filter, """
                introspectionUrl = '%s'
                introspectionAuthorization = 'Basic %s'
                lastBearer = nil

                local function formEncode(value)
                  return (string.gsub(value, '[^%%w%%-%%._~]', function(c)
                    return string.format('%%%%%%02X', string.byte(c))
                  end))
                end

                local function hasScope(granted, wanted)
                  return granted ~= nil and string.find(' ' .. granted .. ' ', ' ' .. wanted .. ' ', 1, true) ~= nil
                end

                function IncomingHttpRequestFilter(method, uri, ip, username, httpHeaders)
                  if string.sub(uri, 1, 10) ~= '/dicom-web' then
                    return true
                  end
                  local authorization = httpHeaders['authorization']
                  if authorization == nil or string.sub(authorization, 1, 7) ~= 'Bearer ' then
                    return false
                  end
                  local token = string.sub(authorization, 8)
                  lastBearer = token
                  local answer = HttpPost(introspectionUrl, 'token=' .. formEncode(token) .. '&token_type_hint=access_token',
                    { ['Content-Type'] = 'application/x-www-form-urlencoded',
                      ['Accept'] = 'application/json',
                      ['Authorization'] = introspectionAuthorization })
                  if answer == nil then
                    return false
                  end
                  local result = ParseJson(answer)
                  return result ~= nil and result['active'] == true and result['client_id'] == '%s'
                    and result['aud'] == '%s' and hasScope(result['scope'], '%s')
                end
                """.formatted(introspection,
                Base64.getEncoder().encodeToString((ORTHANC_CLIENT + ":" + ORTHANC_SECRET).getBytes(StandardCharsets.UTF_8)),
                SDK_CLIENT, pacsAudience, SDK_SCOPE));
        orthanc = OrthancServer.builder()
                .httpPort(orthancPort)
                .option("LuaScripts", List.of(filter.toString()))
                // the test reads lastBearer from the filter's Lua context (loopback only)
                .option("ExecuteLuaEnabled", true)
                .start();
        orthanc.uploadAll(DcmtkStudyWriter.write(STUDY, files.resolve("study")));
    }

    @AfterAll
    static void stop() {
        if (orthanc != null) {
            orthanc.close();
        }
        if (oauth != null) {
            oauth.close();
        }
    }

    @AfterEach
    void closeEngine() {
        if (engine != null) {
            engine.close();
        }
    }

    @Test
    void orthancAdmitsOnlyTokensTheAuthorizationServerCallsActive() throws Exception {
        assertThat(directSearch(null)).isEqualTo(403);
        assertThat(directSearch("forged-token")).isEqualTo(403);
        // an active token with the right scope, but issued to another client (Orthanc itself): refused too
        String othersToken = oauth.issue(ORTHANC_CLIENT, "nobody", SDK_SCOPE, null, 600);
        assertThat(directSearch(othersToken)).isEqualTo(403);
    }

    @Test
    void searchAndRetrievalThroughTheEngineShareOneTokenFromTheAuthorizationServer() throws IOException {
        engine = engine(SDK_SECRET);
        oauth.resetCounts();

        JsonNode bundle = search();
        String address = Bodies.endpointAddresses(bundle).get(0);
        ImagingResponse wado = engine.handle(ImagingRequest.get(address.substring(BASE.length()) + "/studies/"
                + STUDY.studyUid(), Map.of(), Map.of("Authorization", "Bearer any"), BASE));
        assertThat(wado.status()).isEqualTo(200);
        byte[] body = Bodies.read(wado.body());
        assertThat(Multipart.parts(wado.body().contentType(), body)).hasSize(2);
        search();

        // counted at oidc-provider: one client-credentials token, checked by Orthanc on every request
        // (a first search of one study is 2 QIDO-RS requests, the retrieval 1 WADO-RS, the repeated
        // search 1: the study's series and instances come from the source's study cache)
        assertThat(oauth.count("token")).isEqualTo(1);
        assertThat(oauth.count("introspection")).isEqualTo(2 + 1 + 1);
    }

    @Test
    void aTokenRevokedAtTheAuthorizationServerIsReplacedAndTheRequestSucceeds() throws Exception {
        engine = engine(SDK_SECRET);
        search();
        oauth.resetCounts();
        search();
        int introspectionsPerSearch = oauth.count("introspection");
        assertThat(oauth.count("token")).isZero();
        String first = lastBearerSeenByOrthanc();
        oauth.revoke(first, SDK_CLIENT, SDK_SECRET);
        assertThat(directSearch(first)).isEqualTo(403);
        oauth.resetCounts();

        // Orthanc refuses the revoked token (403); the source fetches a new one and retries once
        search();

        assertThat(oauth.count("token")).isEqualTo(1);
        assertThat(oauth.count("introspection")).as("one refused request, then the search again")
                .isEqualTo(introspectionsPerSearch + 1);
        String second = lastBearerSeenByOrthanc();
        assertThat(second).isNotEqualTo(first);
        oauth.resetCounts();
        search();
        assertThat(oauth.count("token")).isZero();
        assertThat(lastBearerSeenByOrthanc()).isEqualTo(second);
    }

    @Test
    void aTokenIsRenewedShortlyBeforeTheAuthorizationServerLetsItExpire() throws Exception {
        engine = engine(SDK_SECRET);
        search();
        String first = lastBearerSeenByOrthanc();
        oauth.resetCounts();

        // 600 s tokens are renewed 30 s early: at 560 s the same one is still used, at 575 s it is replaced
        clock.advance(Duration.ofSeconds(560));
        search();
        assertThat(oauth.count("token")).isZero();
        assertThat(lastBearerSeenByOrthanc()).isEqualTo(first);
        clock.advance(Duration.ofSeconds(15));
        search();
        assertThat(oauth.count("token")).isEqualTo(1);
        assertThat(lastBearerSeenByOrthanc()).isNotEqualTo(first);
    }

    @Test
    void aWrongClientSecretIsA502WithoutTheSecret() {
        String wrong = "wrong-" + SDK_SECRET;
        engine = engine(wrong);
        oauth.resetCounts();

        ImagingResponse search = engine.handle(ImagingRequest.get("/pacs/fhir/ImagingStudy",
                Map.of("patient", List.of(STUDY.patientId())), Map.of("Authorization", "Bearer any"), BASE));

        String outcome = new String(Bodies.read(search.body()), StandardCharsets.UTF_8);
        assertThat(search.status()).as(outcome).isEqualTo(502);
        assertThat(outcome)
                .contains("refused our client credentials")
                .doesNotContain(SDK_SECRET)
                .doesNotContain(Base64.getEncoder().encodeToString((SDK_CLIENT + ":" + wrong).getBytes(StandardCharsets.UTF_8)));
        assertThat(oauth.count("token")).isEqualTo(1);
        assertThat(oauth.count("introspection")).as("the PACS is never asked without a token").isZero();
    }

    // --- helpers -------------------------------------------------------------------------------

    private ImagingEngine engine(String clientSecret) {
        clock = new MutableClock(Instant.now());
        String config = """
                {"authorization": {"type": "mock", "disableAuthzChecks": true},
                 "images": {"type": "dicom-web", "lookup": "studies-by-mrn", "endpoint": "%s",
                            "authentication": {"type": "client-credentials", "tokenEndpoint": "%s",
                                               "clientId": "%s", "clientSecret": "%s", "scope": "%s"}}}
                """.formatted(orthanc.dicomWebUri(), tokenEndpoint, SDK_CLIENT, clientSecret, SDK_SCOPE);
        // mock with checks off: the patient is named by its MRN
        return new ImagingEngine(ServerOptions.builder()
                .builtInConfig("pacs", config)
                .dataDirectory(files)
                .randomStudyTokenKey()
                .clock(clock)
                .build());
    }

    private JsonNode search() throws IOException {
        ImagingResponse search = engine.handle(ImagingRequest.get("/pacs/fhir/ImagingStudy",
                Map.of("patient", List.of(STUDY.patientId())), Map.of("Authorization", "Bearer any"), BASE));
        String text = new String(Bodies.read(search.body()), StandardCharsets.UTF_8);
        assertThat(search.status()).as(text).isEqualTo(200);
        JsonNode bundle = TestEhr.JSON.readTree(text);
        assertThat(bundle.path("entry")).hasSize(1);
        assertThat(bundle.path("entry").get(0).path("resource").path("numberOfInstances").asInt()).isEqualTo(2);
        return bundle;
    }

    /** A QIDO-RS search straight at Orthanc with this bearer token (none if null): its status. */
    private static int directSearch(String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(orthanc.dicomWebUri() + "/studies"))
                .header("Accept", "application/dicom+json");
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.GET().build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /** The bearer token Orthanc's filter last saw, read from its Lua context. */
    private static String lastBearerSeenByOrthanc() throws Exception {
        HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(orthanc.baseUri().resolve("/tools/execute-script"))
                .POST(HttpRequest.BodyPublishers.ofString("print(lastBearer)"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        String token = answer.body().trim();
        assertThat(token).isNotEmpty().isNotEqualTo("nil");
        return token;
    }
}
