package org.smartimaging.dicomweb;

import java.io.IOException;
import java.io.OutputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;

/**
 * A WADO-RS answer of the PACS passed to the client as it arrives: status, Content-Type (with its
 * boundary) and length as the PACS sent them, the bytes written from the HTTP client's own buffers
 * (small ones gathered first), never held whole. A read that waits longer than the read timeout
 * abandons the answer, so a PACS that stops sending mid-body cannot hold a server thread forever.
 */
final class UpstreamBody implements org.smartimaging.spi.ResponseBody {

    /** Buffers at least this large are written as they are; smaller ones are gathered up to it first. */
    private static final int GATHER_BYTES = 64 * 1024;

    private final HttpResponse<UpstreamChunks> response;
    private final UpstreamChunks upstream;
    private final String upstreamName;
    private final Duration readTimeout;
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

    @Override
    public void writeTo(OutputStream out) throws IOException {
        byte[] gathered = null;
        int filled = 0;
        long wait = readTimeout.toNanos();
        for (ByteBuffer buffer; (buffer = read(wait)) != null; ) {
            int length = buffer.remaining();
            if (filled == 0 && length >= GATHER_BYTES && buffer.hasArray()) {
                // Large enough for one write of its own: no copy here
                out.write(buffer.array(), buffer.arrayOffset() + buffer.position(), length);
                continue;
            }
            if (gathered == null) {
                gathered = new byte[GATHER_BYTES];
            }
            while (buffer.hasRemaining()) {
                int n = Math.min(buffer.remaining(), gathered.length - filled);
                buffer.get(gathered, filled, n);
                filled += n;
                if (filled == gathered.length) {
                    out.write(gathered, 0, filled);
                    filled = 0;
                }
            }
        }
        if (filled > 0) {
            out.write(gathered, 0, filled);
        }
    }

    private ByteBuffer read(long waitNanos) throws IOException {
        ByteBuffer buffer;
        try {
            buffer = upstream.next(waitNanos);
        } catch (IOException e) {
            throw new IOException("The PACS at " + upstreamName + " broke off the answer", e);
        }
        if (buffer == UpstreamChunks.STALLED) {
            close();
            throw new IOException("The PACS at " + upstreamName + " sent nothing for "
                    + readTimeout.toSeconds() + " s; answer abandoned");
        }
        return buffer;
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
