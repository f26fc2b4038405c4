package org.smartimaging.render;

import java.io.IOException;
import java.io.OutputStream;
import org.smartimaging.spi.ResponseBody;

/** A rendered image, encoded: small enough to hold in memory (one output image), sent as it is. */
public record RenderedImage(byte[] bytes, String mediaType) implements ResponseBody {

    @Override
    public String contentType() {
        return mediaType;
    }

    @Override
    public long contentLength() {
        return bytes.length;
    }

    @Override
    public void writeTo(OutputStream out) throws IOException {
        out.write(bytes);
    }
}
