package org.smartimaging.render;

/** A rendered image, encoded: small enough to hold in memory (one output image). */
public record RenderedImage(byte[] bytes, String mediaType) {
}
