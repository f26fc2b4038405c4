package org.smartimaging.engine;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * One HTTP request as the engine sees it, independent of any server API.
 *
 * @param method the HTTP method
 * @param rawPath the path below the engine's mount point, still percent-encoded (e.g.
 *     {@code /open/fhir/ImagingStudy}); the engine decides what encodings it accepts
 * @param query the decoded query parameters, in order
 * @param header looks up a request header by case-insensitive name; {@code null} when absent
 * @param baseUrl the absolute URL of the mount point as the client reached it (e.g.
 *     {@code https://imaging.example.org/api}), without a trailing slash
 * @param form the decoded {@code application/x-www-form-urlencoded} body of a POST (at most
 *     {@link #MAX_FORM_BYTES}), empty for other requests; only the {@code {key}/oauth/} routes read it
 */
public record ImagingRequest(String method, String rawPath, Map<String, List<String>> query, UnaryOperator<String> header,
        String baseUrl, Map<String, List<String>> form) {

    /** The largest form body a transport should read; OAuth requests are far smaller. */
    public static final int MAX_FORM_BYTES = 64 * 1024;

    public ImagingRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(rawPath, "rawPath");
        Objects.requireNonNull(header, "header");
        Objects.requireNonNull(baseUrl, "baseUrl");
        query = Map.copyOf(query);
        form = Map.copyOf(form);
        baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    }

    /** A request without a form body. */
    public ImagingRequest(String method, String rawPath, Map<String, List<String>> query, UnaryOperator<String> header,
            String baseUrl) {
        this(method, rawPath, query, header, baseUrl, Map.of());
    }

    /**
     * Decodes {@code application/x-www-form-urlencoded} text (a form body or a query string).
     *
     * @throws IllegalArgumentException when an escape is malformed
     */
    public static Map<String, List<String>> decodeForm(String text) {
        Map<String, List<String>> fields = new LinkedHashMap<>();
        if (text == null || text.isEmpty()) {
            return fields;
        }
        for (String pair : text.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            fields.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }
        return fields;
    }

    public static ImagingRequest get(String rawPath, Map<String, List<String>> query, Map<String, String> headers, String baseUrl) {
        return new ImagingRequest("GET", rawPath, query, name -> headers.entrySet().stream()
                .filter(e -> e.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue).findFirst().orElse(null), baseUrl);
    }

    public List<String> queryValues(String name) {
        return query.getOrDefault(name, List.of());
    }
}
