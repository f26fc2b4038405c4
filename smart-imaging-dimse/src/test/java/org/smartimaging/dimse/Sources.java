package org.smartimaging.dimse;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import org.smartimaging.spi.ConfigSection;
import org.smartimaging.spi.HostEnvironment;
import org.smartimaging.spi.Retrieval;
import org.smartimaging.spi.RetrieveRequest;
import org.smartimaging.testing.Bodies;

/** Builds dicom-dimse sources from JSON the way the config loader does, and polls retrievals. */
final class Sources {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Sources() {}

    static DimseImageSource create(Path data, String imagesJson) {
        try {
            ConfigSection images = new ConfigSection("images", (ObjectNode) JSON.readTree(imagesJson));
            DimseImageSource source = (DimseImageSource) new DimseImageSourceProvider()
                    .create(images, new HostEnvironment(data, Clock.systemUTC(), HostEnvironment.UpstreamPolicy.ALLOW_ALL, "test"));
            images.rejectUnusedFields();
            return source;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Asks until the retrieval is ready (sleeping as Retry-After says, capped), returning the body bytes. */
    static byte[] retrieveWhenReady(DimseImageSource source, RetrieveRequest request, Duration timeout) {
        long until = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < until) {
            Retrieval r = source.retrieve(request);
            if (r instanceof Retrieval.Ready ready) {
                return Bodies.read(ready.body());
            }
            sleep(Math.min(200, ((Retrieval.Pending) r).retryAfter().toMillis()));
        }
        throw new AssertionError("not ready within " + timeout);
    }

    /** Asks until the retrieval stops answering pending; returns the first non-pending outcome (or throws). */
    static Retrieval untilNotPending(DimseImageSource source, RetrieveRequest request, Duration timeout) {
        long until = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < until) {
            Retrieval r = source.retrieve(request);
            if (!(r instanceof Retrieval.Pending)) {
                return r;
            }
            sleep(100);
        }
        throw new AssertionError("still pending after " + timeout);
    }

    /** The data set bytes of a Part 10 file: everything after the File Meta Information. */
    static byte[] datasetBytes(byte[] file) {
        int groupLength = ByteBuffer.wrap(file, 140, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        return Arrays.copyOfRange(file, 144 + groupLength, file.length);
    }

    static byte[] datasetBytes(Path file) {
        try {
            return datasetBytes(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(Math.max(1, millis));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Studies (directories) in the cache and retrievals in progress (temporary directories). */
    static long count(Path dir) {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (var list = Files.list(dir)) {
            return list.count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
