package org.smartimaging.introspection;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.ParseException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Objects;
import org.smartimaging.spi.ConfigSection;
import org.smartimaging.spi.HostEnvironment;

/**
 * The {@code authorization} section of a {@code smart-on-fhir*} configuration, read and checked
 * once. Field names are the reference stack's; {@code allowBackendServices},
 * {@code introspectionCacheSeconds} and {@code timeoutSeconds} are ours and optional.
 *
 * @param variant which EHR's behaviour to expect
 * @param fhirBaseUrl the EHR's FHIR base, without a trailing slash
 * @param scope the scope of the imaging server's own backend-services token
 * @param client how the imaging server authenticates at the EHR
 * @param allowBackendServices whether a token without patient context is granted (as a grant
 *     without patient) instead of refused with 403
 * @param introspectionCacheTtl the longest an active introspection answer is reused
 * @param timeout connect and read timeout of every request to the EHR
 */
record SmartOnFhirSettings(
        SmartOnFhirVariant variant,
        URI fhirBaseUrl,
        String scope,
        ClientCredentials client,
        boolean allowBackendServices,
        Duration introspectionCacheTtl,
        Duration timeout) {

    static final long DEFAULT_CACHE_SECONDS = 300;
    static final long DEFAULT_TIMEOUT_SECONDS = 10;

    SmartOnFhirSettings {
        Objects.requireNonNull(variant, "variant");
        Objects.requireNonNull(fhirBaseUrl, "fhirBaseUrl");
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(client, "client");
    }

    /** How the imaging server authenticates itself at the EHR's token (and Meditech introspection) endpoint. */
    sealed interface ClientCredentials permits PrivateKeyClient, SecretClient {
        String clientId();
    }

    /** {@code private_key_jwt} (SMART Backend Services) with an ES384 or RS384 key. */
    record PrivateKeyClient(String clientId, JWK privateKey, JWSAlgorithm algorithm, String keyId)
            implements ClientCredentials {
        @Override
        public String toString() {
            return "PrivateKeyClient[" + clientId + ", " + algorithm + ", kid=" + keyId + "]";
        }
    }

    /** A client secret (HTTP Basic at the token endpoint; Meditech also at introspection). */
    record SecretClient(String clientId, String secret) implements ClientCredentials {
        @Override
        public String toString() {
            return "SecretClient[" + clientId + "]";
        }
    }

    static SmartOnFhirSettings read(ConfigSection authorization, SmartOnFhirVariant variant, HostEnvironment environment) {
        // Read by the engine, listed here so that this reader alone accepts a complete section.
        authorization.markUsed("type", "disableAuthzChecks");

        URI base = authorization.requireUri("fhirBaseUrl");
        if (!"https".equals(base.getScheme()) && !"http".equals(base.getScheme())) {
            throw authorization.invalid("fhirBaseUrl", "must be an http or https URL");
        }
        environment.upstreamPolicy().check(base);
        String scope = authorization.requireString("scope");
        ConfigSection clientSection = authorization.optionalSection("client")
                .orElseThrow(() -> authorization.invalid("client", "is required"));
        ClientCredentials client = readClient(clientSection, variant);
        clientSection.rejectUnusedFields();

        boolean allowBackendServices = authorization.optionalBoolean("allowBackendServices", false);
        long cacheSeconds = authorization.optionalLong("introspectionCacheSeconds", DEFAULT_CACHE_SECONDS, 0, 86_400);
        long timeoutSeconds = authorization.optionalLong("timeoutSeconds", DEFAULT_TIMEOUT_SECONDS, 1, 120);
        return new SmartOnFhirSettings(
                variant,
                withoutTrailingSlash(base),
                scope,
                client,
                allowBackendServices,
                Duration.ofSeconds(cacheSeconds),
                Duration.ofSeconds(timeoutSeconds));
    }

    private static ClientCredentials readClient(ConfigSection client, SmartOnFhirVariant variant) {
        String clientId = client.requireString("client_id");
        boolean hasKey = client.has("jwkPrivate");
        boolean hasPublic = client.has("jwk");
        var secret = client.optionalString("client_secret");
        if (variant == SmartOnFhirVariant.MEDITECH && secret.isEmpty()) {
            throw client.invalid("client_secret", "is required for " + variant.type() + " (HTTP Basic introspection)");
        }
        if (secret.isPresent() && (variant == SmartOnFhirVariant.MEDITECH || !hasKey)) {
            // Meditech uses the secret for introspection and the backend token alike; keys, if
            // present, are accepted (reference configs carry them) but not needed.
            client.optionalJson("jwk");
            client.optionalJson("jwkPrivate");
            return new SecretClient(clientId, secret.get());
        }
        if (!hasKey) {
            throw client.invalid("jwkPrivate", "is required (or client_secret)");
        }
        JWK privateKey = parseJwk(client, "jwkPrivate");
        if (!privateKey.isPrivate()) {
            throw client.invalid("jwkPrivate", "must be a private key");
        }
        JWK publicKey = hasPublic ? parseJwk(client, "jwk") : null;
        JWSAlgorithm algorithm = algorithmOf(client, publicKey, privateKey);
        String keyId = publicKey != null && publicKey.getKeyID() != null ? publicKey.getKeyID() : privateKey.getKeyID();
        if (keyId == null) {
            throw client.invalid("jwk", "needs a kid");
        }
        if (publicKey != null && !sameKey(publicKey, privateKey)) {
            throw client.invalid("jwk", "is not the public half of jwkPrivate");
        }
        return new PrivateKeyClient(clientId, privateKey, algorithm, keyId);
    }

    private static JWSAlgorithm algorithmOf(ConfigSection client, JWK publicKey, JWK privateKey) {
        var alg = publicKey != null && publicKey.getAlgorithm() != null ? publicKey.getAlgorithm() : privateKey.getAlgorithm();
        if (alg == null) {
            throw client.invalid("jwk", "needs an alg (ES384 or RS384)");
        }
        JWSAlgorithm algorithm = JWSAlgorithm.parse(alg.getName());
        if (JWSAlgorithm.ES384.equals(algorithm) && privateKey instanceof ECKey ec
                && Curve.P_384.equals(ec.getCurve())) {
            return algorithm;
        }
        if (JWSAlgorithm.RS384.equals(algorithm) && privateKey instanceof RSAKey) {
            return algorithm;
        }
        throw client.invalid("jwk", "alg must be ES384 (EC P-384 key) or RS384 (RSA key), matching jwkPrivate");
    }

    private static boolean sameKey(JWK publicKey, JWK privateKey) {
        try {
            return publicKey.computeThumbprint().equals(privateKey.computeThumbprint());
        } catch (JOSEException e) {
            return false;
        }
    }

    private static JWK parseJwk(ConfigSection client, String field) {
        JsonNode json = client.optionalJson(field).orElseThrow(() -> client.invalid(field, "is required"));
        if (!json.isObject()) {
            throw client.invalid(field, "must be a JWK object");
        }
        try {
            return JWK.parse(json.toString());
        } catch (ParseException e) {
            throw client.invalid(field, "is not a valid JWK");
        }
    }

    private static URI withoutTrailingSlash(URI uri) {
        String text = uri.toString();
        return text.endsWith("/") ? URI.create(text.substring(0, text.length() - 1)) : uri;
    }

    static String sha256(String text) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
