package org.smartimaging.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.smartimaging.testing.Bodies;

/** Drives an {@link ImagingEngine} the way a transport would, and reads its answers. */
final class EngineFixture {

    static final String BASE = "http://localhost/api";
    static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final ObjectMapper JSON = new ObjectMapper();

    record Answer(int status, Map<String, String> headers, String contentType, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        String header(String name) {
            return headers.get(name);
        }
    }

    static Answer get(ImagingEngine engine, String pathAndQuery, String bearer) {
        return get(engine, pathAndQuery, bearer == null ? Map.of() : Map.of("Authorization", "Bearer " + bearer));
    }

    static Answer get(ImagingEngine engine, String pathAndQuery, Map<String, String> headers) {
        String path = pathAndQuery.startsWith(BASE) ? pathAndQuery.substring(BASE.length()) : pathAndQuery;
        int q = path.indexOf('?');
        Map<String, List<String>> query = new LinkedHashMap<>();
        if (q >= 0) {
            for (String pair : path.substring(q + 1).split("&")) {
                String[] kv = pair.split("=", 2);
                String key = java.net.URLDecoder.decode(kv[0], StandardCharsets.UTF_8);
                String value = kv.length > 1 ? java.net.URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "";
                query.computeIfAbsent(key, k -> new java.util.ArrayList<>()).add(value);
            }
            path = path.substring(0, q);
        }
        ImagingResponse response = engine.handle(ImagingRequest.get(path, query, headers, BASE));
        return new Answer(response.status(), response.headers(), response.body().contentType(), Bodies.read(response.body()));
    }

    /** The path of an absolute URL the engine returned, below {@link #BASE}. */
    static String below(String url) {
        return URI.create(url).getPath().substring(URI.create(BASE).getPath().length());
    }

    private EngineFixture() {}
}
