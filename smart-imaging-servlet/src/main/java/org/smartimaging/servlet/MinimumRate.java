package org.smartimaging.servlet;

import java.io.IOException;
import java.time.Duration;

/**
 * The slowest a client may read one answer: bytes per second on average since the answer began,
 * enforced once the grace period is over. Checked whenever the client has drained what it was
 * given; a client that drains nothing at all meets the container's idle timeout instead.
 */
final class MinimumRate {

    private final long bytesPerSecond;
    private final long graceNanos;
    private final long started = System.nanoTime();

    MinimumRate(long bytesPerSecond, Duration grace) {
        this.bytesPerSecond = bytesPerSecond;
        this.graceNanos = grace.toNanos();
    }

    void check(long written) throws IOException {
        long elapsed = System.nanoTime() - started;
        if (bytesPerSecond <= 0 || elapsed < graceNanos) {
            return;
        }
        double rate = written / (elapsed / 1e9);
        if (rate < bytesPerSecond) {
            throw new SlowClient(rate);
        }
    }

    /** The client read too slowly. */
    static final class SlowClient extends IOException {
        private static final long serialVersionUID = 1L;

        SlowClient(double rate) {
            super(String.format(java.util.Locale.ROOT, "client read %.0f B/s, below the minimum", rate));
        }
    }
}
