package org.smartimaging.introspection;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenErrorResponse;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.ClientAuthentication;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.oauth2.sdk.token.AccessToken;
import com.nimbusds.openid.connect.sdk.AuthenticationRequest;
import com.nimbusds.openid.connect.sdk.Nonce;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponse;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponseParser;
import com.nimbusds.openid.connect.sdk.Prompt;
import com.nimbusds.openid.connect.sdk.claims.IDTokenClaimsSet;
import com.nimbusds.openid.connect.sdk.validators.IDTokenValidator;
import java.net.MalformedURLException;
import java.net.URI;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smartimaging.spi.ImagingException;

/**
 * The nested SMART launch at the EHR (OpenID Connect on the Nimbus SDK): the authentication
 * request ({@code state}, {@code nonce}, PKCE S256, {@code prompt=none} with the app's
 * {@code login_hint} as {@code id_token_hint} when the launch is silent), the code exchange with
 * the imaging server's own client authentication, validation of the EHR's ID token (signature by
 * the EHR's {@code jwks_uri}, issuer, audience, expiry, nonce), and reading the names of the user
 * and the patient for the consent page with the EHR's token.
 */
final class EhrSignIn {

    private static final Logger LOG = LoggerFactory.getLogger(EhrSignIn.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<JWSAlgorithm> ID_TOKEN_ALGORITHMS = Set.of(
            JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.ES256, JWSAlgorithm.ES384, JWSAlgorithm.PS256);
    private static final int JWKS_SIZE_LIMIT = 64 * 1024;

    /** Who signed in at the EHR, and for which patient. Names are for display only (may be null). */
    record SignedIn(String patient, String fhirUser, String patientName, String userName) {}

    private final IndependentSettings settings;
    private final EhrConnection ehr;
    private final ConcurrentHashMap<URI, JWKSource<SecurityContext>> ehrKeys = new ConcurrentHashMap<>();

    EhrSignIn(IndependentSettings settings, EhrConnection ehr) {
        this.settings = settings;
        this.ehr = ehr;
    }

    static URI callbackUri(String siteBase) {
        return URI.create(siteBase + "/oauth/ehr-callback");
    }

    /** The EHR authorization request the browser is sent to. */
    URI authorizationRequest(String siteBase, String state, String nonce, CodeVerifier verifier, boolean silent,
            String idTokenHint) {
        URI endpoint = endpoint("authorization_endpoint");
        AuthenticationRequest.Builder request = new AuthenticationRequest.Builder(ResponseType.CODE,
                Scope.parse(settings.ehrScope()), new ClientID(settings.ehr().client().clientId()), callbackUri(siteBase))
                .endpointURI(endpoint)
                .state(new State(state))
                .nonce(new Nonce(nonce))
                .codeChallenge(verifier, CodeChallengeMethod.S256)
                .customParameter("aud", settings.ehr().fhirBaseUrl().toString());
        if (silent) {
            request.prompt(new Prompt(Prompt.Type.NONE));
            JWT hint = parseJwt(idTokenHint);
            if (hint != null) {
                request.idTokenHint(hint);
            }
        }
        return request.build().toURI();
    }

    /**
     * Exchanges the EHR's code and validates its ID token.
     *
     * @throws ImagingException.UpstreamFailure when the EHR refuses, or its answer does not validate
     */
    SignedIn complete(String siteBase, String code, CodeVerifier verifier, String nonce) {
        URI tokenEndpoint = ehr.smartConfiguration().tokenEndpoint();
        AuthorizationCodeGrant grant = new AuthorizationCodeGrant(new AuthorizationCode(code), callbackUri(siteBase), verifier);
        ClientAuthentication authentication = ehr.clientAuthentication(tokenEndpoint);
        HTTPResponse http = ehr.send(new TokenRequest(tokenEndpoint, authentication, grant).toHTTPRequest(), "token endpoint");
        TokenResponse response;
        try {
            response = OIDCTokenResponseParser.parse(http);
        } catch (ParseException e) {
            throw new ImagingException.UpstreamFailure("The EHR's token endpoint answered HTTP " + http.getStatusCode()
                    + " without a valid token response");
        }
        if (!response.indicatesSuccess()) {
            ErrorObject error = ((TokenErrorResponse) response).getErrorObject();
            throw new ImagingException.UpstreamFailure("The EHR refused the sign-in code (" + error.getCode() + ")");
        }
        OIDCTokenResponse tokens = (OIDCTokenResponse) response.toSuccessResponse();
        JWT idToken = tokens.getOIDCTokens().getIDToken();
        if (idToken == null) {
            throw new ImagingException.UpstreamFailure("The EHR sent no ID token (the sign-in asked for openid)");
        }
        IDTokenClaimsSet claims = validate(idToken, nonce);
        Object patientValue = tokens.getCustomParameters().get("patient");
        String patient;
        try {
            patient = PatientReference.idOf(patientValue == null ? null : patientValue.toString());
        } catch (IllegalArgumentException e) {
            throw new ImagingException.UpstreamFailure("The EHR named an invalid patient");
        }
        if (patient == null) {
            throw new ImagingException.UpstreamFailure("The EHR named no patient in context (launch/patient)");
        }
        Object fhirUserClaim = claims.getClaim("fhirUser");
        String fhirUser = fhirUserClaim == null ? null : fhirUserClaim.toString();
        AccessToken ehrToken = tokens.getOIDCTokens().getAccessToken();
        String patientName = displayName(ehr.settings().fhirBaseUrl() + "/Patient/" + patient, ehrToken);
        String userName = fhirUser == null ? null : displayName(resolve(fhirUser), ehrToken);
        return new SignedIn(patient, fhirUser, patientName, userName);
    }

    private IDTokenClaimsSet validate(JWT idToken, String nonce) {
        var discovery = ehr.smartConfiguration().forApps();
        Object issuer = discovery.getOrDefault("issuer", ehr.settings().fhirBaseUrl().toString());
        URI jwksUri = endpoint("jwks_uri");
        JWKSource<SecurityContext> keys = ehrKeys.computeIfAbsent(jwksUri, this::keySource);
        IDTokenValidator validator = new IDTokenValidator(new Issuer(issuer.toString()),
                new ClientID(ehr.settings().client().clientId()), new JWSVerificationKeySelector<>(ID_TOKEN_ALGORITHMS, keys), null);
        try {
            return validator.validate(idToken, new Nonce(nonce));
        } catch (BadJOSEException | JOSEException e) {
            LOG.info("Config: the EHR's ID token did not validate: {}", e.getMessage());
            throw new ImagingException.UpstreamFailure("The EHR's ID token did not validate");
        }
    }

    private JWKSource<SecurityContext> keySource(URI jwksUri) {
        int millis = (int) ehr.settings().timeout().toMillis();
        try {
            return JWKSourceBuilder.<SecurityContext>create(jwksUri.toURL(),
                    new DefaultResourceRetriever(millis, millis, JWKS_SIZE_LIMIT)).build();
        } catch (MalformedURLException e) {
            throw new ImagingException.UpstreamFailure("The EHR's jwks_uri is not a URL");
        }
    }

    /** An endpoint from the EHR's smart-configuration, checked against the host's upstream policy. */
    private URI endpoint(String name) {
        Object value = ehr.smartConfiguration().forApps().get(name);
        if (value == null) {
            throw new ImagingException.UpstreamFailure("The EHR's smart-configuration has no " + name);
        }
        try {
            URI uri = new URI(value.toString());
            if (!uri.isAbsolute() || uri.getHost() == null) {
                throw new ImagingException.UpstreamFailure("The EHR's smart-configuration has an invalid " + name);
            }
            ehr.checkUpstream(uri);
            return uri;
        } catch (java.net.URISyntaxException e) {
            throw new ImagingException.UpstreamFailure("The EHR's smart-configuration has an invalid " + name);
        }
    }

    /** {@code fhirUser} as an absolute URL below the EHR's FHIR base, or null when it points elsewhere. */
    private String resolve(String fhirUser) {
        String base = ehr.settings().fhirBaseUrl().toString();
        if (fhirUser.startsWith(base + "/")) {
            return fhirUser;
        }
        return fhirUser.contains("://") ? null : base + "/" + (fhirUser.startsWith("/") ? fhirUser.substring(1) : fhirUser);
    }

    /** A person's name as FHIR gives it, read with the EHR's token; null when it cannot be read (display only). */
    private String displayName(String url, AccessToken token) {
        if (url == null) {
            return null;
        }
        try {
            HTTPRequest request = new HTTPRequest(HTTPRequest.Method.GET, URI.create(url));
            request.setAuthorization(token.toAuthorizationHeader());
            request.setAccept("application/fhir+json");
            HTTPResponse response = ehr.send(request, "FHIR server");
            if (response.getStatusCode() != 200) {
                return null;
            }
            JsonNode name = JSON.readTree(response.getBody()).path("name").path(0);
            if (name.hasNonNull("text")) {
                return name.get("text").asText();
            }
            String given = name.path("given").path(0).asText("");
            String text = (given + " " + name.path("family").asText("")).strip();
            return text.isEmpty() ? null : text;
        } catch (RuntimeException | java.io.IOException e) {
            return null;
        }
    }

    private static JWT parseJwt(String text) {
        if (text == null || text.isBlank() || text.length() > 8192) {
            return null;
        }
        try {
            return JWTParser.parse(text);
        } catch (java.text.ParseException e) {
            return null;
        }
    }
}
