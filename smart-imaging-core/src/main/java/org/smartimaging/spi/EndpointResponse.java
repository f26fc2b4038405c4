package org.smartimaging.spi;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The answer of an {@link AuthorizationEndpoints} path: status, headers (e.g. {@code Location},
 * {@code Set-Cookie}, {@code Content-Security-Policy}) and an optional small body.
 *
 * @param body the body, or {@code null} for none
 */
public record EndpointResponse(int status, Map<String, String> headers, ResponseBody body) {

    public EndpointResponse {
        headers = Map.copyOf(headers);
    }

    /** 404 with no body: the engine turns it into its usual not-found answer. */
    public static EndpointResponse notFound() {
        return new EndpointResponse(404, Map.of(), null);
    }

    /** 302 to {@code location}, never cached. */
    public static EndpointResponse redirect(String location) {
        return new EndpointResponse(302, Map.of("Location", location, "Cache-Control", "no-store"), null);
    }

    public static EndpointResponse of(int status, String contentType, String text, Map<String, String> headers) {
        Map<String, String> all = new LinkedHashMap<>(headers);
        all.putIfAbsent("Cache-Control", "no-store");
        return new EndpointResponse(status, all, ResponseBody.ofBytes(contentType, text.getBytes(StandardCharsets.UTF_8)));
    }

    public EndpointResponse withHeader(String name, String value) {
        Map<String, String> more = new LinkedHashMap<>(headers);
        more.put(name, value);
        return new EndpointResponse(status, more, body);
    }
}
