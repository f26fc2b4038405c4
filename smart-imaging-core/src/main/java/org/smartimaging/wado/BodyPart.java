package org.smartimaging.wado;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Objects;

/**
 * One part of a {@code multipart/related} answer: its content type and a way to stream its bytes
 * (regions of a file, bytes in memory, an input stream opened on demand, or a writer). Parts are
 * opened only when written, so a body of many parts holds at most one part's resources at a time,
 * and a source that keeps its images elsewhere (object storage) builds parts from its own streams.
 */
public interface BodyPart {

    /** The part's full {@code Content-Type}, e.g. {@code application/dicom; transfer-syntax=1.2.840.10008.1.2.1}. */
    String contentType();

    /** Length in bytes, or -1 when it is known only once written (then no part {@code Content-Length} is sent). */
    long length();

    void writeTo(OutputStream out) throws IOException;

    /**
     * The part's bytes as pieces a non-blocking transport sends itself (file regions, bytes in
     * memory), or empty when the part can only be written ({@link #writeTo}).
     */
    default java.util.Optional<List<org.smartimaging.spi.BodyChunks.Chunk>> chunks() {
        return java.util.Optional.empty();
    }

    /** Opens the stream a part's bytes come from. */
    @FunctionalInterface
    interface StreamOpener {
        InputStream open() throws IOException;
    }

    /** Writes a part's bytes (e.g. a transcoded instance) straight to the output. */
    @FunctionalInterface
    interface Writer {
        void writeTo(OutputStream out) throws IOException;
    }

    /** A byte range of a file, {@code [offset, offset + length)}. */
    record Region(long offset, long length) {
        public Region {
            if (offset < 0 || length < 0) {
                throw new IllegalArgumentException("offset and length must not be negative");
            }
        }
    }

    static BodyPart ofFile(String contentType, Path file, long size) {
        return ofRegions(contentType, file, List.of(new Region(0, size)));
    }

    /** The regions of {@code file} one after the other (e.g. the fragments of one frame). */
    static BodyPart ofRegions(String contentType, Path file, List<Region> regions) {
        return new FileRegionsPart(contentType, file, regions);
    }

    static BodyPart ofBytes(String contentType, byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        Objects.requireNonNull(contentType, "contentType");
        return new BodyPart() {
            @Override
            public String contentType() {
                return contentType;
            }

            @Override
            public long length() {
                return bytes.length;
            }

            @Override
            public void writeTo(OutputStream out) throws IOException {
                out.write(bytes);
            }

            @Override
            public java.util.Optional<List<org.smartimaging.spi.BodyChunks.Chunk>> chunks() {
                return java.util.Optional.of(List.of(org.smartimaging.spi.BodyChunks.Chunk.of(bytes)));
            }
        };
    }

    /** A part whose bytes come from a stream opened when the part is written, and closed after. */
    static BodyPart ofStream(String contentType, long length, StreamOpener opener) {
        return of(contentType, length, out -> {
            try (InputStream in = opener.open()) {
                in.transferTo(out);
            }
        });
    }

    static BodyPart of(String contentType, long length, Writer writer) {
        Objects.requireNonNull(contentType, "contentType");
        Objects.requireNonNull(writer, "writer");
        return new BodyPart() {
            @Override
            public String contentType() {
                return contentType;
            }

            @Override
            public long length() {
                return length;
            }

            @Override
            public void writeTo(OutputStream out) throws IOException {
                writer.writeTo(out);
            }
        };
    }

    /** Regions of one file, copied through a small buffer by positional reads. */
    record FileRegionsPart(String contentType, Path file, List<Region> regions) implements BodyPart {

        private static final int BUFFER_BYTES = 64 * 1024;

        public FileRegionsPart {
            Objects.requireNonNull(contentType, "contentType");
            Objects.requireNonNull(file, "file");
            regions = List.copyOf(regions);
        }

        @Override
        public long length() {
            return regions.stream().mapToLong(Region::length).sum();
        }

        @Override
        public java.util.Optional<List<org.smartimaging.spi.BodyChunks.Chunk>> chunks() {
            return java.util.Optional.of(regions.stream()
                    .<org.smartimaging.spi.BodyChunks.Chunk>map(r -> new org.smartimaging.spi.BodyChunks.FileRegion(file, r.offset(), r.length()))
                    .toList());
        }

        @Override
        public void writeTo(OutputStream out) throws IOException {
            ByteBuffer buffer = ByteBuffer.allocate(BUFFER_BYTES);
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
                for (Region region : regions) {
                    long position = region.offset();
                    long left = region.length();
                    while (left > 0) {
                        buffer.clear().limit((int) Math.min(left, BUFFER_BYTES));
                        int n = channel.read(buffer, position);
                        if (n < 0) {
                            throw new IOException("The file ended before the part did");
                        }
                        out.write(buffer.array(), 0, n);
                        position += n;
                        left -= n;
                    }
                }
            }
        }
    }
}
