package org.smartimaging.engine;

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
 */
public record ImagingRequest(
        String method, String rawPath, Map<String, List<String>> query, UnaryOperator<String> header, String baseUrl) {

    public ImagingRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(rawPath, "rawPath");
        Objects.requireNonNull(header, "header");
        Objects.requireNonNull(baseUrl, "baseUrl");
        query = Map.copyOf(query);
        baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    }

    public static ImagingRequest get(String rawPath, Map<String, List<String>> query, Map<String, String> headers, String baseUrl) {
        return new ImagingRequest("GET", rawPath, query, name -> headers.entrySet().stream()
                .filter(e -> e.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue).findFirst().orElse(null), baseUrl);
    }

    public List<String> queryValues(String name) {
        return query.getOrDefault(name, List.of());
    }
}
