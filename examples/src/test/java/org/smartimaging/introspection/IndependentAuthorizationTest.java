package org.smartimaging.introspection;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.AuthorizationRequest;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.auth.ClientAuthentication;
import com.nimbusds.oauth2.sdk.auth.PrivateKeyJWT;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Date;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smartimaging.examples.DemoServer;
import org.smartimaging.examples.DemoServer.DemoOptions;
import org.smartimaging.examples.demo.DemoPatient;
import org.smartimaging.examples.demo.DemoPatients;
import org.smartimaging.examples.ehr.DemoEhr;

/**
 * {@code smart-on-fhir-independent} against the real flow: the demo server (imaging engine behind
 * the servlet on Jetty, next to the demo EHR), a browser that signs in at the EHR once, then
 * authorizes at the imaging server, which signs the user in through the EHR with
 * {@code prompt=none}. Every refusal is checked for its OAuth error or HTTP status.
 *
 * <p>Configurations: the reference's {@code smart-sandbox-independent.json} (pointed at the demo
 * EHR; no client registry), and {@code confidential} (the same EHR client, an app registry with the
 * public viewer and a {@code private_key_jwt} app).
 */
class IndependentAuthorizationTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String REFERENCE = "smart-sandbox-independent";
    static final String CONFIDENTIAL = "confidential";
    static final String CONFIDENTIAL_APP = "confidential-app";
    static final String EHR_SCOPE = "openid fhirUser launch/patient patient/*.rs";
    static final DemoPatient A = DemoPatients.ANA_GARCIA;
    static final DemoPatient B = DemoPatients.JAMES_CHEN;

    @TempDir
    static Path data;
    @TempDir
    static Path configs;
    static DemoServer server;
    static ECKey appKey;
    static JsonNode referenceAuthorization;

    @BeforeAll
    static void start() throws Exception {
        // The demo binds its port first; the configs name the EHR's URL, so reserve the port via a first start.
        appKey = new ECKeyGenerator(Curve.P_384).keyID("app-1").algorithm(JWSAlgorithm.ES384).generate();
        server = DemoServer.start(DemoOptions.parse("--port", "0", "--data", data.toString()));
        int port = server.port();
        server.close();
        // The browser signs in at the EHR on localhost: its cookie must reach the EHR pages the imaging server sends it to.
        String ehrBase = "http://localhost:" + port + DemoServer.EHR_PATH + "/fhir";
        String reference = Files.readString(Path.of("src/test/resources/reference-configs/" + REFERENCE + ".json"))
                .replace("${DEMO_EHR_FHIR_BASE}", ehrBase);
        Files.writeString(configs.resolve(REFERENCE + ".json"), reference);
        JsonNode referenceJson = JSON.readTree(reference);
        referenceAuthorization = referenceJson.get("authorization");
        var confidential = referenceJson.deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) confidential.get("authorization")).set("clients", JSON.readTree("""
                [{"client_id": "smart-imaging-viewer", "redirect_uris": ["http://localhost:%d/viewer/index.html"]},
                 {"client_id": "%s", "redirect_uris": ["http://localhost:%d/viewer/index.html"], "jwks": {"keys": [%s]}}]"""
                .formatted(port, CONFIDENTIAL_APP, port, appKey.toPublicJWK().toJSONString())));
        Files.writeString(configs.resolve(CONFIDENTIAL + ".json"), JSON.writeValueAsString(confidential));
        server = DemoServer.start(DemoOptions.parse("--port", Integer.toString(port), "--data", data.toString(),
                "--config-dir", configs.toString()));
        // The EHR knows the reference's imaging client by its public key (private_key_jwt).
        server.ehr().registerKeyClient("imaging-client", JWK.parse(referenceAuthorization.get("client").get("jwk").toString()));
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    // ------------------------------------------------------------------ the flow, step by step

    static String viewerRedirect() {
        return server.baseUrl() + "/viewer/index.html";
    }

    static String site(String key) {
        return server.baseUrl() + "/" + key;
    }

    /** Signs the browser in at the EHR as the viewer would; returns the EHR's ID token. */
    static String signInAtEhr(Browser browser, DemoPatient patient) throws Exception {
        CodeVerifier verifier = new CodeVerifier();
        URI authorize = new AuthorizationRequest.Builder(ResponseType.CODE, new ClientID(DemoEhr.VIEWER_CLIENT_ID))
                .endpointURI(URI.create(server.baseUrl() + DemoServer.EHR_PATH + "/auth/authorize"))
                .redirectionURI(URI.create(viewerRedirect()))
                .scope(Scope.parse(EHR_SCOPE))
                .state(new State())
                .codeChallenge(verifier, CodeChallengeMethod.S256)
                .customParameter("aud", server.ehrFhirBase())
                .build().toURI();
        HttpResponse<String> picker = browser.get(authorize.toString());
        assertThat(picker.statusCode()).as(picker.body()).isEqualTo(200);
        HttpResponse<String> approved = browser.post(server.baseUrl() + DemoServer.EHR_PATH + "/auth/authorize",
                Map.of("consent", Browser.hidden(picker.body(), "consent"), "patient", patient.fhirId(), "decision", "approve"), Map.of());
        String code = param(Browser.location(approved), "code");
        HTTPResponse token = new TokenRequest(URI.create(server.baseUrl() + DemoServer.EHR_PATH + "/auth/token"),
                new ClientID(DemoEhr.VIEWER_CLIENT_ID),
                new AuthorizationCodeGrant(new AuthorizationCode(code), URI.create(viewerRedirect()), verifier)).toHTTPRequest().send();
        return token.getBodyAsJSONObject().getAsString("id_token");
    }

    /** The app's authorization request at the imaging server. */
    static String appAuthorize(String key, String clientId, CodeVerifier verifier, String state, String loginHint, String redirect) {
        AuthorizationRequest.Builder request = new AuthorizationRequest.Builder(ResponseType.CODE, new ClientID(clientId))
                .endpointURI(URI.create(site(key) + "/oauth/authorize"))
                .redirectionURI(URI.create(redirect))
                .scope(Scope.parse("launch/patient patient/ImagingStudy.rs offline_access"))
                .state(new State(state))
                .customParameter("aud", site(key) + "/fhir");
        if (verifier != null) {
            request.codeChallenge(verifier, CodeChallengeMethod.S256);
        }
        if (loginHint != null) {
            request.customParameter("login_hint", loginHint);
        }
        return request.build().toURI().toString();
    }

    /** Authorize at the imaging server up to its consent page (the EHR answers silently). */
    static HttpResponse<String> toConsentPage(Browser browser, String key, String clientId, CodeVerifier verifier, String idToken)
            throws Exception {
        HttpResponse<String> page = browser.follow(appAuthorize(key, clientId, verifier, "app-state", idToken, viewerRedirect()),
                viewerRedirect());
        assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
        assertThat(page.body()).contains("Authorize access to imaging studies");
        return page;
    }

    /** Approves (or denies) on the consent page; returns where the app is sent. */
    static String decide(Browser browser, String key, HttpResponse<String> page, String decision) throws Exception {
        HttpResponse<String> answer = browser.post(site(key) + "/oauth/consent", Map.of(
                "consent", Browser.hidden(page.body(), "consent"), "csrf", Browser.hidden(page.body(), "csrf"), "decision", decision),
                Map.of());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(302);
        return Browser.location(answer);
    }

    /** A fresh code for patient {@code patient} at config {@code key}, the browser signed in at the EHR first. */
    static String code(String key, String clientId, CodeVerifier verifier, DemoPatient patient) throws Exception {
        Browser browser = new Browser();
        String idToken = signInAtEhr(browser, patient);
        String redirect = decide(browser, key, toConsentPage(browser, key, clientId, verifier, idToken), "approve");
        assertThat(redirect).startsWith(viewerRedirect()).contains("state=app-state");
        return param(redirect, "code");
    }

    static HTTPResponse exchange(String key, ClientAuthentication client, String clientId, String code, String redirect,
            CodeVerifier verifier) throws Exception {
        var grant = new AuthorizationCodeGrant(new AuthorizationCode(code), URI.create(redirect), verifier);
        URI endpoint = URI.create(site(key) + "/oauth/token");
        TokenRequest request = client != null ? new TokenRequest(endpoint, client, grant)
                : new TokenRequest(endpoint, new ClientID(clientId), grant);
        return request.toHTTPRequest().send();
    }

    static String accessToken(String key, DemoPatient patient) throws Exception {
        CodeVerifier verifier = new CodeVerifier();
        String code = code(key, DemoEhr.VIEWER_CLIENT_ID, verifier, patient);
        HTTPResponse token = exchange(key, null, DemoEhr.VIEWER_CLIENT_ID, code, viewerRedirect(), verifier);
        assertThat(token.getStatusCode()).as(token.getBody()).isEqualTo(200);
        return token.getBodyAsJSONObject().getAsString("access_token");
    }

    static HttpResponse<String> search(String key, String token, DemoPatient patient) throws Exception {
        return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                        URI.create(site(key) + "/fhir/ImagingStudy?patient=" + patient.fhirId()))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
    }

    static PrivateKeyJWT assertion(String key) throws Exception {
        Instant now = Instant.now();
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(CONFIDENTIAL_APP).subject(CONFIDENTIAL_APP)
                .audience(site(key) + "/oauth/token").issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(240)))
                .jwtID(UUID.randomUUID().toString()).build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES384).keyID(appKey.getKeyID())
                .type(JOSEObjectType.JWT).build(), claims);
        jwt.sign(new ECDSASigner(appKey));
        return new PrivateKeyJWT(jwt);
    }

    static String param(String url, String name) {
        for (String pair : URI.create(url).getRawQuery().split("&")) {
            if (pair.startsWith(name + "=")) {
                return java.net.URLDecoder.decode(pair.substring(name.length() + 1), StandardCharsets.UTF_8);
            }
        }
        throw new AssertionError("no " + name + " in " + url);
    }

    static String error(HTTPResponse response) throws Exception {
        return response.getBodyAsJSONObject().getAsString("error");
    }

    // ------------------------------------------------------------------ the flow works

    @Test
    void referenceConfigSignsInThroughTheEhrWithoutSecondLoginAndItsTokenReadsThePatientsStudies() throws Exception {
        Browser browser = new Browser();
        String idToken = signInAtEhr(browser, A);
        CodeVerifier verifier = new CodeVerifier();

        // authorize -> EHR (prompt=none, id_token_hint) -> callback -> consent page: no EHR page in between
        HttpResponse<String> toEhr = browser.get(appAuthorize(REFERENCE, DemoEhr.VIEWER_CLIENT_ID, verifier, "s1", idToken, viewerRedirect()));
        assertThat(toEhr.statusCode()).isEqualTo(302);
        String ehrRequest = Browser.location(toEhr);
        assertThat(ehrRequest).startsWith(server.baseUrl() + DemoServer.EHR_PATH + "/auth/authorize")
                .contains("prompt=none").contains("id_token_hint=").contains("nonce=").contains("code_challenge_method=S256")
                .contains("client_id=imaging-client");
        HttpResponse<String> fromEhr = browser.get(ehrRequest);
        assertThat(fromEhr.statusCode()).as("the EHR answers at once, no login page").isEqualTo(302);
        assertThat(Browser.location(fromEhr)).startsWith(site(REFERENCE) + "/oauth/ehr-callback?");
        HttpResponse<String> page = browser.get(Browser.location(fromEhr));
        assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
        assertThat(page.body()).contains("Authorize access to imaging studies").contains(DemoEhr.VIEWER_CLIENT_ID)
                .contains(A.given() + " " + A.family());
        assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow()).contains("frame-ancestors 'none'");
        assertThat(page.headers().firstValue("X-Frame-Options")).contains("DENY");

        String redirect = decide(browser, REFERENCE, page, "approve");
        assertThat(redirect).startsWith(viewerRedirect()).contains("state=s1");
        HTTPResponse token = exchange(REFERENCE, null, DemoEhr.VIEWER_CLIENT_ID, param(redirect, "code"), viewerRedirect(), verifier);
        assertThat(token.getStatusCode()).as(token.getBody()).isEqualTo(200);
        var json = token.getBodyAsJSONObject();
        assertThat(json.getAsString("patient")).isEqualTo(A.fhirId());
        assertThat(json.getAsString("token_type")).isEqualTo("Bearer");
        assertThat(json.getAsString("refresh_token")).as("offline_access was asked for").isNotBlank();

        HttpResponse<String> studies = search(REFERENCE, json.getAsString("access_token"), A);
        assertThat(studies.statusCode()).as(studies.body()).isEqualTo(200);
        assertThat(JSON.readTree(studies.body()).path("entry")).isNotEmpty();
    }

    @Test
    void discoveryAndCapabilityStatementNameTheImagingServersOwnEndpoints() throws Exception {
        var http = java.net.http.HttpClient.newHttpClient();
        JsonNode smart = JSON.readTree(http.send(java.net.http.HttpRequest.newBuilder(
                URI.create(site(REFERENCE) + "/fhir/.well-known/smart-configuration")).build(), HttpResponse.BodyHandlers.ofString()).body());
        assertThat(smart.path("authorization_endpoint").asText()).isEqualTo(site(REFERENCE) + "/oauth/authorize");
        assertThat(smart.path("token_endpoint").asText()).isEqualTo(site(REFERENCE) + "/oauth/token");
        assertThat(smart.path("revocation_endpoint").asText()).isEqualTo(site(REFERENCE) + "/oauth/revoke");
        assertThat(smart.path("code_challenge_methods_supported").toString()).contains("S256");
        assertThat(smart.toString()).doesNotContain("introspect").doesNotContain(DemoServer.EHR_PATH + "/auth");
        String metadata = http.send(java.net.http.HttpRequest.newBuilder(URI.create(site(REFERENCE) + "/fhir/metadata")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertThat(metadata).contains(site(REFERENCE) + "/oauth/authorize").contains(site(REFERENCE) + "/oauth/token");
    }

    @Test
    void withoutAnEhrSessionTheSilentSignInFallsBackToTheEhrsLoginPage() throws Exception {
        Browser browser = new Browser(); // never signed in at the EHR
        HttpResponse<String> page = browser.follow(
                appAuthorize(REFERENCE, DemoEhr.VIEWER_CLIENT_ID, new CodeVerifier(), "s2", null, viewerRedirect()), viewerRedirect());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.uri().toString()).startsWith(server.baseUrl() + DemoServer.EHR_PATH + "/auth/authorize").doesNotContain("prompt=none");
        assertThat(page.body()).contains("Demo EHR sign-in");
    }

    @Test
    void deniedConsentSendsTheAppAccessDenied() throws Exception {
        Browser browser = new Browser();
        String idToken = signInAtEhr(browser, A);
        String redirect = decide(browser, REFERENCE, toConsentPage(browser, REFERENCE, DemoEhr.VIEWER_CLIENT_ID, new CodeVerifier(), idToken), "deny");
        assertThat(redirect).startsWith(viewerRedirect()).contains("error=access_denied").contains("state=app-state");
    }

    @Test
    void refreshTokenRotatesAndRevocationEndsTokens() throws Exception {
        CodeVerifier verifier = new CodeVerifier();
        String code = code(REFERENCE, DemoEhr.VIEWER_CLIENT_ID, verifier, A);
        var first = exchange(REFERENCE, null, DemoEhr.VIEWER_CLIENT_ID, code, viewerRedirect(), verifier).getBodyAsJSONObject();
        var refreshRequest = new TokenRequest(URI.create(site(REFERENCE) + "/oauth/token"), new ClientID(DemoEhr.VIEWER_CLIENT_ID),
                new com.nimbusds.oauth2.sdk.RefreshTokenGrant(new com.nimbusds.oauth2.sdk.token.RefreshToken(first.getAsString("refresh_token"))));
        HTTPResponse refreshed = refreshRequest.toHTTPRequest().send();
        assertThat(refreshed.getStatusCode()).as(refreshed.getBody()).isEqualTo(200);
        HTTPResponse again = refreshRequest.toHTTPRequest().send();
        assertThat(again.getStatusCode()).isEqualTo(400);
        assertThat(error(again)).as("a refresh token is used once").isEqualTo("invalid_grant");

        String access = refreshed.getBodyAsJSONObject().getAsString("access_token");
        assertThat(search(REFERENCE, access, A).statusCode()).isEqualTo(200);
        HTTPResponse revoked = new com.nimbusds.oauth2.sdk.TokenRevocationRequest(URI.create(site(REFERENCE) + "/oauth/revoke"),
                new ClientID(DemoEhr.VIEWER_CLIENT_ID), new com.nimbusds.oauth2.sdk.token.BearerAccessToken(access)).toHTTPRequest().send();
        assertThat(revoked.getStatusCode()).isEqualTo(200);
        HttpResponse<String> after = search(REFERENCE, access, A);
        assertThat(after.statusCode()).isEqualTo(401);
        assertThat(after.headers().firstValue("WWW-Authenticate").orElseThrow()).contains("invalid_token");
    }

    // ------------------------------------------------------------------ refusals

    @Test
    void wrongPkceVerifierIsInvalidGrant() throws Exception {
        CodeVerifier verifier = new CodeVerifier();
        String code = code(REFERENCE, DemoEhr.VIEWER_CLIENT_ID, verifier, A);
        HTTPResponse token = exchange(REFERENCE, null, DemoEhr.VIEWER_CLIENT_ID, code, viewerRedirect(), new CodeVerifier());
        assertThat(token.getStatusCode()).isEqualTo(400);
        assertThat(error(token)).isEqualTo("invalid_grant");
    }

    @Test
    void authorizationWithoutPkceIsRefused() throws Exception {
        HttpResponse<String> answer = new Browser().get(appAuthorize(REFERENCE, DemoEhr.VIEWER_CLIENT_ID, null, "s3", null, viewerRedirect()));
        assertThat(answer.statusCode()).isEqualTo(302);
        assertThat(Browser.location(answer)).startsWith(viewerRedirect()).contains("error=invalid_request").contains("state=s3");
    }

    @Test
    void reusedCodeIsInvalidGrant() throws Exception {
        CodeVerifier verifier = new CodeVerifier();
        String code = code(REFERENCE, DemoEhr.VIEWER_CLIENT_ID, verifier, A);
        assertThat(exchange(REFERENCE, null, DemoEhr.VIEWER_CLIENT_ID, code, viewerRedirect(), verifier).getStatusCode()).isEqualTo(200);
        HTTPResponse second = exchange(REFERENCE, null, DemoEhr.VIEWER_CLIENT_ID, code, viewerRedirect(), verifier);
        assertThat(second.getStatusCode()).isEqualTo(400);
        assertThat(error(second)).isEqualTo("invalid_grant");
    }

    @Test
    void wrongRedirectUriIsInvalidGrantAtTheTokenEndpoint() throws Exception {
        CodeVerifier verifier = new CodeVerifier();
        String code = code(REFERENCE, DemoEhr.VIEWER_CLIENT_ID, verifier, A);
        HTTPResponse token = exchange(REFERENCE, null, DemoEhr.VIEWER_CLIENT_ID, code, viewerRedirect() + "?other", verifier);
        assertThat(token.getStatusCode()).isEqualTo(400);
        assertThat(error(token)).isEqualTo("invalid_grant");
    }

    @Test
    void unregisteredRedirectUriIsNeverRedirectedTo() throws Exception {
        // registered clients: exact match only
        HttpResponse<String> other = new Browser().get(appAuthorize(CONFIDENTIAL, DemoEhr.VIEWER_CLIENT_ID, new CodeVerifier(), "s4",
                null, viewerRedirect().replace("index.html", "other.html")));
        assertThat(other.statusCode()).isEqualTo(400);
        assertThat(other.headers().firstValue("Location")).isEmpty();
        // no registry (the reference's config): loopback redirect URIs only
        HttpResponse<String> remote = new Browser().get(appAuthorize(REFERENCE, DemoEhr.VIEWER_CLIENT_ID, new CodeVerifier(), "s5",
                null, "https://attacker.example/callback"));
        assertThat(remote.statusCode()).isEqualTo(400);
        assertThat(remote.headers().firstValue("Location")).isEmpty();
    }

    @Test
    void confidentialClientMustAuthenticateAndAReplayedAssertionIsInvalidClient() throws Exception {
        CodeVerifier verifier = new CodeVerifier();
        String code = code(CONFIDENTIAL, CONFIDENTIAL_APP, verifier, A);
        HTTPResponse unauthenticated = exchange(CONFIDENTIAL, null, CONFIDENTIAL_APP, code, viewerRedirect(), verifier);
        assertThat(unauthenticated.getStatusCode()).isEqualTo(401);
        assertThat(error(unauthenticated)).isEqualTo("invalid_client");

        PrivateKeyJWT assertion = assertion(CONFIDENTIAL);
        String code2 = code(CONFIDENTIAL, CONFIDENTIAL_APP, verifier, A);
        HTTPResponse first = exchange(CONFIDENTIAL, assertion, CONFIDENTIAL_APP, code2, viewerRedirect(), verifier);
        assertThat(first.getStatusCode()).as(first.getBody()).isEqualTo(200);
        assertThat(search(CONFIDENTIAL, first.getBodyAsJSONObject().getAsString("access_token"), A).statusCode()).isEqualTo(200);

        String code3 = code(CONFIDENTIAL, CONFIDENTIAL_APP, verifier, A);
        HTTPResponse replayed = exchange(CONFIDENTIAL, assertion, CONFIDENTIAL_APP, code3, viewerRedirect(), verifier);
        assertThat(replayed.getStatusCode()).isEqualTo(401);
        assertThat(error(replayed)).isEqualTo("invalid_client");
    }

    @Test
    void expiredImagingTokenIsInvalidToken() throws Exception {
        // Signed with this configuration's own key, an hour ago, for a minute: only the expiry is wrong.
        Clock anHourAgo = Clock.fixed(Instant.now().minus(Duration.ofHours(1)), ZoneOffset.UTC);
        ImagingAccessTokens tokens = new ImagingAccessTokens(
                JWK.parse(referenceAuthorization.get("client").get("jwkPrivate").toString()).toJSONString().getBytes(StandardCharsets.UTF_8),
                String.join("\n", REFERENCE, referenceAuthorization.get("fhirBaseUrl").asText(), "imaging-client"), anHourAgo);
        String expired = tokens.issue(site(REFERENCE) + "/fhir", A.fhirId(), Set.of("patient/ImagingStudy.rs"),
                DemoEhr.VIEWER_CLIENT_ID, null, Duration.ofMinutes(1));
        HttpResponse<String> answer = search(REFERENCE, expired, A);
        assertThat(answer.statusCode()).isEqualTo(401);
        assertThat(answer.headers().firstValue("WWW-Authenticate").orElseThrow()).contains("invalid_token").contains("expired");
    }

    @Test
    void forgedImagingTokensAreInvalidToken() throws Exception {
        String token = accessToken(REFERENCE, A);
        String[] parts = token.split("\\.");
        // the payload rewritten for patient B, the signature kept
        var claims = JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
        ((com.fasterxml.jackson.databind.node.ObjectNode) claims).put("patient", B.fhirId());
        String altered = parts[0] + "." + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(JSON.writeValueAsBytes(claims)) + "." + parts[2];
        assertThat(search(REFERENCE, altered, B).statusCode()).isEqualTo(401);
        // a token of the same shape signed with another key
        ImagingAccessTokens other = new ImagingAccessTokens("not the key".getBytes(StandardCharsets.UTF_8),
                String.join("\n", REFERENCE, referenceAuthorization.get("fhirBaseUrl").asText(), "imaging-client"), Clock.systemUTC());
        String foreign = other.issue(site(REFERENCE) + "/fhir", B.fhirId(), Set.of("patient/ImagingStudy.rs"),
                DemoEhr.VIEWER_CLIENT_ID, null, Duration.ofMinutes(5));
        HttpResponse<String> answer = search(REFERENCE, foreign, B);
        assertThat(answer.statusCode()).isEqualTo(401);
        assertThat(answer.headers().firstValue("WWW-Authenticate").orElseThrow()).contains("invalid_token");
        // another configuration's token (same key, same EHR client) is not accepted here
        String confidentialToken = accessToken(CONFIDENTIAL, A);
        assertThat(search(REFERENCE, confidentialToken, A).statusCode()).isEqualTo(401);
    }

    @Test
    void tokenForPatientAIsRefusedForPatientB() throws Exception {
        String token = accessToken(REFERENCE, A);
        assertThat(search(REFERENCE, token, A).statusCode()).isEqualTo(200);
        HttpResponse<String> other = search(REFERENCE, token, B);
        assertThat(other.statusCode()).isEqualTo(403);
    }

    @Test
    void consentDecisionWithoutTheBrowsersCookieOrCsrfTokenIsRefused() throws Exception {
        Browser browser = new Browser();
        String idToken = signInAtEhr(browser, A);
        HttpResponse<String> page = toConsentPage(browser, REFERENCE, DemoEhr.VIEWER_CLIENT_ID, new CodeVerifier(), idToken);
        // another browser (no binding cookie) posts the victim's form
        HttpResponse<String> forged = new Browser().post(site(REFERENCE) + "/oauth/consent", Map.of(
                "consent", Browser.hidden(page.body(), "consent"), "csrf", Browser.hidden(page.body(), "csrf"), "decision", "approve"),
                Map.of());
        assertThat(forged.statusCode()).isEqualTo(403);
        assertThat(forged.headers().firstValue("Location")).isEmpty();

        HttpResponse<String> page2 = toConsentPage(browser, REFERENCE, DemoEhr.VIEWER_CLIENT_ID, new CodeVerifier(), idToken);
        HttpResponse<String> wrongCsrf = browser.post(site(REFERENCE) + "/oauth/consent", Map.of(
                "consent", Browser.hidden(page2.body(), "consent"), "csrf", "guessed", "decision", "approve"), Map.of());
        assertThat(wrongCsrf.statusCode()).isEqualTo(403);

        HttpResponse<String> page3 = toConsentPage(browser, REFERENCE, DemoEhr.VIEWER_CLIENT_ID, new CodeVerifier(), idToken);
        HttpResponse<String> crossSite = browser.post(site(REFERENCE) + "/oauth/consent", Map.of(
                "consent", Browser.hidden(page3.body(), "consent"), "csrf", Browser.hidden(page3.body(), "csrf"), "decision", "approve"),
                Map.of("Origin", "https://attacker.example"));
        assertThat(crossSite.statusCode()).isEqualTo(403);
    }

    @Test
    void consentPageEscapesWhatTheAppSends() throws Exception {
        Browser browser = new Browser();
        String idToken = signInAtEhr(browser, A);
        // the reference's config has no registry: any client id with a loopback redirect
        HttpResponse<String> page = toConsentPage(browser, REFERENCE, "<script>alert(1)</script>", new CodeVerifier(), idToken);
        assertThat(page.body()).doesNotContain("<script>").contains("&lt;script&gt;");
    }

    @Test
    void ehrCallbackInAnotherBrowserIsRefused() throws Exception {
        // Someone's own sign-in, its EHR answer (code and state) carried to a victim's browser.
        Browser attacker = new Browser();
        String idToken = signInAtEhr(attacker, B);
        HttpResponse<String> toEhr = attacker.get(appAuthorize(REFERENCE, DemoEhr.VIEWER_CLIENT_ID, new CodeVerifier(), "s6", idToken, viewerRedirect()));
        HttpResponse<String> fromEhr = attacker.get(Browser.location(toEhr));
        String callback = Browser.location(fromEhr);
        assertThat(callback).startsWith(site(REFERENCE) + "/oauth/ehr-callback?");
        HttpResponse<String> victim = new Browser().get(callback);
        assertThat(victim.statusCode()).isEqualTo(400);
        assertThat(victim.body()).doesNotContain("Authorize access to imaging studies");
    }

    @Test
    void ehrCallbackWithAnUnknownStateIsRefused() throws Exception {
        HttpResponse<String> answer = new Browser().get(site(REFERENCE) + "/oauth/ehr-callback?code=x&state=forged");
        assertThat(answer.statusCode()).isEqualTo(400);
        assertThat(answer.headers().firstValue("Location")).isEmpty();
    }

    @Test
    void otherAuthorizationTypesHaveNoOauthPaths() throws Exception {
        HttpResponse<String> answer = new Browser().get(server.baseUrl() + "/demo/oauth/authorize");
        assertThat(answer.statusCode()).isEqualTo(404);
    }
}
