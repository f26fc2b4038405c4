package org.smartimaging.dicomweb;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ServiceLoader;
import org.smartimaging.spi.ConfigSection;
import org.smartimaging.spi.HostEnvironment;
import org.smartimaging.spi.ImageSource;
import org.smartimaging.spi.ImageSourceProvider;
import org.smartimaging.spi.ResponseBody;
import org.smartimaging.spi.Retrieval;
import org.smartimaging.testing.Bodies;

/** Builds sources the way the config loader does: ServiceLoader by type, then unknown fields rejected. */
final class Sources {

    static final ObjectMapper JSON = new ObjectMapper();

    private Sources() {}

    static ImageSource fromJson(String imagesJson) {
        return fromJson(imagesJson, Clock.systemUTC());
    }

    static ImageSource fromJson(String imagesJson, Clock clock) {
        ObjectNode images;
        try {
            images = (ObjectNode) JSON.readTree(imagesJson);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ConfigSection section = new ConfigSection("images", images);
        String type = section.requireString("type");
        section.markUsed("lookup", "mrn", "delay", "requiresAccessToken");
        ImageSourceProvider provider = ServiceLoader.load(ImageSourceProvider.class).stream()
                .map(ServiceLoader.Provider::get)
                .filter(candidate -> candidate.type().equals(type))
                .findFirst()
                .orElseThrow(() -> new AssertionError("No provider for " + type));
        ImageSource source = provider.create(section,
                new HostEnvironment(Path.of("."), clock, HostEnvironment.UpstreamPolicy.ALLOW_ALL, "test"));
        try {
            section.rejectUnusedFields();
        } catch (RuntimeException e) {
            source.close();
            throw e;
        }
        return source;
    }

    static String basicConfig(String endpoint, String user, String password, String extra) {
        return """
                {"type": "dicom-web", "lookup": "studies-by-mrn", "endpoint": "%s",
                 "authentication": {"type": "http-basic", "username": "%s", "password": "%s"}%s}
                """.formatted(endpoint, user, password, extra.isEmpty() ? "" : ", " + extra);
    }

    /** The body of a ready retrieval, read whole (tests only; the source itself never buffers). */
    static Body read(Retrieval retrieval) {
        ResponseBody body = ((Retrieval.Ready) retrieval).body();
        return new Body(body.status(), body.contentType(), Bodies.read(body));
    }

    record Body(int status, String contentType, byte[] bytes) {}

    static final OutputStream NULL = OutputStream.nullOutputStream();
}
