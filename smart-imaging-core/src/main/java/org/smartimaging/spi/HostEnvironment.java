package org.smartimaging.spi;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Objects;

/**
 * What the hosting server gives providers: where relative paths resolve, the clock, and which
 * upstream addresses a configuration may name.
 *
 * @param dataDirectory where relative paths in configs (e.g. {@code images.directory}) resolve
 * @param clock the time source (tests move it)
 * @param upstreamPolicy checks an upstream URL a configuration names (strict for dynamic configs)
 * @param configKey the key of the configuration being built, for log lines and cache names
 */
public record HostEnvironment(Path dataDirectory, Clock clock, UpstreamPolicy upstreamPolicy, String configKey) {

    public HostEnvironment {
        Objects.requireNonNull(dataDirectory, "dataDirectory");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(upstreamPolicy, "upstreamPolicy");
    }

    /** Decides whether a configuration may point the server at an upstream address. */
    @FunctionalInterface
    public interface UpstreamPolicy {

        UpstreamPolicy ALLOW_ALL = uri -> { };

        /** @throws ImagingException.InvalidConfig when the address is not allowed */
        void check(URI upstream);
    }
}
