package org.smartimaging.engine;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.smartimaging.spi.ResponseBody;

/**
 * Makes DICOM answers cacheable by the client that asked (DESIGN.md section 6): an {@code ETag},
 * {@code Cache-Control: private, max-age} no longer than the capability lives, and {@code 304} to
 * an {@code If-None-Match} that names it. Runs only after the request passed every check, so a
 * {@code 304} never tells an unauthorised client anything.
 *
 * <p>An answer is cacheable when its source vouches for the content ({@link ResponseBody#entityTag()})
 * or when it is below one SOP instance, whose UID names content that never changes (PS3.3 C.12.1.1.1).
 * A study or series without a validator can gain instances, so it stays {@code no-store}.
 */
final class Caching {

    /** Even a long-lived capability is revalidated daily. */
    static final Duration MAX_AGE = Duration.ofDays(1);

    private Caching() {}

    /**
     * @param immutable whether the request names one SOP instance
     * @param until when the capability (and the access token, if bound) expires
     */
    static ImagingResponse apply(ImagingResponse response, ImagingRequest request, boolean immutable, Instant until, Instant now) {
        ResponseBody body = response.body();
        String validator = body.entityTag();
        if (response.status() != 200 || (validator == null && !immutable)) {
            return response;
        }
        String etag = "W/\"" + digest(validator, request, body.contentType()) + "\"";
        long maxAge = Math.max(0, Math.min(MAX_AGE.toSeconds(), Duration.between(now, until).toSeconds()));
        Map<String, String> headers = new LinkedHashMap<>(response.headers());
        headers.put("ETag", etag);
        headers.put("Cache-Control", "private, max-age=" + maxAge);
        headers.put("Vary", "Accept");
        if (matches(request.header().apply("If-None-Match"), etag)) {
            try {
                body.close();
            } catch (java.io.IOException e) {
                // nothing was sent from it; closing only frees its resources
            }
            return new ImagingResponse(304, headers, NotModifiedBody.INSTANCE);
        }
        return new ImagingResponse(response.status(), headers, body);
    }

    /** Weak comparison (RFC 9110 13.1.2): a multipart boundary differs between answers, the content not. */
    static boolean matches(String ifNoneMatch, String etag) {
        if (ifNoneMatch == null || ifNoneMatch.length() > 8192) {
            return false;
        }
        String opaque = opaque(etag);
        for (String candidate : ifNoneMatch.split(",")) {
            String trimmed = candidate.strip();
            if (trimmed.equals("*") || opaque(trimmed).equals(opaque)) {
                return true;
            }
        }
        return false;
    }

    private static String opaque(String tag) {
        return tag.startsWith("W/") ? tag.substring(2) : tag;
    }

    /** The representation: what the source vouches for, the path, what was asked and how it is sent. */
    private static String digest(String validator, ImagingRequest request, String contentType) {
        StringBuilder text = new StringBuilder();
        text.append(validator == null ? "" : validator).append('\n').append(request.rawPath()).append('\n')
                .append(nullToEmpty(request.header().apply("Accept"))).append('\n')
                .append(withoutBoundary(contentType)).append('\n');
        new TreeMap<>(request.query()).forEach((name, values) -> text.append(name).append('=').append(String.join(",", values))
                .append('&'));
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(text.toString().getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(hash).substring(0, 27);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private static String withoutBoundary(String contentType) {
        if (contentType == null) {
            return "";
        }
        return String.join(";", List.of(contentType.split(";")).stream()
                .filter(parameter -> !parameter.strip().toLowerCase(java.util.Locale.ROOT).startsWith("boundary=")).toList());
    }

    private static String nullToEmpty(String text) {
        return text == null ? "" : text;
    }

    /** The empty body of a 304: no content type, no length, nothing to write. */
    private enum NotModifiedBody implements ResponseBody {
        INSTANCE;

        @Override
        public int status() {
            return 304;
        }

        @Override
        public String contentType() {
            return null;
        }

        @Override
        public void writeTo(java.io.OutputStream out) {
            // a 304 has no body
        }
    }
}
