package org.smartimaging.folder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.smartimaging.spi.ConfigSection;
import org.smartimaging.spi.HostEnvironment;
import org.smartimaging.spi.ImageSource;
import org.smartimaging.spi.ImageSourceProvider;

/**
 * {@code images.type: folder} (ours): {@code images.directory} is the root of the DICOM files,
 * relative paths resolved against the host's data directory; {@code images.rescanSeconds}
 * (default 10) bounds how stale the index may be; {@code images.maxFiles} (default 100000) bounds it.
 */
public final class FolderImageSourceProvider implements ImageSourceProvider {

    @Override
    public String type() {
        return "folder";
    }

    @Override
    public ImageSource create(ConfigSection images, HostEnvironment environment) {
        Path directory = environment.dataDirectory().resolve(images.requireString("directory")).normalize();
        // Dynamic configurations must not read arbitrary server directories: the policy refuses file URIs.
        environment.upstreamPolicy().check(directory.toUri());
        if (!Files.isDirectory(directory)) {
            throw images.invalid("directory", "is not a directory: " + directory);
        }
        long rescanSeconds = images.optionalLong("rescanSeconds", 10, 0, 86_400);
        long maxFiles = images.optionalLong("maxFiles", 100_000, 1, 10_000_000);
        return new FolderImageSource(new FolderIndex(directory, Duration.ofSeconds(rescanSeconds), environment.clock(),
                (int) maxFiles));
    }
}
