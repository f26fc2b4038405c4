package org.smartimaging.examples.ehr;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import java.net.URI;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;

/**
 * A small EHR for the demo: a SMART on FHIR authorization server (standalone launch with PKCE for
 * the public viewer, client credentials for the imaging server, RFC 7662 introspection, RFC 7009
 * revocation) and a FHIR R4 server holding the demo patients. Everything is in memory.
 *
 * <p>Mounted below one path of the demo's Jetty: {@code {path}/auth/...} and {@code {path}/fhir/...}.
 * Not a product: one process, no persistence, no user accounts (whoever opens the consent page
 * picks a demo patient).
 */
public final class DemoEhr {

    /** The viewer's client id: a public client (no secret), authorization code with PKCE S256. */
    public static final String VIEWER_CLIENT_ID = "smart-imaging-viewer";
    /** The imaging server's client id: a confidential backend client (client credentials, secret). */
    public static final String IMAGING_CLIENT_ID = "smart-imaging-server";
    /**
     * The client id of an imaging server in independent mode (its own authorization server, signing
     * users in here with OpenID Connect): a confidential client with {@code private_key_jwt}.
     */
    public static final String INDEPENDENT_IMAGING_CLIENT_ID = "smart-imaging-server-independent";

    private final String mountPath;
    private final String imagingFhirPath;
    private final String imagingClientSecret;
    private final EhrTokens tokens;
    private final RSAKey signingKey;
    private final ECKey independentImagingKey;
    /** Confidential clients that authenticate with private_key_jwt, by client id: their public keys. */
    private final Map<String, JWK> keyClients = new ConcurrentHashMap<>();
    private final Map<String, RegisteredApp> apps = new ConcurrentHashMap<>();

    /**
     * URLs the EHR publishes are built from the host and port each request came to, so that a
     * browser on {@code localhost} and the imaging server on {@code 127.0.0.1} both get endpoints
     * they can reach (and the browser stays on one origin).
     *
     * @param mountPath where {@link #mount} puts the EHR, e.g. {@code /demo-ehr}
     * @param imagingFhirPath the path of the imaging server's FHIR base on the same server, advertised to apps
     */
    public DemoEhr(String mountPath, String imagingFhirPath, Clock clock) {
        this.mountPath = mountPath;
        this.imagingFhirPath = imagingFhirPath;
        this.imagingClientSecret = EhrTokens.randomValue();
        this.tokens = new EhrTokens(clock);
        try {
            this.signingKey = new RSAKeyGenerator(2048).keyID("demo-ehr-1").algorithm(JWSAlgorithm.RS256).generate();
            this.independentImagingKey = new ECKeyGenerator(Curve.P_384).keyID("demo-imaging-independent-1")
                    .algorithm(JWSAlgorithm.ES384).keyUse(KeyUse.SIGNATURE).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot create the EHR's signing key", e);
        }
    }

    /**
     * Lets a developer's own SMART app launch against this EHR (see {@link RegisteredApp}); replaces
     * an earlier registration with the same client id.
     */
    public void register(RegisteredApp app) {
        apps.put(app.clientId(), app);
    }

    /** A registered app by client id (the built-in viewer is not one: its rules are its own). */
    Optional<RegisteredApp> app(String clientId) {
        return clientId == null ? Optional.empty() : Optional.ofNullable(apps.get(clientId));
    }

    /** Adds the EHR's servlets to {@code context} below {@code mountPath} (e.g. {@code /demo-ehr}). */
    public void mount(ServletContextHandler context) {
        // Apps on other origins call the token endpoint and the FHIR server from the browser.
        FilterHolder cors = new FilterHolder(new EhrCorsFilter());
        context.addFilter(cors, mountPath + "/auth/token", EnumSet.of(DispatcherType.REQUEST));
        context.addFilter(cors, mountPath + "/fhir/*", EnumSet.of(DispatcherType.REQUEST));
        context.addServlet(new ServletHolder("ehr-auth", new EhrAuthorizationServlet(this)), mountPath + "/auth/*");
        context.addServlet(new ServletHolder("ehr-smart-configuration", new SmartConfigurationServlet(this)),
                mountPath + "/fhir/.well-known/*");
        context.addServlet(new ServletHolder("ehr-fhir", new EhrFhirServer(tokens)), mountPath + "/fhir/*");
    }

    public String mountPath() {
        return mountPath;
    }

    /** The FHIR base as reached at {@code origin} (e.g. {@code http://127.0.0.1:8080}). */
    public String fhirBaseUrl(String origin) {
        return origin + mountPath + "/fhir";
    }

    String authBaseUrl(String origin) {
        return origin + mountPath + "/auth";
    }

    /** {@code scheme://host:port} of a request, as the client wrote it. */
    static final Set<String> LOOPBACK_HOSTS = Set.of("localhost", "127.0.0.1", "[::1]");

    /**
     * The origins this EHR trusts as its own for {@code redirect_uri}, {@code aud} and CORS: a
     * loopback name with the port the request really came in on (the socket's, not the
     * {@code Host} header's). The demo runs on a developer's machine; nothing else is its own.
     */
    static Set<String> ownOrigins(HttpServletRequest request) {
        Set<String> origins = new java.util.LinkedHashSet<>();
        for (String host : LOOPBACK_HOSTS) {
            origins.add(request.getScheme() + "://" + host + ":" + request.getLocalPort());
        }
        return origins;
    }

    /** Whether {@code origin} is a loopback origin (any port): the demo's pages and apps registered to run beside it. */
    static boolean loopbackOrigin(String origin) {
        try {
            URI uri = new URI(origin);
            String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(java.util.Locale.ROOT);
            return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getRawUserInfo() == null
                    && (uri.getRawPath() == null || uri.getRawPath().isEmpty()) && LOOPBACK_HOSTS.contains(host);
        } catch (java.net.URISyntaxException e) {
            return false;
        }
    }

    static String origin(HttpServletRequest request) {
        return request.getScheme() + "://" + request.getServerName() + ":" + request.getServerPort();
    }

    /** The secret the imaging server authenticates with (random per process). */
    public String imagingClientSecret() {
        return imagingClientSecret;
    }

    /** The token store, for tests and the admin hook. */
    public EhrTokens tokens() {
        return tokens;
    }

    RSAKey signingKey() {
        return signingKey;
    }

    /** The {@code authorization} section of an imaging config that trusts this EHR, reached at {@code origin}. */
    public String imagingAuthorizationJson(String origin) {
        return """
                {"type": "smart-on-fhir", "fhirBaseUrl": "%s", "scope": "system/Patient.read",
                 "client": {"client_id": "%s", "client_secret": "%s"},
                 "introspectionCacheSeconds": 5}"""
                .formatted(fhirBaseUrl(origin), IMAGING_CLIENT_ID, imagingClientSecret);
    }

    /**
     * Registers an imaging server in independent mode: a confidential client that authenticates
     * with {@code private_key_jwt} (this public key), signs users in with OpenID Connect
     * ({@code prompt=none} allowed), has its code sent to {@code /{key}/oauth/ehr-callback} on this
     * server, and may fetch a backend token ({@code system/Patient.read}).
     */
    public void registerKeyClient(String clientId, JWK publicKey) {
        if (publicKey.isPrivate()) {
            throw new IllegalArgumentException("register the public key only");
        }
        keyClients.put(clientId, publicKey);
    }

    Optional<JWK> keyClient(String clientId) {
        return clientId == null ? Optional.empty() : Optional.ofNullable(keyClients.get(clientId));
    }

    /**
     * The {@code authorization} section of the {@code ehr-independent} imaging config: the imaging
     * server as its own authorization server, signing users in here; {@code clientsJson} is its
     * app registry ({@code authorization.clients}).
     */
    public String independentAuthorizationJson(String origin, String clientsJson) {
        registerKeyClient(INDEPENDENT_IMAGING_CLIENT_ID, independentImagingKey.toPublicJWK());
        return """
                {"type": "smart-on-fhir-independent", "fhirBaseUrl": "%s", "scope": "system/Patient.read",
                 "client": {"client_id": "%s", "jwk": %s, "jwkPrivate": %s},
                 "clients": %s}"""
                .formatted(fhirBaseUrl(origin), INDEPENDENT_IMAGING_CLIENT_ID, independentImagingKey.toPublicJWK().toJSONString(),
                        independentImagingKey.toJSONString(), clientsJson);
    }

    /** {@code {fhir base}/.well-known/smart-configuration} (SMART App Launch 2.x, section 2.0.x). */
    Map<String, Object> smartConfiguration(String origin) {
        String fhirBase = fhirBaseUrl(origin);
        String auth = authBaseUrl(origin);
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("issuer", fhirBase);
        c.put("jwks_uri", auth + "/jwks");
        c.put("authorization_endpoint", auth + "/authorize");
        c.put("token_endpoint", auth + "/token");
        c.put("introspection_endpoint", auth + "/introspect");
        c.put("revocation_endpoint", auth + "/revoke");
        c.put("grant_types_supported", List.of("authorization_code", "client_credentials"));
        c.put("response_types_supported", List.of("code"));
        c.put("token_endpoint_auth_methods_supported", List.of("none", "client_secret_basic", "client_secret_post", "private_key_jwt"));
        c.put("token_endpoint_auth_signing_alg_values_supported", List.of("ES384", "RS384"));
        c.put("scopes_supported", List.of("openid", "fhirUser", "launch/patient", "patient/*.read", "patient/*.rs",
                "patient/Patient.read", "patient/Patient.rs", "patient/ImagingStudy.read", "patient/ImagingStudy.rs",
                "system/Patient.read", "system/Patient.rs"));
        c.put("id_token_signing_alg_values_supported", List.of("RS256"));
        c.put("code_challenge_methods_supported", List.of("S256"));
        c.put("capabilities", List.of("launch-standalone", "client-public", "client-confidential-symmetric",
                "context-standalone-patient", "permission-patient", "permission-v1", "permission-v2", "sso-openid-connect"));
        c.put("associated_endpoints", List.of(Map.of("url", origin + imagingFhirPath, "capabilities", List.of("smart-imaging-access"))));
        return c;
    }
}
