package org.smartimaging.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.smartimaging.spi.ResponseBody;

/** Reads what the engine and sources answer, for assertions (tests only: the SDK itself never buffers). */
public final class Bodies {

    private Bodies() {}

    /** The whole body; the body is closed afterwards, as a transport would. */
    public static byte[] read(ResponseBody body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (body) {
            body.writeTo(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Every {@code address} in a FHIR JSON tree: the WADO bases of the Endpoints in a search Bundle. */
    public static List<String> endpointAddresses(JsonNode node) {
        List<String> found = new ArrayList<>();
        if (node.isObject()) {
            if (node.has("address")) {
                found.add(node.get("address").asText());
            }
            node.forEach(child -> found.addAll(endpointAddresses(child)));
        } else if (node.isArray()) {
            node.forEach(child -> found.addAll(endpointAddresses(child)));
        }
        return found;
    }
}
