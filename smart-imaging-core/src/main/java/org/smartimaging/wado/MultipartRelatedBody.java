package org.smartimaging.wado;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.smartimaging.spi.BodyChunks;
import org.smartimaging.spi.ImagingException;
import org.smartimaging.spi.ResponseBody;

/**
 * A WADO-RS {@code multipart/related; type="application/dicom"} body of DICOM files, never held in
 * memory: written file by file through a small buffer, or handed to a non-blocking transport as
 * part headers and file regions (which it may send zero-copy). File sizes are taken once, so the
 * length is known up front and a file that changes meanwhile aborts the answer instead of
 * corrupting it.
 */
public final class MultipartRelatedBody implements ResponseBody {

    private static final int BUFFER_BYTES = 64 * 1024;
    private static final byte[] CRLF = {'\r', '\n'};

    private final List<Path> files;
    private final long[] sizes;
    private final String boundary = UUID.randomUUID().toString();

    /** @throws ImagingException.NotFound when a file is gone (a source's index was behind the disk) */
    public MultipartRelatedBody(List<Path> files) {
        this.files = List.copyOf(files);
        this.sizes = new long[this.files.size()];
        for (int i = 0; i < sizes.length; i++) {
            try {
                sizes[i] = Files.size(this.files.get(i));
            } catch (IOException e) {
                throw new ImagingException.NotFound("An instance of this answer is no longer stored");
            }
        }
    }

    @Override
    public String entityTag() {
        return FileValidator.of(files);
    }

    @Override
    public String contentType() {
        return "multipart/related; type=\"application/dicom\"; boundary=" + boundary;
    }

    @Override
    public long contentLength() {
        long length = closing().length;
        for (int i = 0; i < sizes.length; i++) {
            length += partHeader(i).length + sizes[i] + CRLF.length;
        }
        return length;
    }

    @Override
    public void writeTo(OutputStream out) throws IOException {
        byte[] buffer = new byte[BUFFER_BYTES];
        for (int i = 0; i < sizes.length; i++) {
            out.write(partHeader(i));
            long left = sizes[i];
            try (InputStream in = Files.newInputStream(files.get(i))) {
                for (int n; left > 0 && (n = in.read(buffer, 0, (int) Math.min(buffer.length, left))) > 0; ) {
                    out.write(buffer, 0, n);
                    left -= n;
                }
            }
            if (left != 0) {
                throw new IOException("A file of the answer changed while it was sent");
            }
            out.write(CRLF);
        }
        out.write(closing());
    }

    @Override
    public Optional<BodyChunks> chunks() {
        List<BodyChunks.Chunk> pieces = new ArrayList<>(3 * sizes.length + 1);
        for (int i = 0; i < sizes.length; i++) {
            pieces.add(BodyChunks.Chunk.of(partHeader(i)));
            pieces.add(new BodyChunks.FileRegion(files.get(i), 0, sizes[i]));
            pieces.add(BodyChunks.Chunk.of(CRLF));
        }
        pieces.add(BodyChunks.Chunk.of(closing()));
        var next = pieces.iterator();
        return Optional.of(whenReady -> next.hasNext() ? next.next() : BodyChunks.Chunk.END);
    }

    private byte[] partHeader(int i) {
        return ("--" + boundary + "\r\nContent-Type: application/dicom\r\nContent-Length: " + sizes[i] + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    private byte[] closing() {
        return ("--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII);
    }
}
