package org.smartimaging.spi;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A {@link ResponseBody} as pieces a non-blocking transport pulls one at a time, writing each only
 * when the client can take it: a slow client then costs a little memory, never a thread. A piece is
 * bytes in memory or a region of a file, which a transport may send with its zero-copy path (a
 * memory-mapped buffer, {@code sendfile}); core names the region and never says how it is sent.
 *
 * <p>Called by one thread at a time; the transport calls {@link ResponseBody#close()} when done.
 */
public interface BodyChunks {

    /**
     * The next piece if it is there now, {@link Chunk#END} after the last one, or {@code null} when
     * the source has nothing yet (e.g. a PACS still sending); then {@code whenReady} runs once,
     * on any thread, as soon as {@code poll} may answer something else. A source may read its own
     * storage here; it never waits for a peer.
     *
     * @throws IOException when the body cannot be completed (the transport then aborts the answer)
     */
    Chunk poll(Runnable whenReady) throws IOException;

    /** One piece of a body. */
    sealed interface Chunk permits Bytes, FileRegion, End {

        /** After the last piece. */
        Chunk END = new End();

        static Chunk of(byte[] bytes) {
            return new Bytes(ByteBuffer.wrap(bytes));
        }
    }

    /** Bytes in memory; the transport must not keep the buffer after the write completed. */
    record Bytes(ByteBuffer buffer) implements Chunk {
        public Bytes {
            Objects.requireNonNull(buffer, "buffer");
        }
    }

    /** {@code length} bytes of {@code file} from {@code offset}; the file must hold them when sent. */
    record FileRegion(Path file, long offset, long length) implements Chunk {
        public FileRegion {
            Objects.requireNonNull(file, "file");
            if (offset < 0 || length < 0) {
                throw new IllegalArgumentException("offset and length must not be negative");
            }
        }
    }

    /** The end marker, {@link Chunk#END}. */
    record End() implements Chunk {}
}
