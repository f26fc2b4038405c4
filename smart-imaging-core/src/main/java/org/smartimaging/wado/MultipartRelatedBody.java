package org.smartimaging.wado;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.smartimaging.spi.BodyChunks;
import org.smartimaging.spi.ImagingException;
import org.smartimaging.spi.ResponseBody;

/**
 * A WADO-RS {@code multipart/related} body (PS3.18 8.6.1.2) built from {@link BodyPart}s, never
 * held in memory: each part is opened only when its turn comes (a file region, a transcoded
 * instance, a vendor's stream). Written through {@link #writeTo}, or handed to a non-blocking
 * transport as part headers and file regions (which it may send zero-copy) when every part can be
 * ({@link BodyPart#chunks()}). When the parts are a list of known lengths, the body's length is
 * known up front.
 */
public final class MultipartRelatedBody implements ResponseBody {

    private static final byte[] CRLF = {'\r', '\n'};

    private final String type;
    private final String transferSyntax;
    private final Iterable<? extends BodyPart> parts;
    private final String boundary = UUID.randomUUID().toString();
    private String entityTag;

    /**
     * @param type the media type of the parts, e.g. {@code application/dicom}
     * @param transferSyntax the transfer syntax all parts share, named in the body's content type, or null
     * @param parts the parts, iterated once when the body is written (a list: possibly also to sum their lengths)
     */
    public MultipartRelatedBody(String type, String transferSyntax, Iterable<? extends BodyPart> parts) {
        this.type = Objects.requireNonNull(type, "type");
        this.transferSyntax = transferSyntax;
        this.parts = Objects.requireNonNull(parts, "parts");
    }

    /**
     * DICOM files as stored, each part {@code application/dicom}. File sizes are taken once, so the
     * length is known up front and a file that shrinks meanwhile aborts the answer instead of corrupting it.
     *
     * @throws ImagingException.NotFound when a file is gone (a source's index was behind the disk)
     */
    public MultipartRelatedBody(List<Path> files) {
        this("application/dicom", null, storedFiles(files));
        this.entityTag = FileValidator.of(files);
    }

    private static List<BodyPart> storedFiles(List<Path> files) {
        List<BodyPart> parts = new ArrayList<>(files.size());
        for (Path file : files) {
            try {
                parts.add(BodyPart.ofFile("application/dicom", file, Files.size(file)));
            } catch (IOException e) {
                throw new ImagingException.NotFound("An instance of this answer is no longer stored");
            }
        }
        return List.copyOf(parts);
    }

    /** The same body, vouched for by {@code validator} (see {@link ResponseBody#entityTag()}); null for none. */
    public MultipartRelatedBody withEntityTag(String validator) {
        this.entityTag = validator;
        return this;
    }

    @Override
    public String entityTag() {
        return entityTag;
    }

    @Override
    public String contentType() {
        return "multipart/related; type=\"" + type + "\""
                + (transferSyntax == null ? "" : "; transfer-syntax=" + transferSyntax) + "; boundary=" + boundary;
    }

    /** Known when the parts are a list whose every length is known (asking a lazy part its length may cost a read). */
    @Override
    public long contentLength() {
        if (!(parts instanceof List<? extends BodyPart> list)) {
            return -1;
        }
        long length = closing().length;
        for (BodyPart part : list) {
            long partLength = part.length();
            if (partLength < 0) {
                return -1;
            }
            length += header(part, partLength).length + partLength + CRLF.length;
        }
        return length;
    }

    @Override
    public void writeTo(OutputStream out) throws IOException {
        try {
            for (BodyPart part : parts) {
                out.write(header(part, part.length()));
                part.writeTo(out);
                out.write(CRLF);
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        out.write(closing());
    }

    /** Pieces for a non-blocking transport, when every part is a file region or bytes; parts are still opened one by one. */
    @Override
    public Optional<BodyChunks> chunks() {
        if (!(parts instanceof List<? extends BodyPart> list) || list.stream().anyMatch(part -> part.chunks().isEmpty())) {
            return Optional.empty();
        }
        Iterator<? extends BodyPart> next = list.iterator();
        Deque<BodyChunks.Chunk> pending = new ArrayDeque<>();
        boolean[] closed = {false};
        return Optional.of(whenReady -> {
            if (pending.isEmpty()) {
                if (next.hasNext()) {
                    BodyPart part = next.next();
                    pending.add(BodyChunks.Chunk.of(header(part, part.length())));
                    pending.addAll(part.chunks().orElseThrow());
                    pending.add(BodyChunks.Chunk.of(CRLF));
                } else if (!closed[0]) {
                    closed[0] = true;
                    pending.add(BodyChunks.Chunk.of(closing()));
                } else {
                    return BodyChunks.Chunk.END;
                }
            }
            return pending.poll();
        });
    }

    private byte[] header(BodyPart part, long length) {
        return ("--" + boundary + "\r\nContent-Type: " + part.contentType() + "\r\n"
                + (length >= 0 ? "Content-Length: " + length + "\r\n" : "") + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    private byte[] closing() {
        return ("--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII);
    }
}
