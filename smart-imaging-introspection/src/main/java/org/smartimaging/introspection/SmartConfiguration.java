package org.smartimaging.introspection;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import net.minidev.json.JSONObject;
import org.smartimaging.spi.ImagingException;

/**
 * An EHR's {@code .well-known/smart-configuration} as this module uses it: the endpoints it calls
 * and the entries an app needs, which the imaging server repeats in its own discovery document.
 *
 * @param tokenEndpoint where backend tokens are fetched
 * @param introspectionEndpoint where app tokens are introspected, or {@code null} when not listed
 * @param forApps the entries the imaging server passes on to apps
 * @param fetchedAt when it was read
 */
record SmartConfiguration(URI tokenEndpoint, URI introspectionEndpoint, Map<String, Object> forApps, Instant fetchedAt) {

    /** The entries repeated to apps; the introspection endpoint is the imaging server's business only. */
    static final List<String> FOR_APPS = List.of(
            "issuer",
            "jwks_uri",
            "authorization_endpoint",
            "token_endpoint",
            "token_endpoint_auth_methods_supported",
            "token_endpoint_auth_signing_alg_values_supported",
            "grant_types_supported",
            "registration_endpoint",
            "scopes_supported",
            "response_types_supported",
            "management_endpoint",
            "revocation_endpoint",
            "capabilities",
            "code_challenge_methods_supported");

    SmartConfiguration {
        Objects.requireNonNull(tokenEndpoint, "tokenEndpoint");
        forApps = Collections.unmodifiableMap(new LinkedHashMap<>(forApps));
    }

    /** @throws ImagingException.UpstreamFailure when the document lacks what every variant needs */
    static SmartConfiguration parse(JSONObject json, Instant fetchedAt) {
        URI token = endpoint(json, "token_endpoint");
        if (token == null) {
            throw new ImagingException.UpstreamFailure("The EHR's smart-configuration has no token_endpoint");
        }
        Map<String, Object> forApps = new LinkedHashMap<>();
        for (String key : FOR_APPS) {
            Object value = json.get(key);
            if (value != null) {
                forApps.put(key, value);
            }
        }
        return new SmartConfiguration(token, endpoint(json, "introspection_endpoint"), forApps, fetchedAt);
    }

    private static URI endpoint(JSONObject json, String key) {
        Object value = json.get(key);
        if (value == null) {
            return null;
        }
        try {
            URI uri = new URI(value.toString());
            if (!uri.isAbsolute() || uri.getHost() == null
                    || !("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()))) {
                throw new ImagingException.UpstreamFailure("The EHR's smart-configuration has an invalid " + key);
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new ImagingException.UpstreamFailure("The EHR's smart-configuration has an invalid " + key);
        }
    }
}
