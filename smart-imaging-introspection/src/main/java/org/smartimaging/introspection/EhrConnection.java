package org.smartimaging.introspection;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.ClientCredentialsGrant;
import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenErrorResponse;
import com.nimbusds.oauth2.sdk.TokenIntrospectionErrorResponse;
import com.nimbusds.oauth2.sdk.TokenIntrospectionRequest;
import com.nimbusds.oauth2.sdk.TokenIntrospectionResponse;
import com.nimbusds.oauth2.sdk.TokenIntrospectionSuccessResponse;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.ClientAuthentication;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.PrivateKeyJWT;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.token.AccessToken;
import com.nimbusds.oauth2.sdk.token.TypelessAccessToken;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smartimaging.introspection.SmartOnFhirSettings.PrivateKeyClient;
import org.smartimaging.introspection.SmartOnFhirSettings.SecretClient;
import org.smartimaging.spi.HostEnvironment;
import org.smartimaging.spi.ImagingException;

/**
 * Everything the imaging server says to one EHR's authorization server: discovery, its own
 * backend-services token, and introspection of app tokens. Shared by the authorizer and the
 * patient resolver of one configuration, so that they discover once and hold one backend token;
 * it lives and dies with that configuration.
 *
 * <p>Every request has the configured connect and read timeout; any failure is an
 * {@link ImagingException.UpstreamFailure}, never a grant.
 */
final class EhrConnection {

    private static final Logger LOG = LoggerFactory.getLogger(EhrConnection.class);

    /** How long a discovered smart-configuration is reused. */
    static final Duration DISCOVERY_TTL = Duration.ofHours(1);
    /** How long a backend token without {@code expires_in} is reused. */
    static final Duration UNKNOWN_TOKEN_LIFETIME = Duration.ofSeconds(60);
    /** A backend token is replaced this long before it expires (at most half its lifetime). */
    static final Duration BACKEND_TOKEN_MARGIN = Duration.ofSeconds(30);
    /** Lifetime of the {@code private_key_jwt} client assertion (SMART allows at most five minutes). */
    static final Duration ASSERTION_LIFETIME = Duration.ofMinutes(4);

    private final SmartOnFhirSettings settings;
    private final HostEnvironment environment;
    private final Clock clock;
    private final ReentrantLock discoveryLock = new ReentrantLock();
    private final ReentrantLock backendTokenLock = new ReentrantLock();
    private volatile SmartConfiguration discovered;
    private volatile HeldToken backendToken;

    private record HeldToken(AccessToken token, Instant renewAt) {}

    EhrConnection(SmartOnFhirSettings settings, HostEnvironment environment) {
        this.settings = settings;
        this.environment = environment;
        this.clock = environment.clock();
    }

    SmartOnFhirSettings settings() {
        return settings;
    }

    /** The EHR's smart-configuration, fetched on first use and again after {@link #DISCOVERY_TTL}. */
    SmartConfiguration smartConfiguration() {
        SmartConfiguration current = discovered;
        if (current != null && isFresh(current)) {
            return current;
        }
        discoveryLock.lock();
        try {
            current = discovered;
            if (current != null && isFresh(current)) {
                return current;
            }
            try {
                discovered = fetchSmartConfiguration();
            } catch (ImagingException.UpstreamFailure e) {
                if (current == null) {
                    throw e;
                }
                LOG.warn("Config {}: re-reading the EHR's smart-configuration failed ({}); keeping the previous one",
                        environment.configKey(), e.getMessage());
                discovered = new SmartConfiguration(current.tokenEndpoint(), current.introspectionEndpoint(),
                        current.forApps(), clock.instant().minus(DISCOVERY_TTL).plus(Duration.ofMinutes(1)));
            }
            return discovered;
        } finally {
            discoveryLock.unlock();
        }
    }

    private boolean isFresh(SmartConfiguration configuration) {
        return clock.instant().isBefore(configuration.fetchedAt().plus(DISCOVERY_TTL));
    }

    private SmartConfiguration fetchSmartConfiguration() {
        URI uri = URI.create(settings.fhirBaseUrl() + "/.well-known/smart-configuration");
        HTTPRequest request = new HTTPRequest(HTTPRequest.Method.GET, uri);
        request.setAccept("application/json");
        HTTPResponse response = send(request, "smart-configuration");
        if (response.getStatusCode() != 200) {
            throw new ImagingException.UpstreamFailure(
                    "The EHR's smart-configuration answered HTTP " + response.getStatusCode());
        }
        SmartConfiguration configuration;
        try {
            configuration = SmartConfiguration.parse(response.getBodyAsJSONObject(), clock.instant());
        } catch (ParseException e) {
            throw new ImagingException.UpstreamFailure("The EHR's smart-configuration is not a JSON object", e);
        }
        checkUpstream(configuration.tokenEndpoint());
        if (configuration.introspectionEndpoint() != null) {
            checkUpstream(configuration.introspectionEndpoint());
        }
        return configuration;
    }

    void checkUpstream(URI endpoint) {
        try {
            environment.upstreamPolicy().check(endpoint);
        } catch (ImagingException.InvalidConfig e) {
            throw new ImagingException.UpstreamFailure("The EHR's smart-configuration names an endpoint this server may not call");
        }
    }

    /** Where app tokens are introspected, per variant. */
    URI introspectionEndpoint() {
        SmartConfiguration configuration = smartConfiguration();
        if (settings.variant() == SmartOnFhirVariant.EPIC) {
            try {
                URI derived = SmartOnFhirVariant.epicIntrospectionEndpoint(configuration.tokenEndpoint());
                checkUpstream(derived);
                return derived;
            } catch (IllegalArgumentException e) {
                throw new ImagingException.UpstreamFailure(
                        "The EHR's token endpoint does not end in /token, so its introspection endpoint is unknown");
            }
        }
        if (configuration.introspectionEndpoint() == null) {
            throw new ImagingException.UpstreamFailure("The EHR's smart-configuration has no introspection_endpoint");
        }
        return configuration.introspectionEndpoint();
    }

    /**
     * The imaging server's own access token (client credentials), reused until shortly before it
     * expires; one request at a time fetches a new one.
     */
    AccessToken backendToken() {
        HeldToken held = backendToken;
        if (held != null && clock.instant().isBefore(held.renewAt())) {
            return held.token();
        }
        backendTokenLock.lock();
        try {
            held = backendToken;
            if (held != null && clock.instant().isBefore(held.renewAt())) {
                return held.token();
            }
            held = fetchBackendToken();
            backendToken = held;
            return held.token();
        } finally {
            backendTokenLock.unlock();
        }
    }

    /** Forgets a backend token an EHR refused (revoked or expired early), so the next call fetches one. */
    void rejectBackendToken(AccessToken token) {
        backendTokenLock.lock();
        try {
            HeldToken held = backendToken;
            if (held != null && held.token().equals(token)) {
                backendToken = null;
            }
        } finally {
            backendTokenLock.unlock();
        }
    }

    private HeldToken fetchBackendToken() {
        URI tokenEndpoint = smartConfiguration().tokenEndpoint();
        TokenRequest tokenRequest = new TokenRequest(
                tokenEndpoint, clientAuthentication(tokenEndpoint), new ClientCredentialsGrant(), Scope.parse(settings.scope()));
        HTTPResponse response = send(tokenRequest.toHTTPRequest(), "token endpoint");
        TokenResponse tokenResponse;
        try {
            tokenResponse = TokenResponse.parse(response);
        } catch (ParseException e) {
            throw new ImagingException.UpstreamFailure(
                    "The EHR's token endpoint answered HTTP " + response.getStatusCode() + " without a valid token response", e);
        }
        if (!tokenResponse.indicatesSuccess()) {
            ErrorObject error = ((TokenErrorResponse) tokenResponse).getErrorObject();
            throw new ImagingException.UpstreamFailure("The EHR refused the imaging server's backend token request ("
                    + error.getHTTPStatusCode() + " " + error.getCode() + ")");
        }
        AccessToken token = tokenResponse.toSuccessResponse().getTokens().getAccessToken();
        Instant now = clock.instant();
        Duration lifetime = token.getLifetime() > 0 ? Duration.ofSeconds(token.getLifetime()) : UNKNOWN_TOKEN_LIFETIME;
        Duration margin = lifetime.dividedBy(2).compareTo(BACKEND_TOKEN_MARGIN) < 0 ? lifetime.dividedBy(2) : BACKEND_TOKEN_MARGIN;
        LOG.debug("Config {}: new backend token, valid {} s", environment.configKey(), lifetime.toSeconds());
        return new HeldToken(token, now.plus(lifetime).minus(margin));
    }

    /** How the imaging server authenticates at the token endpoint (backend token and the nested launch's code exchange). */
    ClientAuthentication clientAuthentication(URI tokenEndpoint) {
        if (settings.client() instanceof SecretClient secret) {
            return new ClientSecretBasic(new ClientID(secret.clientId()), new Secret(secret.secret()));
        }
        PrivateKeyClient key = (PrivateKeyClient) settings.client();
        Instant now = clock.instant();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(key.clientId())
                .subject(key.clientId())
                .audience(tokenEndpoint.toString())
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(ASSERTION_LIFETIME)))
                .jwtID(UUID.randomUUID().toString())
                .build();
        JWSHeader header = new JWSHeader.Builder(key.algorithm())
                .keyID(key.keyId())
                .type(JOSEObjectType.JWT)
                .build();
        try {
            JWSSigner signer = key.privateKey() instanceof ECKey ec ? new ECDSASigner(ec) : new RSASSASigner((RSAKey) key.privateKey());
            SignedJWT assertion = new SignedJWT(header, claims);
            assertion.sign(signer);
            return new PrivateKeyJWT(assertion);
        } catch (JOSEException e) {
            throw new ImagingException.UpstreamFailure("Cannot sign the client assertion with the configured key", e);
        }
    }

    /**
     * RFC 7662 introspection of an app's token, authenticated per variant: the backend token as
     * Bearer (retried once with a new backend token if the EHR refuses it), or Meditech's HTTP Basic.
     */
    TokenIntrospectionSuccessResponse introspect(String appToken) {
        URI endpoint = introspectionEndpoint();
        TypelessAccessToken token = new TypelessAccessToken(appToken);
        if (settings.client() instanceof SecretClient secret && settings.variant() == SmartOnFhirVariant.MEDITECH) {
            var basic = new ClientSecretBasic(new ClientID(secret.clientId()), new Secret(secret.secret()));
            return parseIntrospection(send(new TokenIntrospectionRequest(endpoint, basic, token).toHTTPRequest(), "introspection endpoint"));
        }
        AccessToken backend = backendToken();
        HTTPResponse response = send(new TokenIntrospectionRequest(endpoint, backend, token).toHTTPRequest(), "introspection endpoint");
        if (response.getStatusCode() == 401) {
            rejectBackendToken(backend);
            backend = backendToken();
            response = send(new TokenIntrospectionRequest(endpoint, backend, token).toHTTPRequest(), "introspection endpoint");
        }
        return parseIntrospection(response);
    }

    private static TokenIntrospectionSuccessResponse parseIntrospection(HTTPResponse response) {
        TokenIntrospectionResponse parsed;
        try {
            parsed = TokenIntrospectionResponse.parse(response);
        } catch (ParseException e) {
            throw new ImagingException.UpstreamFailure(
                    "The EHR's introspection endpoint answered HTTP " + response.getStatusCode() + " without a valid answer", e);
        }
        if (!parsed.indicatesSuccess()) {
            ErrorObject error = ((TokenIntrospectionErrorResponse) parsed).getErrorObject();
            String code = error != null && error.getCode() != null ? " " + error.getCode() : "";
            throw new ImagingException.UpstreamFailure(
                    "The EHR's introspection endpoint refused the request (" + response.getStatusCode() + code + ")");
        }
        return parsed.toSuccessResponse();
    }

    /** Sends with the configured timeouts and without following redirects. */
    HTTPResponse send(HTTPRequest request, String what) {
        int millis = (int) settings.timeout().toMillis();
        request.setConnectTimeout(millis);
        request.setReadTimeout(millis);
        request.setFollowRedirects(false);
        try {
            return request.send();
        } catch (IOException e) {
            throw new ImagingException.UpstreamFailure("Cannot reach the EHR's " + what, e);
        }
    }
}
