package org.smartimaging.engine;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.smartimaging.spi.ResponseBody;

/**
 * Cross-origin access for browser apps (DESIGN.md section 5). Tokens travel in the
 * {@code Authorization} header, never in cookies, so admitting any origin exposes nothing a page
 * could not already send; a host may still narrow it to an allow-list
 * ({@link ServerOptions.Builder#corsAllowedOrigins}). Preflights are answered here, before any
 * route or authorization: a preflight carries no token by design, and every real request is still
 * checked in full.
 */
final class Cors {

    static final String ALLOWED_METHODS = "GET, HEAD, OPTIONS";
    static final String EXPOSED_HEADERS = "Retry-After, WWW-Authenticate, Content-Location, Content-Length, ETag, Warning";
    /** Chromium caps preflight caching at two hours; longer values are cut to that anyway. */
    static final int MAX_AGE_SECONDS = 7200;

    private static final Set<String> ALWAYS_ALLOWED_HEADERS = Set.of("authorization", "accept", "if-none-match",
            "cache-control");
    private static final Pattern HEADER_NAME = Pattern.compile("[A-Za-z0-9-]{1,64}");
    private static final int MAX_REQUESTED_HEADERS = 16;

    /** Empty: any origin; otherwise the origins admitted, lower case. */
    private final Optional<Set<String>> allowedOrigins;

    Cors(Optional<Set<String>> allowedOrigins) {
        this.allowedOrigins = allowedOrigins.map(origins -> {
            Set<String> lower = new LinkedHashSet<>();
            origins.forEach(origin -> lower.add(normalise(origin)));
            return Set.copyOf(lower);
        });
    }

    static boolean isPreflight(ImagingRequest request) {
        return request.method().equals("OPTIONS");
    }

    /**
     * The answer to {@code OPTIONS}: 204 with what a cross-origin request may use. An origin outside
     * the allow-list gets no {@code Access-Control-*} header, which the browser reads as a refusal.
     */
    ImagingResponse preflight(ImagingRequest request) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Allow", ALLOWED_METHODS);
        String origin = request.header().apply("Origin");
        if (admits(origin)) {
            headers.put("Access-Control-Allow-Origin", origin);
            headers.put("Access-Control-Allow-Methods", ALLOWED_METHODS);
            headers.put("Access-Control-Allow-Headers", allowedHeaders(request.header().apply("Access-Control-Request-Headers")));
            headers.put("Access-Control-Max-Age", Integer.toString(MAX_AGE_SECONDS));
        }
        headers.put("Vary", "Origin, Access-Control-Request-Headers");
        headers.put("Cache-Control", "no-store");
        return new ImagingResponse(204, headers, ResponseBody.ofBytes("text/plain", new byte[0]));
    }

    /** Adds the headers of a real (non-preflight) answer. */
    ImagingResponse decorate(ImagingRequest request, ImagingResponse response) {
        String origin = request.header().apply("Origin");
        ImagingResponse decorated = response.withHeader("Vary", vary(response.headers().get("Vary")));
        if (admits(origin)) {
            decorated = decorated.withHeader("Access-Control-Allow-Origin", origin)
                    .withHeader("Access-Control-Expose-Headers", EXPOSED_HEADERS);
        }
        return decorated;
    }

    private boolean admits(String origin) {
        if (origin == null || origin.isBlank() || origin.length() > 256) {
            return false;
        }
        return allowedOrigins.map(origins -> origins.contains(normalise(origin))).orElse(true);
    }

    /**
     * {@code Authorization}, {@code Accept} and what the request asks for, within reason: plain
     * header names only, at most a handful, so the answer never echoes arbitrary text.
     */
    private static String allowedHeaders(String requested) {
        Set<String> names = new LinkedHashSet<>(List.of("Authorization", "Accept", "If-None-Match", "Cache-Control"));
        if (requested != null) {
            int count = 0;
            for (String name : requested.split(",")) {
                String trimmed = name.strip();
                if (HEADER_NAME.matcher(trimmed).matches() && !ALWAYS_ALLOWED_HEADERS.contains(trimmed.toLowerCase(Locale.ROOT))
                        && count++ < MAX_REQUESTED_HEADERS) {
                    names.add(trimmed);
                }
            }
        }
        return String.join(", ", names);
    }

    private static String vary(String existing) {
        if (existing == null || existing.isBlank()) {
            return "Origin";
        }
        return existing.toLowerCase(Locale.ROOT).contains("origin") ? existing : existing + ", Origin";
    }

    private static String normalise(String origin) {
        String lower = origin.strip().toLowerCase(Locale.ROOT);
        return lower.endsWith("/") ? lower.substring(0, lower.length() - 1) : lower;
    }
}
