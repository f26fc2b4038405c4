package org.smartimaging.servlet;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smartimaging.spi.BodyChunks;
import org.smartimaging.spi.ResponseBody;

/**
 * Writes a {@link BodyChunks} body with Servlet non-blocking output: a piece is written only while
 * the container says the client can take it ({@code isReady}), and the thread returns as soon as it
 * cannot, so a client that reads slowly holds a little memory and no thread. The writing resumes
 * when the container calls {@link #onWritePossible} (the client drained) or when the source has
 * more ({@link BodyChunks#poll}'s callback). Whatever the source has is flushed before waiting for
 * it, so the client gets bytes as soon as they exist.
 *
 * <p>A client that reads slower than the minimum rate once the grace period is over is dropped;
 * a failed body or a dropped client ends the exchange through {@link AbortDispatch}, which makes
 * the container abort the connection (never a clean end that would pass a cut body as whole).
 */
final class AsyncBodyWriter implements WriteListener {

    private static final Logger LOG = LoggerFactory.getLogger(AsyncBodyWriter.class);

    private final AsyncContext async;
    private final ServletOutputStream out;
    private final ResponseBody body;
    private final BodyChunks chunks;
    private final ChunkWriter writer;
    private final MinimumRate minimumRate;
    private final String mount;
    private final int bufferSize;
    /** Re-entry guard: one pump at a time, and a wake-up during a pump makes it go round again. */
    private final AtomicInteger wanted = new AtomicInteger();
    private final Runnable resume = this::pump;

    private BodyChunks.Chunk current;
    /** Bytes written since the container last had to send everything (a flush, or a write larger than its buffer). */
    private long unflushed;
    private boolean waitingForClient;
    private volatile boolean clientFailed;
    private boolean finished;

    AsyncBodyWriter(AsyncContext async, ServletOutputStream out, ResponseBody body, BodyChunks chunks,
            MinimumRate minimumRate, String mount, int bufferSize) {
        this.async = async;
        this.out = out;
        this.body = body;
        this.chunks = chunks;
        this.writer = new ChunkWriter(out);
        this.minimumRate = minimumRate;
        this.mount = mount;
        this.bufferSize = Math.max(1, bufferSize);
    }

    @Override
    public void onWritePossible() {
        pump();
    }

    @Override
    public void onError(Throwable failure) {
        LOG.debug("Response not completed: {}", failure.toString());
        clientFailed = true; // the container ends the exchange; free the body in the pump's turn
        pump();
    }

    private void pump() {
        if (wanted.getAndIncrement() != 0) {
            return;
        }
        do {
            if (clientFailed) {
                finish();
            } else if (!finished) {
                try {
                    writeWhatCanBeWritten();
                } catch (IOException | RuntimeException e) {
                    abort(e);
                }
            }
        } while (wanted.decrementAndGet() != 0);
    }

    private void writeWhatCanBeWritten() throws IOException {
        if (waitingForClient) {
            waitingForClient = false;
            minimumRate.check(writer.written());
        }
        while (out.isReady()) {
            if (current == null || !writer.hasMore()) {
                current = chunks.poll(resume);
                if (current == null) { // the source has nothing yet; it calls resume when it has
                    if (unflushed > 0) { // small writes may sit in the container's buffer: send them now
                        unflushed = 0;
                        out.flush();
                        continue; // isReady() again before anything else
                    }
                    return;
                }
                if (current instanceof BodyChunks.End) {
                    finish();
                    async.complete();
                    return;
                }
                writer.start(current);
            }
            long before = writer.written();
            writer.writeSome();
            long n = writer.written() - before;
            // A write larger than the container's buffer cannot wait in it: it and all before it are
            // on their way, and a flush would only cost another write cycle.
            unflushed = n >= bufferSize ? 0 : unflushed + n;
        }
        waitingForClient = true;
    }

    private void abort(Exception failure) {
        LOG.debug("Response abandoned: {}", failure.toString());
        finish();
        AbortDispatch.abort(async, mount, failure);
    }

    private void finish() {
        if (finished) {
            return;
        }
        finished = true;
        writer.close();
        try {
            body.close();
        } catch (IOException | RuntimeException e) {
            LOG.debug("Closing a response body failed: {}", e.toString());
        }
    }
}
