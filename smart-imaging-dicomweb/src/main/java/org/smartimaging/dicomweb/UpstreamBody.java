package org.smartimaging.dicomweb;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A WADO-RS answer of the PACS passed to the client as it arrives: status, Content-Type (with its
 * boundary) and length as the PACS sent them, the bytes copied through a small buffer, never held
 * whole. A watchdog closes the upstream stream when one read stalls longer than the read timeout,
 * so a PACS that stops sending mid-body cannot hold a server thread forever.
 */
final class UpstreamBody implements org.smartimaging.spi.ResponseBody {

    private static final int BUFFER_BYTES = 64 * 1024;
    private static final String PASSED_HEADER = "Content-Location";

    private final HttpResponse<InputStream> response;
    private final InputStream upstream;
    private final String upstreamName;
    private final Duration readTimeout;
    private final ScheduledExecutorService watchdog;
    /** System.nanoTime() when the current read started, 0 when no read is blocked. */
    private volatile long readStartedNanos;
    private volatile boolean stalled;
    private volatile boolean closed;

    UpstreamBody(HttpResponse<InputStream> response, String upstreamName, Duration readTimeout,
            ScheduledExecutorService watchdog) {
        this.response = response;
        this.upstream = response.body();
        this.upstreamName = upstreamName;
        this.readTimeout = readTimeout;
        this.watchdog = watchdog;
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
        return response.headers().firstValue(PASSED_HEADER).map(value -> Map.of(PASSED_HEADER, value)).orElse(Map.of());
    }

    @Override
    public void writeTo(OutputStream out) throws IOException {
        long period = Math.max(50, readTimeout.toMillis() / 4);
        ScheduledFuture<?> check = watchdog.scheduleAtFixedRate(this::checkStall, period, period, TimeUnit.MILLISECONDS);
        try {
            byte[] buffer = new byte[BUFFER_BYTES];
            boolean ended = false;
            while (!ended) {
                // Fill the buffer before writing: the upstream arrives in small pieces, and fewer,
                // larger writes cost the servlet container less.
                int filled = 0;
                while (filled < buffer.length) {
                    int read = read(buffer, filled);
                    if (read < 0) {
                        ended = true;
                        break;
                    }
                    filled += read;
                }
                if (filled > 0) {
                    out.write(buffer, 0, filled);
                }
            }
        } finally {
            check.cancel(false);
        }
    }

    private int read(byte[] buffer, int offset) throws IOException {
        int read;
        readStartedNanos = System.nanoTime();
        try {
            read = upstream.read(buffer, offset, buffer.length - offset);
        } catch (IOException e) {
            throw stalled ? stalledError() : new IOException("The PACS at " + upstreamName + " broke off the answer", e);
        } finally {
            readStartedNanos = 0;
        }
        if (read < 0 && stalled) {
            throw stalledError();
        }
        return read;
    }

    private IOException stalledError() {
        return new IOException("The PACS at " + upstreamName + " sent nothing for "
                + readTimeout.toSeconds() + " s; answer abandoned");
    }

    private void checkStall() {
        long started = readStartedNanos;
        if (started != 0 && System.nanoTime() - started > readTimeout.toNanos() && !closed) {
            stalled = true;
            close();
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        Upstream.closeQuietly(upstream);
    }
}
