package org.smartimaging.examples.ehr;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.AsymmetricJWK;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.oauth2.sdk.auth.ClientAuthenticationMethod;
import com.nimbusds.oauth2.sdk.auth.PrivateKeyJWT;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.auth.verifier.ClientAuthenticationVerifier;
import com.nimbusds.oauth2.sdk.auth.verifier.ClientCredentialsSelector;
import com.nimbusds.oauth2.sdk.auth.verifier.Context;
import com.nimbusds.oauth2.sdk.auth.verifier.ExpendedJTIChecker;
import com.nimbusds.oauth2.sdk.auth.verifier.InvalidClientException;
import com.nimbusds.oauth2.sdk.auth.verifier.JWTAudienceCheck;
import com.nimbusds.oauth2.sdk.id.Audience;
import com.nimbusds.oauth2.sdk.id.JWTID;
import com.nimbusds.openid.connect.sdk.Prompt;
import com.nimbusds.jose.JWSHeader;
import java.util.Set;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.AccessTokenResponse;
import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.AuthorizationErrorResponse;
import com.nimbusds.oauth2.sdk.AuthorizationGrant;
import com.nimbusds.oauth2.sdk.AuthorizationRequest;
import com.nimbusds.oauth2.sdk.AuthorizationSuccessResponse;
import com.nimbusds.oauth2.sdk.ClientCredentialsGrant;
import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.OAuth2Error;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.TokenErrorResponse;
import com.nimbusds.oauth2.sdk.TokenIntrospectionSuccessResponse;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.auth.ClientAuthentication;
import com.nimbusds.oauth2.sdk.auth.PlainClientSecret;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.http.JakartaServletUtils;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.id.Subject;
import com.nimbusds.oauth2.sdk.pkce.CodeChallenge;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.oauth2.sdk.token.AccessTokenType;
import com.nimbusds.oauth2.sdk.token.BearerAccessToken;
import com.nimbusds.oauth2.sdk.token.Tokens;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.smartimaging.examples.demo.DemoPatient;
import org.smartimaging.examples.demo.DemoPatients;
import org.smartimaging.examples.ehr.EhrTokens.AccessTokenInfo;

/**
 * The demo EHR's authorization server, on the Nimbus OAuth 2.0 SDK's message classes:
 * {@code authorize} (patient picker and consent), {@code token}, {@code introspect},
 * {@code revoke}, {@code jwks}, and {@code admin/tokens} (loopback only: expire or revoke tokens,
 * for tests and demonstrations).
 */
final class EhrAuthorizationServlet extends HttpServlet {

    /** The EHR's sign-in cookie (only sent to {@code {mount}/auth/...}). */
    static final String SESSION_COOKIE = "demo_ehr_session";

    /** Scopes granted when asked for; anything else asked for is dropped from the grant. */
    private static final Pattern APP_SCOPE = Pattern.compile(
            "openid|fhirUser|launch/patient|patient/(\\*|Patient|ImagingStudy)\\.(read|\\*|c?r?u?d?s?)");
    private static final Pattern SYSTEM_SCOPE = Pattern.compile("system/(\\*|Patient)\\.(read|rs|r)");

    private final transient DemoEhr ehr;
    private final transient EhrTokens tokens;

    EhrAuthorizationServlet(DemoEhr ehr) {
        this.ehr = ehr;
        this.tokens = ehr.tokens();
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = String.valueOf(request.getPathInfo());
        switch (path) {
            case "/authorize" -> authorize(request, response);
            case "/jwks" -> {
                response.setContentType("application/json");
                response.getWriter().write(new JWKSet(ehr.signingKey().toPublicJWK()).toString());
            }
            default -> response.sendError(404);
        }
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setHeader("Cache-Control", "no-store");
        String path = String.valueOf(request.getPathInfo());
        switch (path) {
            case "/authorize" -> decide(request, response);
            case "/token" -> token(request, response);
            case "/introspect" -> introspect(request, response);
            case "/revoke" -> revoke(request, response);
            case "/admin/tokens" -> admin(request, response);
            default -> response.sendError(404);
        }
    }

    // ---------------------------------------------------------------- authorize: consent screen

    private void authorize(HttpServletRequest request, HttpServletResponse response) throws IOException {
        AuthorizationRequest authz;
        try {
            authz = AuthorizationRequest.parse(URI.create("http://ehr.invalid/authorize?" + nullToEmpty(request.getQueryString())));
        } catch (ParseException | IllegalArgumentException e) {
            page(response, 400, "Invalid authorization request", "<p>The app sent an authorization request this EHR cannot read.</p>");
            return;
        }
        String clientId = authz.getClientID().getValue();
        Optional<RegisteredApp> app = ehr.app(clientId);
        boolean imagingServer = ehr.keyClient(clientId).isPresent();
        if (!DemoEhr.VIEWER_CLIENT_ID.equals(clientId) && app.isEmpty() && !imagingServer) {
            page(response, 400, "Unknown app", "<p>No app with client id <code>" + html(clientId)
                    + "</code> is registered here (register yours with the demo's <code>--apps</code> file).</p>");
            return;
        }
        URI redirect = authz.getRedirectionURI();
        boolean redirectAllowed = redirect != null && (imagingServer ? allowedImagingCallback(redirect, request)
                : app.isPresent() ? app.get().allowsRedirect(redirect) : allowedRedirect(redirect, request));
        if (!redirectAllowed) {
            page(response, 400, "Invalid redirect", app.isPresent()
                    ? "<p>The app's redirect_uri is not one of those registered for it (exact match).</p>"
                    : "<p>The app's redirect_uri is not registered (the viewer on this server, below /viewer/, or an"
                            + " imaging server's /{config}/oauth/ehr-callback).</p>");
            return;
        }
        String appName = app.map(RegisteredApp::name).orElse(imagingServer ? clientId : "SMART Imaging Viewer");
        ErrorObject problem = null;
        if (!authz.getResponseType().equals(ResponseType.CODE)) {
            problem = OAuth2Error.UNSUPPORTED_RESPONSE_TYPE;
        } else if (authz.getCodeChallenge() == null || !CodeChallengeMethod.S256.equals(authz.getCodeChallengeMethod())) {
            problem = OAuth2Error.INVALID_REQUEST.setDescription("PKCE with code_challenge_method S256 is required");
        } else if (!audienceMatches(authz.getCustomParameter("aud") == null ? null : authz.getCustomParameter("aud").get(0), request)) {
            problem = OAuth2Error.INVALID_REQUEST.setDescription("aud must be this EHR's FHIR base " + ehr.fhirBaseUrl(DemoEhr.origin(request)));
        }
        if (problem != null) {
            redirect(response, new AuthorizationErrorResponse(redirect, problem, authz.getState(), null).toURI());
            return;
        }
        String scope = grantable(authz.getScope() == null ? "" : authz.getScope().toString(), APP_SCOPE);
        String nonce = first(authz.getCustomParameter("nonce"));
        State state = authz.getState();
        if (authz.getPrompt() != null && authz.getPrompt().contains(Prompt.Type.NONE)) {
            // OpenID Connect prompt=none: answer at once from the browser's sign-in here, or login_required.
            Optional<EhrTokens.Session> session = tokens.session(cookie(request));
            String hinted = hintedPatient(first(authz.getCustomParameter("id_token_hint")), DemoEhr.origin(request));
            if (session.isEmpty() || (hinted != null && !hinted.equals(session.get().patientId()))) {
                redirect(response, new AuthorizationErrorResponse(redirect,
                        new ErrorObject("login_required", "The user is not signed in at the EHR"), state, null).toURI());
                return;
            }
            issueCode(response, clientId, redirect, state, authz.getCodeChallenge().getValue(), scope, session.get().patientId(), nonce);
            return;
        }
        Optional<String> consent = tokens.newConsent(new EhrTokens.Consent(clientId, redirect.toString(),
                state == null ? null : state.getValue(), authz.getCodeChallenge().getValue(), scope, nonce,
                tokens.clock().instant().plus(EhrTokens.CONSENT_LIFETIME)));
        if (consent.isEmpty()) {
            page(response, 503, "Busy", "<p>Too many sign-ins are in progress; try again in a few minutes.</p>");
            return;
        }
        StringBuilder body = new StringBuilder();
        body.append("<p><b>").append(html(appName)).append("</b> asks to read your health records and images.</p>")
                .append("<form method=\"post\" action=\"").append(html(ehr.mountPath())).append("/auth/authorize\">")
                .append("<input type=\"hidden\" name=\"consent\" value=\"").append(consent.get()).append("\">")
                .append("<fieldset><legend>Sign in as</legend>");
        boolean first = true;
        for (DemoPatient p : DemoPatients.all()) {
            body.append("<label class=\"patient\"><input type=\"radio\" name=\"patient\" value=\"").append(html(p.fhirId())).append('"')
                    .append(first ? " checked" : "").append("> ").append(html(p.given() + " " + p.family()))
                    .append(" <small>born ").append(p.birthDate()).append(", ").append(html(p.mrn())).append("</small></label>");
            first = false;
        }
        body.append("</fieldset><p>The app will be allowed:</p><ul class=\"scopes\">");
        for (String s : scope.split(" ")) {
            if (!s.isEmpty()) {
                body.append("<li><code>").append(html(s)).append("</code></li>");
            }
        }
        body.append("</ul><button type=\"submit\" name=\"decision\" value=\"approve\" id=\"approve\">Approve</button> ")
                .append("<button type=\"submit\" name=\"decision\" value=\"deny\" id=\"deny\">Deny</button></form>");
        page(response, 200, "Demo EHR sign-in", body.toString());
    }

    private void decide(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Optional<EhrTokens.Consent> taken = tokens.takeConsent(request.getParameter("consent"));
        if (taken.isEmpty()) {
            page(response, 400, "Sign-in expired", "<p>This sign-in page has expired or was already used. Start again from the app.</p>");
            return;
        }
        EhrTokens.Consent consent = taken.get();
        URI redirect = URI.create(consent.redirectUri());
        State state = consent.state() == null ? null : new State(consent.state());
        Optional<DemoPatient> patient = DemoPatients.byFhirId(String.valueOf(request.getParameter("patient")));
        if (!"approve".equals(request.getParameter("decision")) || patient.isEmpty()) {
            redirect(response, new AuthorizationErrorResponse(redirect,
                    OAuth2Error.ACCESS_DENIED.setDescription("The user denied access"), state, null).toURI());
            return;
        }
        // The browser is now signed in here: later prompt=none requests (the imaging server's) need no second login.
        tokens.newSession(patient.get().fhirId()).ifPresent(session -> response.addHeader("Set-Cookie",
                SESSION_COOKIE + "=" + session + "; Path=" + ehr.mountPath() + "/auth; HttpOnly; SameSite=Lax; Max-Age="
                        + EhrTokens.SESSION_LIFETIME.toSeconds()));
        issueCode(response, consent.clientId(), redirect, state, consent.codeChallenge(), consent.scope(), patient.get().fhirId(),
                consent.nonce());
    }

    private void issueCode(HttpServletResponse response, String clientId, URI redirect, State state, String codeChallenge,
            String scope, String patientId, String nonce) {
        Optional<String> code = tokens.newCode(new EhrTokens.Code(clientId, redirect.toString(), codeChallenge, scope, patientId,
                nonce, tokens.clock().instant().plus(EhrTokens.CODE_LIFETIME)));
        if (code.isEmpty()) {
            redirect(response, new AuthorizationErrorResponse(redirect, OAuth2Error.TEMPORARILY_UNAVAILABLE, state, null).toURI());
            return;
        }
        redirect(response, new AuthorizationSuccessResponse(redirect, new AuthorizationCode(code.get()), null, state, null).toURI());
    }

    /** The patient an {@code id_token_hint} names, if this EHR signed it; null when absent or not ours. */
    private String hintedPatient(String hint, String origin) {
        if (hint == null) {
            return null;
        }
        try {
            SignedJWT jwt = SignedJWT.parse(hint);
            if (!jwt.verify(new RSASSAVerifier(ehr.signingKey().toRSAPublicKey()))
                    || !ehr.fhirBaseUrl(origin).equals(jwt.getJWTClaimsSet().getIssuer())) {
                return "(not ours)";
            }
            return jwt.getJWTClaimsSet().getSubject();
        } catch (java.text.ParseException | JOSEException e) {
            return "(not ours)";
        }
    }

    /** An imaging server's callback on this server: same host and port, {@code /{config}/oauth/ehr-callback}. */
    private static boolean allowedImagingCallback(URI redirect, HttpServletRequest request) {
        int port = redirect.getPort() != -1 ? redirect.getPort() : "https".equals(redirect.getScheme()) ? 443 : 80;
        return ("http".equals(redirect.getScheme()) || "https".equals(redirect.getScheme())) && redirect.getHost() != null
                && redirect.getHost().equalsIgnoreCase(request.getServerName()) && port == request.getServerPort()
                && redirect.getRawPath() != null && redirect.getRawPath().matches("/[A-Za-z0-9_-]+/oauth/ehr-callback")
                && redirect.getRawQuery() == null && redirect.getRawFragment() == null;
    }

    private static String cookie(HttpServletRequest request) {
        if (request.getCookies() == null) {
            return null;
        }
        for (var cookie : request.getCookies()) {
            if (SESSION_COOKIE.equals(cookie.getName())) {
                return cookie.getValue();
            }
        }
        return null;
    }

    private static String first(List<String> values) {
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /**
     * The viewer on this server: exactly {@code {own origin}/viewer/index.html} (or {@code /viewer/}),
     * compared as strings, so dot segments, user info, another host or port, a query or a fragment
     * all fail (OAuth 2.0 Security BCP: exact redirect URI matching).
     */
    private static boolean allowedRedirect(URI redirect, HttpServletRequest request) {
        String asked = redirect.toString();
        for (String origin : DemoEhr.ownOrigins(request)) {
            if (asked.equals(origin + "/viewer/index.html") || asked.equals(origin + "/viewer/")) {
                return true;
            }
        }
        return false;
    }

    /** {@code aud} must be this FHIR server's base at one of its own origins, exactly (a trailing slash aside). */
    private boolean audienceMatches(String aud, HttpServletRequest request) {
        if (aud == null) {
            return false;
        }
        String asked = stripSlash(aud);
        return DemoEhr.ownOrigins(request).stream().anyMatch(origin -> asked.equals(ehr.fhirBaseUrl(origin)));
    }

    // ---------------------------------------------------------------- token

    private void token(HttpServletRequest request, HttpServletResponse response) throws IOException {
        TokenRequest tokenRequest;
        try {
            tokenRequest = TokenRequest.parse(JakartaServletUtils.createHTTPRequest(request));
        } catch (ParseException e) {
            send(response, new TokenErrorResponse(e.getErrorObject() != null ? e.getErrorObject() : OAuth2Error.INVALID_REQUEST).toHTTPResponse());
            return;
        }
        AuthorizationGrant grant = tokenRequest.getAuthorizationGrant();
        if (grant instanceof AuthorizationCodeGrant codeGrant) {
            send(response, codeExchange(tokenRequest, codeGrant, DemoEhr.origin(request), tokenEndpoint(request)));
        } else if (grant instanceof ClientCredentialsGrant) {
            send(response, clientCredentials(tokenRequest, tokenEndpoint(request)));
        } else {
            send(response, new TokenErrorResponse(OAuth2Error.UNSUPPORTED_GRANT_TYPE).toHTTPResponse());
        }
    }

    private HTTPResponse codeExchange(TokenRequest tokenRequest, AuthorizationCodeGrant grant, String origin, URI tokenEndpoint) {
        ClientID client;
        if (tokenRequest.getClientAuthentication() instanceof PrivateKeyJWT) {
            if (!verifiedKeyClient(tokenRequest.getClientAuthentication(), tokenEndpoint)) {
                return new TokenErrorResponse(OAuth2Error.INVALID_CLIENT).toHTTPResponse();
            }
            client = tokenRequest.getClientAuthentication().getClientID();
        } else {
            client = tokenRequest.getClientAuthentication() != null ? tokenRequest.getClientAuthentication().getClientID()
                    : tokenRequest.getClientID();
            if (client != null && ehr.keyClient(client.getValue()).isPresent()) {
                return new TokenErrorResponse(OAuth2Error.INVALID_CLIENT.setDescription("This client must use private_key_jwt"))
                        .toHTTPResponse();
            }
        }
        Optional<EhrTokens.Code> redeemed = tokens.redeemCode(grant.getAuthorizationCode().getValue());
        if (redeemed.isEmpty()) {
            return invalidGrant("The authorization code is unknown, expired or already used");
        }
        EhrTokens.Code code = redeemed.get();
        if (client == null || !code.clientId().equals(client.getValue())) {
            return invalidGrant("The code was issued to another client");
        }
        Optional<RegisteredApp> app = ehr.app(code.clientId());
        if (app.isPresent() && app.get().confidential() && !(tokenRequest.getClientAuthentication() instanceof PlainClientSecret secret
                && constantTimeEquals(secret.getClientSecret().getValue(), app.get().clientSecret()))) {
            return new TokenErrorResponse(OAuth2Error.INVALID_CLIENT.setDescription(
                    "A confidential app authenticates with its client secret (client_secret_basic or client_secret_post)"))
                    .toHTTPResponse();
        }
        if (grant.getRedirectionURI() == null || !code.redirectUri().equals(grant.getRedirectionURI().toString())) {
            return invalidGrant("redirect_uri differs from the authorization request's");
        }
        CodeVerifier verifier = grant.getCodeVerifier();
        if (verifier == null || !constantTimeEquals(CodeChallenge.compute(CodeChallengeMethod.S256, verifier).getValue(),
                code.codeChallenge())) {
            return invalidGrant("PKCE verification failed: code_verifier does not match the code_challenge");
        }
        boolean patientContext = List.of(code.scope().split(" ")).contains("launch/patient")
                || code.scope().contains("patient/");
        String patient = patientContext ? code.patientId() : null;
        Optional<String> token = tokens.issue(code.clientId(), "Patient/" + code.patientId(), code.scope(), patient, false);
        if (token.isEmpty()) {
            return new TokenErrorResponse(OAuth2Error.TEMPORARILY_UNAVAILABLE).toHTTPResponse();
        }
        Map<String, Object> extra = new LinkedHashMap<>();
        if (patient != null) {
            extra.put("patient", patient);
        }
        extra.put("need_patient_banner", true);
        if (List.of(code.scope().split(" ")).contains("openid")) {
            extra.put("id_token", idToken(code, ehr.fhirBaseUrl(origin)));
        }
        BearerAccessToken access = new BearerAccessToken(token.get(), EhrTokens.APP_TOKEN_LIFETIME.toSeconds(),
                new com.nimbusds.oauth2.sdk.Scope(code.scope().split(" ")));
        return new AccessTokenResponse(new Tokens(access, null), extra).toHTTPResponse();
    }

    private String idToken(EhrTokens.Code code, String fhirBase) {
        Instant issued = tokens.clock().instant();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer(fhirBase)
                .subject(code.patientId())
                .audience(code.clientId())
                .issueTime(Date.from(issued))
                .expirationTime(Date.from(issued.plus(EhrTokens.APP_TOKEN_LIFETIME)))
                .claim("fhirUser", fhirBase + "/Patient/" + code.patientId());
        if (code.nonce() != null) {
            claims.claim("nonce", code.nonce());
        }
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(ehr.signingKey().getKeyID())
                .type(JOSEObjectType.JWT).build(), claims.build());
        try {
            jwt.sign(new RSASSASigner(ehr.signingKey()));
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign the id_token", e);
        }
        return jwt.serialize();
    }

    private HTTPResponse clientCredentials(TokenRequest tokenRequest, URI tokenEndpoint) {
        ClientAuthentication authentication = tokenRequest.getClientAuthentication();
        if (!isImagingServer(authentication) && !verifiedKeyClient(authentication, tokenEndpoint)) {
            return new TokenErrorResponse(OAuth2Error.INVALID_CLIENT).toHTTPResponse();
        }
        String asked = tokenRequest.getScope() == null ? "system/Patient.read" : tokenRequest.getScope().toString();
        String scope = grantable(asked, SYSTEM_SCOPE);
        if (scope.isEmpty()) {
            return new TokenErrorResponse(OAuth2Error.INVALID_SCOPE.setDescription("The imaging server may ask for system/Patient.read"))
                    .toHTTPResponse();
        }
        String backendClient = authentication.getClientID().getValue();
        Optional<String> token = tokens.issue(backendClient, backendClient, scope, null, true);
        if (token.isEmpty()) {
            return new TokenErrorResponse(OAuth2Error.TEMPORARILY_UNAVAILABLE).toHTTPResponse();
        }
        BearerAccessToken access = new BearerAccessToken(token.get(), EhrTokens.BACKEND_TOKEN_LIFETIME.toSeconds(),
                new com.nimbusds.oauth2.sdk.Scope(scope.split(" ")));
        return new AccessTokenResponse(new Tokens(access, null)).toHTTPResponse();
    }

    private boolean isImagingServer(ClientAuthentication authentication) {
        return authentication instanceof PlainClientSecret secret
                && DemoEhr.IMAGING_CLIENT_ID.equals(secret.getClientID().getValue())
                && constantTimeEquals(secret.getClientSecret().getValue(), ehr.imagingClientSecret());
    }

    /** {@code private_key_jwt} by a registered key client: signature, {@code aud} = token endpoint, expiry, {@code jti} once. */
    private boolean verifiedKeyClient(ClientAuthentication authentication, URI tokenEndpoint) {
        if (!(authentication instanceof PrivateKeyJWT jwt)) {
            return false;
        }
        Optional<JWK> key = ehr.keyClient(jwt.getClientID().getValue());
        if (key.isEmpty()) {
            return false;
        }
        ClientCredentialsSelector<Void> selector = new ClientCredentialsSelector<>() {
            @Override
            public List<Secret> selectClientSecrets(ClientID id, ClientAuthenticationMethod method, Context<Void> context)
                    throws InvalidClientException {
                throw InvalidClientException.BAD_SECRET;
            }

            @Override
            public List<java.security.PublicKey> selectPublicKeys(ClientID id, ClientAuthenticationMethod method, JWSHeader header,
                    boolean forceRefresh, Context<Void> context) throws InvalidClientException {
                try {
                    return List.of(((AsymmetricJWK) key.get()).toPublicKey());
                } catch (JOSEException e) {
                    throw InvalidClientException.BAD_ID;
                }
            }
        };
        ExpendedJTIChecker<Void> replay = new ExpendedJTIChecker<>() {
            @Override
            public boolean isExpended(JWTID jti, ClientID id, ClientAuthenticationMethod method, Context<Void> context) {
                return false; // checked and recorded atomically in markExpended
            }

            @Override
            public void markExpended(JWTID jti, Date exp, ClientID id, ClientAuthenticationMethod method, Context<Void> context) {
                if (!tokens.spendAssertion(id.getValue() + " " + jti.getValue(), exp.toInstant())) {
                    throw new IllegalStateException("replayed client assertion");
                }
            }
        };
        try {
            new ClientAuthenticationVerifier<>(selector, Set.of(new Audience(tokenEndpoint.toString())), JWTAudienceCheck.LEGACY, replay)
                    .verify(authentication, null, null);
            return true;
        } catch (InvalidClientException | JOSEException | IllegalStateException e) {
            return false;
        }
    }

    private URI tokenEndpoint(HttpServletRequest request) {
        return URI.create(ehr.authBaseUrl(DemoEhr.origin(request)) + "/token");
    }

    private static HTTPResponse invalidGrant(String description) {
        return new TokenErrorResponse(OAuth2Error.INVALID_GRANT.setDescription(description)).toHTTPResponse();
    }

    // ---------------------------------------------------------------- introspect and revoke

    /** RFC 7662, for the imaging server only: its backend token as Bearer, or its client secret. */
    private void introspect(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!callerIsImagingServer(request)) {
            response.setStatus(401);
            response.setHeader("WWW-Authenticate", "Bearer, Basic realm=\"demo-ehr\"");
            response.setContentType("application/json");
            response.getWriter().write("{\"error\":\"invalid_client\",\"error_description\":\"Introspection needs the imaging server's backend token or client secret\"}");
            return;
        }
        Optional<AccessTokenInfo> info = tokens.active(request.getParameter("token"));
        String fhirBase = ehr.fhirBaseUrl(DemoEhr.origin(request));
        TokenIntrospectionSuccessResponse answer;
        if (info.isEmpty()) {
            answer = new TokenIntrospectionSuccessResponse.Builder(false).build();
        } else {
            AccessTokenInfo t = info.get();
            TokenIntrospectionSuccessResponse.Builder builder = new TokenIntrospectionSuccessResponse.Builder(true)
                    .scope(com.nimbusds.oauth2.sdk.Scope.parse(t.scope()))
                    .clientID(new ClientID(t.clientId()))
                    .subject(new Subject(t.subject()))
                    .tokenType(AccessTokenType.BEARER)
                    .issueTime(Date.from(t.issuedAt()))
                    .expirationTime(Date.from(t.expiresAt()))
                    .issuer(new com.nimbusds.oauth2.sdk.id.Issuer(fhirBase));
            if (t.patientId() != null) {
                builder.parameter("patient", t.patientId());
                builder.parameter("fhirUser", fhirBase + "/" + t.subject());
            }
            answer = builder.build();
        }
        send(response, answer.toHTTPResponse());
    }

    private boolean callerIsImagingServer(HttpServletRequest request) {
        String authorization = request.getHeader("Authorization");
        if (authorization == null) {
            return false;
        }
        if (authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return tokens.active(authorization.substring(7).strip()).filter(AccessTokenInfo::backend).isPresent();
        }
        try {
            HTTPRequest http = JakartaServletUtils.createHTTPRequest(request);
            return isImagingServer(ClientAuthentication.parse(http));
        } catch (ParseException | IOException e) {
            return false;
        }
    }

    /** RFC 7009: the token's own client (public: by client_id) or the imaging server may revoke it. Always 200. */
    private void revoke(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String token = request.getParameter("token");
        Optional<AccessTokenInfo> info = tokens.known(token);
        if (info.isPresent() && (info.get().clientId().equals(request.getParameter("client_id")) || callerIsImagingServer(request))) {
            tokens.revoke(token);
        }
        response.setStatus(200);
    }

    /** {@code action=expire|revoke}, {@code token=...} or {@code all=true} (every app token). Loopback callers only. */
    private void admin(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!InetAddress.getByName(request.getRemoteAddr()).isLoopbackAddress() || crossSite(request)) {
            response.sendError(403);
            return;
        }
        String action = String.valueOf(request.getParameter("action"));
        boolean all = "true".equals(request.getParameter("all"));
        String token = request.getParameter("token");
        int affected;
        switch (action) {
            case "expire" -> affected = all ? tokens.expireAllAppTokens() : tokens.expire(token) ? 1 : 0;
            case "revoke" -> affected = all ? tokens.revokeAllAppTokens() : tokens.revoke(token) ? 1 : 0;
            default -> {
                response.sendError(400, "action must be expire or revoke");
                return;
            }
        }
        response.setContentType("application/json");
        response.getWriter().write("{\"affected\":" + affected + "}");
    }

    // ---------------------------------------------------------------- helpers

    /**
     * CSRF defence for the admin hook: a browser marks a request another site's page makes
     * ({@code Origin}, {@code Sec-Fetch-Site}); a loopback caller is not enough, since a page open in
     * the developer's browser is one. Tools (curl, the tests) send neither header.
     */
    private static boolean crossSite(HttpServletRequest request) {
        String origin = request.getHeader("Origin");
        if (origin != null && !DemoEhr.ownOrigins(request).contains(origin.toLowerCase(java.util.Locale.ROOT))) {
            return true;
        }
        String site = request.getHeader("Sec-Fetch-Site");
        return site != null && !site.equals("same-origin") && !site.equals("none");
    }

    private static String grantable(String asked, Pattern allowed) {
        List<String> granted = new ArrayList<>();
        for (String s : asked.trim().split("\\s+")) {
            if (!s.isEmpty() && allowed.matcher(s).matches() && !granted.contains(s)) {
                granted.add(s);
            }
        }
        return String.join(" ", granted);
    }

    private static void send(HttpServletResponse response, HTTPResponse http) throws IOException {
        JakartaServletUtils.applyHTTPResponse(http, response);
    }

    private static void redirect(HttpServletResponse response, URI location) {
        response.setStatus(302);
        response.setHeader("Location", location.toString());
    }

    private static boolean constantTimeEquals(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    private static String stripSlash(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }

    static String html(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;").replace("'", "&#39;");
    }

    private static void page(HttpServletResponse response, int status, String title, String body) throws IOException {
        response.setStatus(status);
        response.setContentType("text/html; charset=utf-8");
        response.setHeader("Cache-Control", "no-store");
        response.setHeader("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'");
        response.setHeader("X-Frame-Options", "DENY");
        response.getWriter().write("""
                <!doctype html><html lang="en"><head><meta charset="utf-8"><title>%s</title>
                <meta name="viewport" content="width=device-width, initial-scale=1">
                <style>body{font-family:system-ui,sans-serif;max-width:34rem;margin:3rem auto;padding:0 1rem;color:#1d2733}
                header{color:#7a1f5c;font-weight:700;letter-spacing:.05em}fieldset{border:1px solid #ccd;border-radius:6px}
                label.patient{display:block;margin:.4rem 0}small{color:#667}button{font-size:1rem;padding:.5rem 1.2rem;margin-top:.5rem}
                #approve{background:#1b6e3a;color:#fff;border:0;border-radius:4px}#deny{border-radius:4px}</style></head>
                <body><header>DEMO EHR</header><h1>%s</h1>%s</body></html>"""
                .formatted(html(title), html(title), body));
    }
}
