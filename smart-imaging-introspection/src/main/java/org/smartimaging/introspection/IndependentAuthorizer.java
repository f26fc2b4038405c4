package org.smartimaging.introspection;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.oauth2.sdk.AccessTokenResponse;
import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.AuthorizationErrorResponse;
import com.nimbusds.oauth2.sdk.AuthorizationGrant;
import com.nimbusds.oauth2.sdk.AuthorizationRequest;
import com.nimbusds.oauth2.sdk.AuthorizationSuccessResponse;
import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.OAuth2Error;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.RefreshTokenGrant;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenErrorResponse;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenRevocationRequest;
import com.nimbusds.oauth2.sdk.auth.ClientAuthentication;
import com.nimbusds.oauth2.sdk.auth.PrivateKeyJWT;
import com.nimbusds.oauth2.sdk.auth.verifier.ClientAuthenticationVerifier;
import com.nimbusds.oauth2.sdk.auth.verifier.InvalidClientException;
import com.nimbusds.oauth2.sdk.auth.verifier.JWTAudienceCheck;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.id.Audience;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallenge;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.oauth2.sdk.token.BearerAccessToken;
import com.nimbusds.oauth2.sdk.token.RefreshToken;
import com.nimbusds.oauth2.sdk.token.Tokens;
import com.nimbusds.oauth2.sdk.util.URLUtils;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smartimaging.fhir.Profiles;
import org.smartimaging.introspection.OAuthFlows.AppRequest;
import org.smartimaging.spi.AccessGrant;
import org.smartimaging.spi.AuthorizationEndpoints;
import org.smartimaging.spi.Authorizer;
import org.smartimaging.spi.EndpointRequest;
import org.smartimaging.spi.EndpointResponse;
import org.smartimaging.spi.ImagingException;

/**
 * {@code smart-on-fhir-independent}: the imaging server as a SMART authorization server of its own,
 * signing the user in through the EHR. Serves below {@code {key}/oauth/}:
 *
 * <pre>
 * GET  authorize      the app's authorization request (PKCE S256 required); starts the nested launch at the EHR
 * GET  ehr-callback   the EHR's answer: code exchange, ID token validation, the consent page
 * POST consent        the user's decision (CSRF token + browser-bound cookie); the app gets a code or access_denied
 * POST token          authorization_code (single use, PKCE, exact redirect_uri) and refresh_token grants;
 *                     public clients by client_id, confidential ones by private_key_jwt (jti replay refused)
 * POST revoke         RFC 7009 revocation of access and refresh tokens
 * </pre>
 *
 * <p>Imaging routes then accept the access tokens it issued ({@link ImagingAccessTokens}: signed,
 * verified on any node). Every message is a Nimbus OAuth 2.0 / OpenID Connect SDK type.
 */
final class IndependentAuthorizer implements Authorizer, AuthorizationEndpoints {

    private static final Logger LOG = LoggerFactory.getLogger(IndependentAuthorizer.class);
    static final String COOKIE = "smart_imaging_oauth";
    /** Scopes the imaging server grants; others asked for are dropped (it is not an OpenID provider). */
    private static final Pattern GRANTABLE = Pattern.compile(
            "launch/patient|offline_access|patient/(ImagingStudy|\\*)\\.(read|\\*|c?r?u?d?s?)");
    private static final Pattern IMAGING_READ = Pattern.compile("patient/(ImagingStudy|\\*)\\.(read|\\*|c?ru?d?s?|c?r?u?d?s)");
    private static final Set<String> SILENT_FAILURES = Set.of(
            "login_required", "interaction_required", "consent_required", "account_selection_required");

    private final IndependentSettings settings;
    private final EhrSignIn ehrSignIn;
    private final ImagingAccessTokens tokens;
    private final OAuthFlows flows;

    IndependentAuthorizer(IndependentSettings settings, EhrSignIn ehrSignIn, ImagingAccessTokens tokens, OAuthFlows flows) {
        this.settings = settings;
        this.ehrSignIn = ehrSignIn;
        this.tokens = tokens;
        this.flows = flows;
    }

    // ---------------------------------------------------------------- the imaging routes

    @Override
    public AccessGrant authorize(String bearerToken) {
        if (bearerToken == null || bearerToken.isBlank()) {
            throw ImagingException.Unauthorized.missingToken();
        }
        ImagingAccessTokens.Claims claims = tokens.verify(bearerToken);
        if (flows.isRevoked(claims.jwtId())) {
            throw ImagingException.Unauthorized.invalidToken("The access token was revoked");
        }
        return claims.grant();
    }

    @Override
    public Map<String, Object> smartConfiguration(String siteBase) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("issuer", siteBase + "/fhir");
        c.put("authorization_endpoint", siteBase + "/oauth/authorize");
        c.put("token_endpoint", siteBase + "/oauth/token");
        c.put("revocation_endpoint", siteBase + "/oauth/revoke");
        c.put("grant_types_supported", List.of("authorization_code", "refresh_token"));
        c.put("response_types_supported", List.of("code"));
        c.put("code_challenge_methods_supported", List.of("S256"));
        c.put("token_endpoint_auth_methods_supported", List.of("private_key_jwt", "none"));
        c.put("token_endpoint_auth_signing_alg_values_supported", List.of("ES384", "RS384", "ES256", "RS256"));
        c.put("scopes_supported", List.of("patient/ImagingStudy.rs", "patient/ImagingStudy.read", "patient/*.rs",
                "patient/*.read", "launch/patient", "offline_access"));
        c.put("capabilities", List.of(Profiles.CAPABILITY_CODE, "launch-standalone", "client-public",
                "client-confidential-asymmetric", "context-standalone-patient", "permission-patient", "permission-offline",
                "permission-v1", "permission-v2"));
        return c;
    }

    @Override
    public EndpointResponse handle(EndpointRequest request) {
        String route = request.method() + " " + request.path();
        try {
            return switch (route) {
                case "GET authorize" -> authorizeEndpoint(request);
                case "GET ehr-callback" -> ehrCallback(request);
                case "POST consent" -> consent(request);
                case "POST token" -> token(request);
                case "POST revoke" -> revoke(request);
                default -> request.path().matches("authorize|ehr-callback|consent|token|revoke")
                        ? EndpointResponse.of(405, "text/plain; charset=utf-8", "Method not allowed",
                                Map.of("Allow", request.path().matches("authorize|ehr-callback") ? "GET" : "POST"))
                        : EndpointResponse.notFound();
            };
        } catch (ImagingException.UpstreamFailure e) {
            LOG.warn("Independent authorization, {}: {}", request.path(), e.getMessage());
            return ConsentPage.error(502, "The EHR cannot be reached", e.getMessage());
        }
    }

    // ---------------------------------------------------------------- authorize

    private EndpointResponse authorizeEndpoint(EndpointRequest request) {
        AuthorizationRequest app;
        try {
            app = AuthorizationRequest.parse(URLUtils.serializeParameters(request.query()));
        } catch (ParseException e) {
            return ConsentPage.error(400, "Invalid authorization request",
                    "The app sent an authorization request this server cannot read: " + e.getMessage());
        }
        URI redirect = app.getRedirectionURI();
        var client = settings.clients().admit(app.getClientID().getValue(), redirect);
        if (client.isEmpty()) {
            // Never redirect to an address nobody registered.
            return ConsentPage.error(400, "Unknown app or redirect address",
                    "The app '" + app.getClientID().getValue() + "' is not registered here with this redirect_uri.");
        }
        State state = app.getState();
        ErrorObject problem = null;
        Set<String> scopes = grantable(app.getScope());
        String aud = request.queryValue("aud");
        if (!ResponseType.CODE.equals(app.getResponseType())) {
            problem = OAuth2Error.UNSUPPORTED_RESPONSE_TYPE;
        } else if (state == null) {
            problem = OAuth2Error.INVALID_REQUEST.setDescription("state is required");
        } else if (app.getCodeChallenge() == null || !CodeChallengeMethod.S256.equals(app.getCodeChallengeMethod())) {
            problem = OAuth2Error.INVALID_REQUEST.setDescription("PKCE with code_challenge_method S256 is required");
        } else if (aud != null && !stripSlash(aud).equals(request.siteBase() + "/fhir")) {
            problem = OAuth2Error.INVALID_REQUEST.setDescription("aud must be this imaging server's FHIR base");
        } else if (scopes.stream().noneMatch(s -> IMAGING_READ.matcher(s).matches())) {
            problem = OAuth2Error.INVALID_SCOPE.setDescription("Ask for patient/ImagingStudy.rs (or .read)");
        }
        if (problem != null) {
            return EndpointResponse.redirect(new AuthorizationErrorResponse(redirect, problem, state, null).toURI().toString());
        }
        AppRequest appRequest = new AppRequest(app.getClientID().getValue(), redirect, state.getValue(),
                app.getCodeChallenge().getValue(), scopes);
        String binding = cookie(request);
        boolean newBinding = binding == null;
        if (newBinding) {
            binding = OAuthFlows.randomValue();
        }
        String loginHint = request.queryValue("login_hint");
        EndpointResponse redirectToEhr = launchAtEhr(request.siteBase(), appRequest, binding, true, loginHint);
        return redirectToEhr.withHeader("Set-Cookie", setCookie(request.siteBase(), binding, OAuthFlows.LAUNCH_LIFETIME));
    }

    private EndpointResponse launchAtEhr(String siteBase, AppRequest app, String binding, boolean silent, String loginHint) {
        String nonce = OAuthFlows.randomValue();
        CodeVerifier verifier = new CodeVerifier();
        String state = flows.putLaunch(new OAuthFlows.Launch(app, binding, nonce, verifier, silent, loginHint,
                flows.now().plus(OAuthFlows.LAUNCH_LIFETIME)));
        return EndpointResponse.redirect(ehrSignIn.authorizationRequest(siteBase, state, nonce, verifier, silent, loginHint).toString());
    }

    // ---------------------------------------------------------------- the EHR's answer

    private EndpointResponse ehrCallback(EndpointRequest request) {
        OAuthFlows.Launch launch = flows.takeLaunch(request.queryValue("state"));
        if (launch == null) {
            return ConsentPage.error(400, "Sign-in expired",
                    "This sign-in has expired or was already used. Start again from the app.");
        }
        if (!sameSecret(cookie(request), launch.browserBinding())) {
            return ConsentPage.error(400, "Sign-in started elsewhere",
                    "This sign-in was not started in this browser. Start again from the app.");
        }
        AppRequest app = launch.app();
        String error = request.queryValue("error");
        if (error != null) {
            if (launch.silent() && SILENT_FAILURES.contains(error)) {
                // Not signed in at the EHR (or it wants to ask): the same launch, interactive this time.
                return launchAtEhr(request.siteBase(), app, launch.browserBinding(), false, null);
            }
            return toApp(app, OAuth2Error.ACCESS_DENIED.setDescription("The EHR did not sign the user in (" + safe(error) + ")"));
        }
        String code = request.queryValue("code");
        if (code == null) {
            return toApp(app, OAuth2Error.ACCESS_DENIED.setDescription("The EHR answered without a code"));
        }
        EhrSignIn.SignedIn user;
        try {
            user = ehrSignIn.complete(request.siteBase(), code, launch.verifier(), launch.nonce());
        } catch (ImagingException.UpstreamFailure e) {
            LOG.warn("Independent authorization: the EHR sign-in failed: {}", e.getMessage());
            return toApp(app, OAuth2Error.SERVER_ERROR.setDescription(e.getMessage()));
        }
        String csrf = OAuthFlows.randomValue();
        String consentId = flows.putConsent(new OAuthFlows.Consent(app, launch.browserBinding(), csrf, user.patient(),
                user.fhirUser(), flows.now().plus(OAuthFlows.CONSENT_LIFETIME)));
        return ConsentPage.consent(request.siteBase() + "/oauth/consent", consentId, csrf, app.clientId(), user.userName(),
                user.fhirUser(), user.patientName(), user.patient(), app.scopes(), app.redirectUri());
    }

    // ---------------------------------------------------------------- consent

    private EndpointResponse consent(EndpointRequest request) {
        OAuthFlows.Consent consent = flows.takeConsent(request.formValue("consent"));
        if (consent == null) {
            return ConsentPage.error(400, "Page expired", "This page has expired or was already used. Start again from the app.");
        }
        // A browser sends Origin "null" from a no-referrer page; the CSRF token and cookie below decide then.
        String origin = request.header().apply("Origin");
        if (origin != null && !origin.equals("null") && !request.siteBase().startsWith(origin + "/")) {
            return ConsentPage.error(403, "Refused", "The decision was sent from another site.");
        }
        if (!sameSecret(cookie(request), consent.browserBinding()) || !sameSecret(request.formValue("csrf"), consent.csrfToken())) {
            return ConsentPage.error(403, "Refused", "The decision did not come from the page this browser was shown.");
        }
        AppRequest app = consent.app();
        EndpointResponse answer;
        if ("approve".equals(request.formValue("decision"))) {
            String code = flows.putCode(new OAuthFlows.Code(app, consent.patient(), consent.fhirUser(),
                    flows.now().plus(OAuthFlows.CODE_LIFETIME)));
            answer = EndpointResponse.redirect(new AuthorizationSuccessResponse(app.redirectUri(), new AuthorizationCode(code),
                    null, new State(app.state()), null).toURI().toString());
        } else {
            answer = toApp(app, OAuth2Error.ACCESS_DENIED.setDescription("The user denied access to imaging studies"));
        }
        return answer.withHeader("Set-Cookie", setCookie(request.siteBase(), "", Duration.ZERO));
    }

    private static EndpointResponse toApp(AppRequest app, ErrorObject error) {
        return EndpointResponse.redirect(new AuthorizationErrorResponse(app.redirectUri(), error, new State(app.state()), null)
                .toURI().toString());
    }

    // ---------------------------------------------------------------- token

    private EndpointResponse token(EndpointRequest request) {
        TokenRequest tokenRequest;
        try {
            tokenRequest = TokenRequest.parse(nimbusRequest(request, "token"));
        } catch (ParseException e) {
            return tokenError(e.getErrorObject() != null ? e.getErrorObject() : OAuth2Error.INVALID_REQUEST);
        }
        ClientID client;
        try {
            client = authenticate(request, tokenRequest.getClientAuthentication(), tokenRequest.getClientID());
        } catch (InvalidClientException e) {
            return tokenError(OAuth2Error.INVALID_CLIENT.setDescription(e.getMessage()));
        }
        AuthorizationGrant grant = tokenRequest.getAuthorizationGrant();
        if (grant instanceof AuthorizationCodeGrant codeGrant) {
            return codeExchange(request, client, codeGrant);
        }
        if (grant instanceof RefreshTokenGrant refreshGrant) {
            OAuthFlows.Refresh refresh = flows.takeRefresh(refreshGrant.getRefreshToken().getValue());
            if (refresh == null || !refresh.clientId().equals(client.getValue())) {
                return tokenError(OAuth2Error.INVALID_GRANT.setDescription("The refresh token is unknown, expired or not this client's"));
            }
            return issue(request.siteBase(), client.getValue(), refresh.patient(), refresh.fhirUser(), refresh.scopes());
        }
        return tokenError(OAuth2Error.UNSUPPORTED_GRANT_TYPE);
    }

    private EndpointResponse codeExchange(EndpointRequest request, ClientID client, AuthorizationCodeGrant grant) {
        OAuthFlows.Code code = flows.redeemCode(grant.getAuthorizationCode().getValue());
        if (code == null) {
            return tokenError(OAuth2Error.INVALID_GRANT.setDescription("The authorization code is unknown, expired or already used"));
        }
        AppRequest app = code.app();
        if (!app.clientId().equals(client.getValue())) {
            return tokenError(OAuth2Error.INVALID_GRANT.setDescription("The code was issued to another client"));
        }
        if (grant.getRedirectionURI() == null || !app.redirectUri().toString().equals(grant.getRedirectionURI().toString())) {
            return tokenError(OAuth2Error.INVALID_GRANT.setDescription("redirect_uri differs from the authorization request's"));
        }
        CodeVerifier verifier = grant.getCodeVerifier();
        if (verifier == null || !sameSecret(CodeChallenge.compute(CodeChallengeMethod.S256, verifier).getValue(), app.codeChallenge())) {
            return tokenError(OAuth2Error.INVALID_GRANT.setDescription("PKCE verification failed: code_verifier does not match"));
        }
        return issue(request.siteBase(), client.getValue(), code.patient(), code.fhirUser(), app.scopes());
    }

    private EndpointResponse issue(String siteBase, String clientId, String patient, String fhirUser, Set<String> scopes) {
        Set<String> accessScopes = new LinkedHashSet<>(scopes);
        String jwt = tokens.issue(siteBase + "/fhir", patient, accessScopes, clientId, fhirUser, settings.accessTokenLifetime());
        RefreshToken refresh = null;
        if (scopes.contains("offline_access")) {
            refresh = new RefreshToken(flows.putRefresh(new OAuthFlows.Refresh(clientId, patient, fhirUser, scopes,
                    flows.now().plus(settings.refreshTokenLifetime()))));
        }
        BearerAccessToken access = new BearerAccessToken(jwt, settings.accessTokenLifetime().toSeconds(),
                new Scope(scopes.toArray(String[]::new)));
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("patient", patient);
        return fromNimbus(new AccessTokenResponse(new Tokens(access, refresh), extra).toHTTPResponse());
    }

    /**
     * The client of a token or revocation request: a confidential client proves itself with
     * {@code private_key_jwt} (signature by its registered keys, {@code aud} = the token endpoint,
     * an unexpired assertion whose {@code jti} was never seen); a public client names itself.
     */
    private ClientID authenticate(EndpointRequest request, ClientAuthentication authentication, ClientID named)
            throws InvalidClientException {
        if (authentication == null) {
            if (named == null) {
                throw new InvalidClientException("client_id is required");
            }
            if (!settings.clients().isPublic(named.getValue())) {
                throw new InvalidClientException("This client must authenticate with private_key_jwt");
            }
            return named;
        }
        if (!(authentication instanceof PrivateKeyJWT)) {
            throw new InvalidClientException("This server authenticates clients with private_key_jwt only");
        }
        Set<Audience> audience = Set.of(new Audience(request.siteBase() + "/oauth/token"));
        var verifier = new ClientAuthenticationVerifier<>(settings.clients(), audience, JWTAudienceCheck.LEGACY, flows);
        try {
            verifier.verify(authentication, null, null);
        } catch (JOSEException e) {
            throw new InvalidClientException("The client assertion cannot be verified");
        }
        return authentication.getClientID();
    }

    // ---------------------------------------------------------------- revoke

    private EndpointResponse revoke(EndpointRequest request) {
        TokenRevocationRequest revocation;
        try {
            revocation = TokenRevocationRequest.parse(nimbusRequest(request, "revoke"));
        } catch (ParseException e) {
            return tokenError(e.getErrorObject() != null ? e.getErrorObject() : OAuth2Error.INVALID_REQUEST);
        }
        ClientID client;
        try {
            client = authenticate(request, revocation.getClientAuthentication(), revocation.getClientID());
        } catch (InvalidClientException e) {
            return tokenError(OAuth2Error.INVALID_CLIENT.setDescription(e.getMessage()));
        }
        String value = revocation.getToken().getValue();
        OAuthFlows.Refresh refresh = flows.peekRefresh(value);
        if (refresh != null) {
            if (refresh.clientId().equals(client.getValue())) {
                flows.takeRefresh(value);
            }
        } else {
            try {
                ImagingAccessTokens.Claims claims = tokens.verify(value);
                if (client.getValue().equals(claims.clientId())) {
                    flows.revokeAccessToken(claims.jwtId(), claims.expiresAt());
                }
            } catch (ImagingException.Unauthorized e) {
                // RFC 7009 section 2.2: an invalid token is answered 200 as well.
            }
        }
        return EndpointResponse.of(200, "application/json", "{}", Map.of());
    }

    // ---------------------------------------------------------------- helpers

    private static HTTPRequest nimbusRequest(EndpointRequest request, String endpoint) throws ParseException {
        HTTPRequest http = new HTTPRequest(HTTPRequest.Method.POST, URI.create(request.siteBase() + "/oauth/" + endpoint));
        String contentType = request.header().apply("Content-Type");
        if (contentType != null) {
            http.setContentType(contentType);
        }
        String authorization = request.header().apply("Authorization");
        if (authorization != null) {
            http.setAuthorization(authorization);
        }
        http.setBody(URLUtils.serializeParameters(request.form()));
        return http;
    }

    private static EndpointResponse tokenError(ErrorObject error) {
        return fromNimbus(new TokenErrorResponse(error).toHTTPResponse());
    }

    private static EndpointResponse fromNimbus(HTTPResponse http) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (String name : List.of("Cache-Control", "Pragma", "WWW-Authenticate")) {
            String value = http.getHeaderValue(name);
            if (value != null) {
                headers.put(name, value);
            }
        }
        String contentType = http.getHeaderValue("Content-Type");
        String body = http.getBody();
        return EndpointResponse.of(http.getStatusCode(), contentType != null ? contentType : "application/json",
                body != null ? body : "", headers);
    }

    private static Set<String> grantable(Scope asked) {
        Set<String> granted = new LinkedHashSet<>();
        if (asked != null) {
            for (Scope.Value value : asked) {
                if (GRANTABLE.matcher(value.getValue()).matches()) {
                    granted.add(value.getValue());
                }
            }
        }
        return granted;
    }

    private static String cookie(EndpointRequest request) {
        String header = request.header().apply("Cookie");
        if (header == null) {
            return null;
        }
        for (String part : header.split("[;,]")) {
            String pair = part.strip();
            if (pair.startsWith(COOKIE + "=")) {
                String value = pair.substring(COOKIE.length() + 1);
                // RFC 2965 clients quote the value
                if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                    value = value.substring(1, value.length() - 1);
                }
                return value.isEmpty() ? null : value;
            }
        }
        return null;
    }

    /** The browser binding of a sign-in: HttpOnly, only sent to this configuration's {@code oauth/} paths. */
    private static String setCookie(String siteBase, String value, Duration maxAge) {
        URI base = URI.create(siteBase);
        String path = (base.getRawPath() == null ? "" : base.getRawPath()) + "/oauth";
        return COOKIE + "=" + value + "; Path=" + path + "; Max-Age=" + maxAge.toSeconds() + "; HttpOnly; SameSite=Lax"
                + ("https".equals(base.getScheme()) ? "; Secure" : "");
    }

    private static boolean sameSecret(String given, String expected) {
        return given != null && expected != null
                && MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), expected.getBytes(StandardCharsets.UTF_8));
    }

    private static String stripSlash(String text) {
        return text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
    }

    /** An error code from the EHR, repeated to the app only if it looks like one. */
    private static String safe(String error) {
        return error.matches("[a-z_]{1,64}") ? error : "error";
    }
}
