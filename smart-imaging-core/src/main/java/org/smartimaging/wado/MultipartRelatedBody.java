package org.smartimaging.wado;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import org.smartimaging.spi.ResponseBody;

/**
 * A WADO-RS {@code multipart/related} body (PS3.18 8.6.1.2) written part by part: each part is
 * opened only when its turn comes (a file region, a transcoded instance, a vendor's stream), so
 * memory stays flat whatever the number of parts.
 */
public final class MultipartRelatedBody implements ResponseBody {

    private final String type;
    private final String transferSyntax;
    private final Iterable<? extends BodyPart> parts;
    private final String boundary = UUID.randomUUID().toString();
    private String entityTag;

    /**
     * @param type the media type of the parts, e.g. {@code application/dicom}
     * @param transferSyntax the transfer syntax all parts share, named in the body's content type, or null
     * @param parts the parts, iterated once when the body is written
     */
    public MultipartRelatedBody(String type, String transferSyntax, Iterable<? extends BodyPart> parts) {
        this.type = Objects.requireNonNull(type, "type");
        this.transferSyntax = transferSyntax;
        this.parts = Objects.requireNonNull(parts, "parts");
    }

    /** DICOM files as stored, each part {@code application/dicom}. */
    public MultipartRelatedBody(List<Path> files) {
        this("application/dicom", null, List.copyOf(files).stream().map(MultipartRelatedBody::storedFile).toList());
        this.entityTag = FileValidator.of(files);
    }

    private static BodyPart storedFile(Path file) {
        return new BodyPart() {
            @Override
            public String contentType() {
                return "application/dicom";
            }

            @Override
            public long length() {
                try {
                    return Files.size(file);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }

            @Override
            public void writeTo(OutputStream out) throws IOException {
                BodyPart.ofFile(contentType(), file, length()).writeTo(out);
            }
        };
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

    @Override
    public void writeTo(OutputStream out) throws IOException {
        try {
            writeParts(out);
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private void writeParts(OutputStream out) throws IOException {
        for (BodyPart part : parts) {
            long length = part.length();
            String header = "--" + boundary + "\r\nContent-Type: " + part.contentType() + "\r\n"
                    + (length >= 0 ? "Content-Length: " + length + "\r\n" : "") + "\r\n";
            out.write(header.getBytes(StandardCharsets.US_ASCII));
            part.writeTo(out);
            out.write(new byte[] {'\r', '\n'});
        }
        out.write(("--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
    }
}
