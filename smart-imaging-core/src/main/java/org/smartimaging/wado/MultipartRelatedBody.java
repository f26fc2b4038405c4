package org.smartimaging.wado;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.smartimaging.spi.ResponseBody;

/**
 * A WADO-RS {@code multipart/related; type="application/dicom"} body of DICOM files, copied to the
 * client file by file through a small buffer: memory stays flat whatever the study's size.
 */
public final class MultipartRelatedBody implements ResponseBody {

    private static final int BUFFER_BYTES = 64 * 1024;

    private final List<Path> files;
    private final String boundary = UUID.randomUUID().toString();

    public MultipartRelatedBody(List<Path> files) {
        this.files = List.copyOf(files);
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
    public void writeTo(OutputStream out) throws IOException {
        byte[] partHeader = ("--" + boundary + "\r\nContent-Type: application/dicom\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] buffer = new byte[BUFFER_BYTES];
        for (Path file : files) {
            out.write(partHeader);
            out.write(("Content-Length: " + Files.size(file) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            try (InputStream in = Files.newInputStream(file)) {
                for (int n; (n = in.read(buffer)) > 0; ) {
                    out.write(buffer, 0, n);
                }
            }
            out.write(new byte[] {'\r', '\n'});
        }
        out.write(("--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
    }
}
