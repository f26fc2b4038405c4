package org.smartimaging.dicomweb;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.ref.WeakReference;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.smartimaging.spi.BodyChunks;

/**
 * A WADO-RS answer of the PACS passed to the client as it arrives: status, Content-Type (with its
 * boundary) and length as the PACS sent them, the bytes written from the HTTP client's own buffers
 * as they arrive, never held whole. A read that waits longer than the read timeout
 * abandons the answer, so a PACS that stops sending mid-body cannot hold a server thread forever.
 */
final class UpstreamBody implements org.smartimaging.spi.ResponseBody {

    /** Direct buffers are copied through an array of this size. */
    private static final int COPY_BYTES = 64 * 1024;

    private final HttpResponse<UpstreamChunks> response;
    private final UpstreamChunks upstream;
    private final String upstreamName;
    private final Duration readTimeout;
    private final AtomicBoolean watching = new AtomicBoolean();
    private volatile boolean stalled;
    private volatile boolean closed;

    UpstreamBody(HttpResponse<UpstreamChunks> response, String upstreamName, Duration readTimeout) {
        this.response = response;
        this.upstream = response.body();
        this.upstreamName = upstreamName;
        this.readTimeout = readTimeout;
    }

    @Override
    public int status() {
        return response.statusCode();
    }

    @Override
    public String contentType() {
        return response.headers().firstValue("Content-Type").orElse("application/octet-stream");
    }

    @Override
    public long contentLength() {
        return response.headers().firstValueAsLong("Content-Length").orElse(-1);
    }

    @Override
    public Map<String, String> headers() {
        return Map.of(); // the PACS's Content-Location names the PACS: no PACS address leaves the SDK
    }

    /**
     * Writes each buffer as it arrives and flushes whenever the PACS has sent nothing more yet, so
     * the client sees the first bytes as soon as the PACS sends them.
     */
    @Override
    public void writeTo(OutputStream out) throws IOException {
        byte[] copy = null;
        while (true) {
            ByteBuffer buffer = upstream.poll(() -> { });
            if (buffer == UpstreamChunks.STALLED) {
                out.flush();
                buffer = read(readTimeout.toNanos());
            }
            if (buffer == null) {
                return;
            }
            if (buffer.hasArray()) {
                out.write(buffer.array(), buffer.arrayOffset() + buffer.position(), buffer.remaining());
                continue;
            }
            if (copy == null) {
                copy = new byte[COPY_BYTES];
            }
            while (buffer.hasRemaining()) {
                int n = Math.min(buffer.remaining(), copy.length);
                buffer.get(copy, 0, n);
                out.write(copy, 0, n);
            }
        }
    }

    /**
     * The buffers as they arrive, for a non-blocking transport. While it waits for the PACS, a timer
     * (no thread of its own) checks that something arrives within the read timeout; if not, the
     * answer is abandoned and the next poll fails.
     */
    @Override
    public Optional<BodyChunks> chunks() {
        return Optional.of(whenReady -> {
            if (stalled) {
                throw stalledFailure();
            }
            ByteBuffer buffer;
            try {
                buffer = upstream.poll(whenReady);
            } catch (IOException e) {
                throw stalled ? stalledFailure() : new IOException("The PACS at " + upstreamName + " broke off the answer", e);
            }
            if (buffer == null) {
                return BodyChunks.Chunk.END;
            }
            if (buffer == UpstreamChunks.STALLED) {
                watchForStall();
                return null;
            }
            return new BodyChunks.Bytes(buffer);
        });
    }

    private void watchForStall() {
        if (watching.compareAndSet(false, true)) {
            schedule(new WeakReference<>(this), readTimeout.toNanos());
        }
    }

    /**
     * The check holds the body only weakly: a body written and dropped long before its read
     * timeout is not kept alive (with the client's buffers) by a pending check.
     */
    private static void schedule(WeakReference<UpstreamBody> body, long delayNanos) {
        CompletableFuture.delayedExecutor(delayNanos, TimeUnit.NANOSECONDS).execute(() -> {
            UpstreamBody alive = body.get();
            if (alive != null) {
                alive.checkStall(body);
            }
        });
    }

    private void checkStall(WeakReference<UpstreamBody> self) {
        if (closed || !upstream.awaited()) {
            watching.set(false); // not waiting for the PACS now; the next wait arms a new check
            return;
        }
        long quiet = System.nanoTime() - upstream.lastArrival();
        if (quiet < readTimeout.toNanos()) {
            schedule(self, readTimeout.toNanos() - quiet);
            return;
        }
        stalled = true;
        upstream.close(); // wakes the waiting transport, whose next poll fails
    }

    /** The next buffer, waiting at most {@code waitNanos}; null at the end. */
    private ByteBuffer read(long waitNanos) throws IOException {
        if (stalled) {
            throw stalledFailure();
        }
        ByteBuffer buffer;
        try {
            buffer = upstream.next(waitNanos);
        } catch (IOException e) {
            throw new IOException("The PACS at " + upstreamName + " broke off the answer", e);
        }
        if (buffer == UpstreamChunks.STALLED) {
            close();
            throw stalledFailure();
        }
        return buffer;
    }

    private IOException stalledFailure() {
        return new IOException("The PACS at " + upstreamName + " sent nothing for " + readTimeout.toSeconds()
                + " s; answer abandoned");
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        upstream.close();
    }
}
