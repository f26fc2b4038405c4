package org.smartimaging.spi;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;
import java.util.Optional;

/**
 * A response body written straight to the client, never held whole in memory.
 *
 * <p>The transport calls {@link #writeTo} at most once and {@link #close} always, also when the
 * client went away before the body was written, so that upstream connections and files are freed.
 */
public interface ResponseBody extends Closeable {

    /** HTTP status of the body, normally 200 (a pass-through source may answer 206 and others). */
    default int status() {
        return 200;
    }

    /** Full content type, with parameters (e.g. {@code multipart/related; type="application/dicom"; boundary=...}). */
    String contentType();

    /** Length in bytes, or -1 when unknown (the transport then streams chunked). */
    default long contentLength() {
        return -1;
    }

    /** Extra headers to send (e.g. {@code Content-Location}); never {@code Content-Type}. */
    default Map<String, String> headers() {
        return Map.of();
    }

    /**
     * An opaque validator of the content: it changes whenever the bytes (other than a multipart
     * boundary) would. The engine turns it into an {@code ETag} and answers {@code 304} when a
     * client already has it; {@code null} (the default) when the source cannot tell, and then a
     * study or series answer is not cached. Instance-level answers are cached without one, as a
     * SOP Instance UID names immutable content.
     */
    default String entityTag() {
        return null;
    }

    /** Writes the whole body, blocking while the client reads; for transports without non-blocking output. */
    void writeTo(OutputStream out) throws IOException;

    /**
     * The same bytes as {@link #writeTo}, as pieces a non-blocking transport pulls when the client
     * can take more (see {@link BodyChunks}); empty when the body can only be written by
     * {@link #writeTo}. A transport uses one or the other, once.
     */
    default Optional<BodyChunks> chunks() {
        return Optional.empty();
    }

    /** A small body already in memory; never use it for DICOM data, which streams. */
    static ResponseBody ofBytes(String contentType, byte[] bytes) {
        return new BytesBody(contentType, bytes);
    }

    @Override
    default void close() throws IOException {}
}
