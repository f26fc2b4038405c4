package org.smartimaging.servlet;

import jakarta.servlet.ServletOutputStream;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import org.smartimaging.spi.BodyChunks;

/**
 * Writes one {@link BodyChunks.Chunk} in steps a non-blocking stream accepts. A file region goes
 * out as a memory-mapped buffer when the container's stream takes {@code write(ByteBuffer)}
 * (Servlet 6.1, Jetty's {@code HttpOutput}): the kernel then copies from the page cache to the
 * socket and the file's bytes never pass through the heap. Otherwise it is read through one small
 * array. Every step is one write, so the caller asks {@code isReady()} before each.
 */
final class ChunkWriter implements AutoCloseable {

    /** Largest mapping at once, to bound address space for huge files. */
    private static final long MAP_BYTES = 64L * 1024 * 1024;
    /** Largest single write: a slow client's pending write stays small, so the rate check sees it often. */
    private static final int WRITE_BYTES = 1024 * 1024;
    private static final int COPY_BYTES = 64 * 1024;

    private static final ClassValue<Optional<MethodHandle>> BUFFER_WRITE = new ClassValue<>() {
        @Override
        protected Optional<MethodHandle> computeValue(Class<?> type) {
            try {
                return Optional.of(MethodHandles.publicLookup().findVirtual(type, "write",
                        MethodType.methodType(void.class, ByteBuffer.class)));
            } catch (NoSuchMethodException | IllegalAccessException e) {
                return Optional.empty();
            }
        }
    };

    private final ServletOutputStream out;
    private final Optional<MethodHandle> bufferWrite;
    private byte[] copy;
    private ByteBuffer bytes;
    private BodyChunks.FileRegion region;
    private FileChannel file;
    private ByteBuffer mapped;
    private long done;
    private long written;

    ChunkWriter(ServletOutputStream out) {
        this.out = out;
        this.bufferWrite = BUFFER_WRITE.get(out.getClass());
    }

    /** Bytes handed to the stream so far. */
    long written() {
        return written;
    }

    void start(BodyChunks.Chunk chunk) throws IOException {
        closeFile();
        bytes = null;
        region = null;
        mapped = null;
        done = 0;
        if (chunk instanceof BodyChunks.Bytes b) {
            bytes = b.buffer();
        } else if (chunk instanceof BodyChunks.FileRegion r) {
            region = r;
            file = FileChannel.open(r.file(), StandardOpenOption.READ);
        }
    }

    boolean hasMore() {
        return (bytes != null && bytes.hasRemaining()) || (region != null && done < region.length());
    }

    /** One write of the current chunk. */
    void writeSome() throws IOException {
        if (bytes != null) {
            writeBytes();
        } else if (region != null) {
            writeRegion();
        }
    }

    private void writeBytes() throws IOException {
        int length = bytes.remaining();
        if (bytes.hasArray()) {
            out.write(bytes.array(), bytes.arrayOffset() + bytes.position(), length);
            bytes.position(bytes.limit());
        } else if (bufferWrite.isPresent()) {
            writeBuffer(bytes.duplicate());
            bytes.position(bytes.limit());
        } else {
            int n = Math.min(length, copyBuffer().length);
            bytes.get(copy, 0, n);
            out.write(copy, 0, n);
            length = n;
        }
        written += length;
    }

    private void writeRegion() throws IOException {
        long position = region.offset() + done;
        long left = region.length() - done;
        int n;
        if (bufferWrite.isPresent()) {
            if (mapped == null || !mapped.hasRemaining()) {
                long size = Math.min(left, MAP_BYTES);
                if (position + size > file.size()) {
                    throw new IOException("A file of the answer is shorter than announced");
                }
                mapped = file.map(FileChannel.MapMode.READ_ONLY, position, size);
            }
            ByteBuffer slice = mapped.slice();
            slice.limit(Math.min(slice.remaining(), WRITE_BYTES));
            mapped.position(mapped.position() + slice.remaining());
            n = slice.remaining();
            writeBuffer(slice);
        } else {
            ByteBuffer target = ByteBuffer.wrap(copyBuffer(), 0, (int) Math.min(left, COPY_BYTES));
            n = file.read(target, position);
            if (n <= 0) {
                throw new IOException("A file of the answer is shorter than announced");
            }
            out.write(copy, 0, n);
        }
        done += n;
        written += n;
        if (done == region.length()) {
            closeFile();
            mapped = null;
        }
    }

    private void writeBuffer(ByteBuffer buffer) throws IOException {
        try {
            bufferWrite.orElseThrow().invoke(out, buffer);
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IOException(e);
        }
    }

    private byte[] copyBuffer() {
        if (copy == null) {
            copy = new byte[COPY_BYTES];
        }
        return copy;
    }

    private void closeFile() {
        if (file != null) {
            try {
                file.close();
            } catch (IOException e) {
                // read-only; nothing was lost
            }
            file = null;
        }
    }

    @Override
    public void close() {
        closeFile();
    }
}
