package org.smartimaging.engine;

import java.util.regex.Pattern;
import org.smartimaging.spi.ImagingException;

/** Reads the access token from an {@code Authorization} header (RFC 6750 section 2.1). */
final class BearerToken {

    /** RFC 6750 b64token, bounded so a huge header is refused before anyone parses it. */
    private static final Pattern B64TOKEN = Pattern.compile("[A-Za-z0-9\\-._~+/]+=*");
    static final int MAX_TOKEN_LENGTH = 8192;

    private BearerToken() {}

    /**
     * @return the token, or {@code null} when there is no {@code Authorization} header
     * @throws ImagingException.Unauthorized when the header is not a well-formed bearer token
     */
    static String from(String authorizationHeader) {
        if (authorizationHeader == null) {
            return null;
        }
        String header = authorizationHeader.strip();
        if (header.indexOf(',') >= 0) {
            // Two Authorization lines arrive combined with a comma; no bearer token contains one.
            throw new ImagingException.BadRequest("Send one Authorization header with one credential");
        }
        if (header.length() < 7 || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new ImagingException.Unauthorized("invalid_request", "The Authorization header must be 'Bearer <token>'");
        }
        String token = header.substring(7).strip();
        if (token.isEmpty() || token.length() > MAX_TOKEN_LENGTH || !B64TOKEN.matcher(token).matches()) {
            throw new ImagingException.Unauthorized("invalid_request", "The bearer token is malformed");
        }
        return token;
    }
}
