package org.smartimaging.dimse;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import org.smartimaging.spi.ConfigSection;
import org.smartimaging.spi.HostEnvironment;
import org.smartimaging.spi.ImageSource;
import org.smartimaging.spi.ImageSourceProvider;

/**
 * {@code images.type: dicom-dimse}: a PACS spoken to over DIMSE. The reference fields are
 * {@code endpoint} ({@code dimse://host:port}), {@code ae} (the archive's AE title) and
 * {@code retrieval} ({@code c-get} or {@code c-move}); ours are the SDK's AE titles, the storage port
 * for C-MOVE, the on-disk cache and the limits, each with a default (see the module README).
 */
public final class DimseImageSourceProvider implements ImageSourceProvider {

    static final String DEFAULT_CALLING_AE = "SMARTIMAGING";

    @Override
    public String type() {
        return "dicom-dimse";
    }

    @Override
    public ImageSource create(ConfigSection images, HostEnvironment environment) {
        return new DimseImageSource(read(images, environment));
    }

    static DimseSettings read(ConfigSection images, HostEnvironment environment) {
        URI endpoint = images.requireUri("endpoint");
        if (!"dimse".equalsIgnoreCase(endpoint.getScheme())) {
            throw images.invalid("endpoint", "must be dimse://host:port");
        }
        environment.upstreamPolicy().check(endpoint);
        int port = endpoint.getPort() == -1 ? 104 : endpoint.getPort();
        String ae = aeTitle(images, "ae", null);
        String callingAe = aeTitle(images, "callingAe", DEFAULT_CALLING_AE);
        String method = images.optionalString("retrieval").orElse("c-get").toLowerCase(Locale.ROOT);
        DimseSettings.RetrievalMethod retrieval = switch (method) {
            case "c-get" -> DimseSettings.RetrievalMethod.C_GET;
            case "c-move" -> DimseSettings.RetrievalMethod.C_MOVE;
            default -> throw images.invalid("retrieval", "must be c-get or c-move");
        };
        String storeAe = aeTitle(images, "storeAe", callingAe);
        long storePort = images.optionalLong("storePort").orElse(-1L);
        if (retrieval == DimseSettings.RetrievalMethod.C_MOVE && (storePort < 1 || storePort > 65535)) {
            throw images.invalid("storePort", "is required for retrieval c-move: the port of the SDK's storage SCP, 1..65535");
        }
        if (storePort != -1 && (storePort < 1 || storePort > 65535)) {
            throw images.invalid("storePort", "must be between 1 and 65535");
        }
        String key = environment.configKey() == null ? "default" : environment.configKey().replaceAll("[^A-Za-z0-9._-]", "_");
        if (key.length() > 64) {
            key = key.substring(0, 64);
        }
        Path cache = environment.dataDirectory()
                .resolve(images.optionalString("cacheDirectory").orElse("dimse-cache/" + key)).normalize();
        environment.upstreamPolicy().check(cache.toUri());
        long cacheMaxBytes = images.optionalLong("cacheMaxBytes", 2L << 30, 1L << 20, Long.MAX_VALUE);
        long connect = images.optionalLong("connectTimeoutSeconds", 10, 1, 300);
        long idle = images.optionalLong("idleTimeoutSeconds", 60, 1, 3600);
        long retrieve = images.optionalLong("retrieveTimeoutSeconds", 600, 1, 86_400);
        long maxAssociations = images.optionalLong("maxAssociations", 4, 1, 64);
        long maxFindResults = images.optionalLong("maxFindResults", 1000, 1, 100_000);
        long maxPdu = images.optionalLong("maxPduLength", 256 * 1024, 4096, 16 * 1024 * 1024);
        return new DimseSettings(endpoint.getHost(), port, ae, callingAe, retrieval, storeAe, (int) storePort, cache,
                cacheMaxBytes, Duration.ofSeconds(connect), Duration.ofSeconds(idle), Duration.ofSeconds(retrieve),
                (int) maxAssociations, (int) maxFindResults, (int) maxPdu);
    }

    /** AE titles (PS3.5 6.2 AE): 1..16 characters of printable ASCII, no backslash. */
    private static String aeTitle(ConfigSection images, String field, String defaultValue) {
        String value = defaultValue == null ? images.requireString(field) : images.optionalString(field).orElse(defaultValue);
        String trimmed = value.strip();
        if (trimmed.isEmpty() || trimmed.length() > 16 || !trimmed.matches("[\\x20-\\x7E&&[^\\\\]]+")) {
            throw images.invalid(field, "must be an AE title: 1 to 16 printable ASCII characters, no backslash");
        }
        return trimmed;
    }
}
