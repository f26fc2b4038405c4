package org.smartimaging.engine;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Which hosts the engine answers for, and the base its absolute URLs start with. A client's
 * {@code Host} header is never trusted alone: it must name a configured host, so neither a forged
 * header nor a DNS-rebinding page (whose requests name the attacker's host) gets an answer or a
 * URL on a host it chose.
 */
final class HostCheck {

    static final Set<String> LOOPBACK = Set.of("localhost", "127.0.0.1", "::1");

    private final String publicBaseUrl;
    private final Set<String> hosts;

    HostCheck(ServerOptions options) {
        this.publicBaseUrl = options.publicBaseUrl();
        Set<String> admitted = new HashSet<>(options.allowedHosts());
        if (publicBaseUrl != null) {
            admitted.add(normalise(URI.create(publicBaseUrl).getHost()));
        }
        this.hosts = admitted.isEmpty() ? LOOPBACK : Set.copyOf(admitted);
    }

    /**
     * @return the request with the base its absolute URLs must use, or {@code null} when the
     *     request names a host this engine does not answer for
     */
    ImagingRequest admit(ImagingRequest request) {
        String host = hostOf(request.baseUrl());
        if (host == null || !hosts.contains(host)) {
            return null;
        }
        if (publicBaseUrl == null) {
            return request;
        }
        return new ImagingRequest(request.method(), request.rawPath(), request.query(), request.header(), publicBaseUrl);
    }

    private static String hostOf(String baseUrl) {
        try {
            String host = new URI(baseUrl).getHost();
            return host == null ? null : normalise(host);
        } catch (URISyntaxException e) {
            return null;
        }
    }

    /** Lower case, no IPv6 brackets, no trailing dot (a fully qualified name is the same host). */
    static String normalise(String host) {
        String h = host.strip().toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
    }

    static String validBase(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("The public base URL is not a URL: " + url);
        }
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null
                || uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException(
                    "The public base URL must be an absolute http(s) URL without user info, query or fragment: " + url);
        }
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
