package org.smartimaging.testkit;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.assertj.core.api.Assertions;

/** The parts of a {@code multipart/related} body (RFC 2046), each with its Content-Type. */
final class Parts {

    record Part(String contentType, byte[] body) {}

    private static final Pattern BOUNDARY = Pattern.compile("boundary=(\"([^\"]+)\"|([^;\\s]+))", Pattern.CASE_INSENSITIVE);

    static List<Part> of(String contentType, byte[] body) {
        Matcher m = BOUNDARY.matcher(contentType);
        if (!contentType.toLowerCase(Locale.ROOT).startsWith("multipart/related") || !m.find()) {
            Assertions.fail("Expected multipart/related with a boundary, got " + contentType);
        }
        String boundary = m.group(2) != null ? m.group(2) : m.group(3);
        byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.US_ASCII);
        byte[] nextDelimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.US_ASCII);
        byte[] headerEnd = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        List<Part> parts = new ArrayList<>();
        int at = find(body, delimiter, 0);
        while (at >= 0) {
            int after = at + delimiter.length;
            if (after + 1 < body.length && body[after] == '-' && body[after + 1] == '-') {
                return parts;
            }
            int headersEnd = find(body, headerEnd, after);
            Assertions.assertThat(headersEnd).as("part headers end").isNotNegative();
            int next = find(body, nextDelimiter, headersEnd + 4);
            Assertions.assertThat(next).as("a closing boundary").isNotNegative();
            String headers = new String(body, after, headersEnd - after, StandardCharsets.ISO_8859_1);
            parts.add(new Part(header(headers, "content-type"), Arrays.copyOfRange(body, headersEnd + 4, next)));
            at = next + 2;
        }
        return Assertions.fail("No closing boundary in the multipart body");
    }

    private static String header(String headers, String name) {
        for (String line : headers.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                return line.substring(colon + 1).trim();
            }
        }
        return null;
    }

    private static int find(byte[] haystack, byte[] needle, int from) {
        outer:
        for (int i = Math.max(0, from); i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private Parts() {}
}
