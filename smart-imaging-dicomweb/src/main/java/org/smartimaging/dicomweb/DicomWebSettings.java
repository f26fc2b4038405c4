package org.smartimaging.dicomweb;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import org.smartimaging.spi.ConfigSection;
import org.smartimaging.spi.HostEnvironment;

/**
 * The {@code images} fields of a {@code dicom-web} configuration, checked once at load time.
 *
 * @param endpoint the DICOMweb base, without trailing slash and without user info
 * @param authentication how to authenticate to the PACS
 * @param connectTimeout TCP (and TLS) connection set-up
 * @param requestTimeout until the response headers of a retrieval, and a whole QIDO-RS answer
 * @param readTimeout the longest a streamed body may stall between two reads
 * @param maxStudies the most studies one search asks the PACS for
 * @param concurrency the most QIDO-RS requests one source runs at once
 * @param studyCacheSize the most studies whose series and instances the source keeps (0: none)
 * @param studyCacheTtl how long a kept study answers searches without being asked for again, as
 *     long as the PACS reports the same instance count (0: always ask)
 */
record DicomWebSettings(
        URI endpoint,
        UpstreamAuthentication authentication,
        Duration connectTimeout,
        Duration requestTimeout,
        Duration readTimeout,
        int maxStudies,
        int concurrency,
        int studyCacheSize,
        Duration studyCacheTtl) {

    static final long DEFAULT_CONNECT_TIMEOUT_SECONDS = 10;
    static final long DEFAULT_REQUEST_TIMEOUT_SECONDS = 60;
    static final long DEFAULT_READ_TIMEOUT_SECONDS = 60;
    static final int DEFAULT_MAX_STUDIES = 1000;
    static final int DEFAULT_CONCURRENCY = 4;
    static final int DEFAULT_STUDY_CACHE_SIZE = 10_000;
    static final long DEFAULT_STUDY_CACHE_SECONDS = 600;

    static DicomWebSettings read(ConfigSection images, HostEnvironment environment) {
        URI endpoint = endpoint(images, "endpoint");
        environment.upstreamPolicy().check(endpoint);
        UpstreamAuthentication authentication = UpstreamAuthentication.read(images, environment);
        Duration connectTimeout = Duration.ofSeconds(
                images.optionalLong("connectTimeoutSeconds", DEFAULT_CONNECT_TIMEOUT_SECONDS, 1, 600));
        Duration requestTimeout = Duration.ofSeconds(
                images.optionalLong("requestTimeoutSeconds", DEFAULT_REQUEST_TIMEOUT_SECONDS, 1, 3600));
        Duration readTimeout = Duration.ofSeconds(
                images.optionalLong("readTimeoutSeconds", DEFAULT_READ_TIMEOUT_SECONDS, 1, 3600));
        int maxStudies = (int) images.optionalLong("maxStudies", DEFAULT_MAX_STUDIES, 1, 100_000);
        int concurrency = (int) images.optionalLong("concurrency", DEFAULT_CONCURRENCY, 1, 64);
        int studyCacheSize = (int) images.optionalLong("studyCacheSize", DEFAULT_STUDY_CACHE_SIZE, 0, 1_000_000);
        Duration studyCacheTtl = Duration.ofSeconds(
                images.optionalLong("studyCacheSeconds", DEFAULT_STUDY_CACHE_SECONDS, 0, 86_400));
        return new DicomWebSettings(endpoint, authentication, connectTimeout, requestTimeout, readTimeout,
                maxStudies, concurrency, studyCacheSize, studyCacheTtl);
    }

    /** An http(s) URL without user info, query or fragment; the trailing slash removed. */
    static URI endpoint(ConfigSection section, String field) {
        URI uri = section.requireUri(field);
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw section.invalid(field, "must be an http or https URL");
        }
        if (uri.getRawUserInfo() != null) {
            throw section.invalid(field, "must not carry credentials; use images.authentication");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw section.invalid(field, "must not have a query or fragment");
        }
        String text = uri.toString();
        while (text.endsWith("/")) {
            text = text.substring(0, text.length() - 1);
        }
        return URI.create(text);
    }

    /** {@code host:port} of the endpoint: what error messages and logs name. */
    String upstreamName() {
        return hostAndPort(endpoint);
    }

    static String hostAndPort(URI uri) {
        int port = uri.getPort() != -1 ? uri.getPort() : uri.getScheme().equalsIgnoreCase("https") ? 443 : 80;
        return uri.getHost() + ":" + port;
    }
}
