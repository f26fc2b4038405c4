package org.smartimaging.render;

import org.smartimaging.spi.ResponseBody;

/** A rendered image, encoded: small enough to hold in memory (one output image). */
public record RenderedImage(byte[] bytes, String mediaType) {

    /** The image as a response body. */
    public ResponseBody body() {
        return ResponseBody.ofBytes(mediaType, bytes);
    }
}
