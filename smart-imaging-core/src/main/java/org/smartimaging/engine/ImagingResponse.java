package org.smartimaging.engine;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.smartimaging.spi.ResponseBody;

/**
 * The engine's answer: status, headers and a body the transport streams and then closes.
 *
 * @param headers extra headers (e.g. {@code WWW-Authenticate}, {@code Retry-After}); the content
 *     type and length come from the body
 */
public record ImagingResponse(int status, Map<String, String> headers, ResponseBody body) {

    public ImagingResponse {
        headers = Map.copyOf(headers);
    }

    public static ImagingResponse of(ResponseBody body) {
        return new ImagingResponse(body.status(), body.headers(), body);
    }

    public static ImagingResponse text(int status, String contentType, String text, Map<String, String> headers) {
        return new ImagingResponse(status, headers, ResponseBody.ofBytes(contentType, text.getBytes(StandardCharsets.UTF_8)));
    }

    public ImagingResponse withHeader(String name, String value) {
        Map<String, String> more = new LinkedHashMap<>(headers);
        more.put(name, value);
        return new ImagingResponse(status, more, body);
    }
}
