package org.smartimaging.spi;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * A request to an {@link AuthorizationEndpoints} path, as the engine hands it over.
 *
 * @param method the HTTP method ({@code GET} or {@code POST})
 * @param path the path below {@code {key}/oauth/}, e.g. {@code authorize}
 * @param query the decoded query parameters
 * @param form the decoded {@code application/x-www-form-urlencoded} body of a POST, empty otherwise
 * @param header looks up a request header by case-insensitive name; {@code null} when absent
 * @param siteBase the absolute URL of the configuration, {@code {base}/{key}}
 */
public record EndpointRequest(String method, String path, Map<String, List<String>> query,
        Map<String, List<String>> form, UnaryOperator<String> header, String siteBase) {

    public EndpointRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(header, "header");
        Objects.requireNonNull(siteBase, "siteBase");
        query = Map.copyOf(query);
        form = Map.copyOf(form);
    }

    /** The first value of a query parameter, or {@code null}. */
    public String queryValue(String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** The first value of a form field, or {@code null}. */
    public String formValue(String name) {
        List<String> values = form.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }
}
