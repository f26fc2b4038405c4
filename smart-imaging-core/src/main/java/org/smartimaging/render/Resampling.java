package org.smartimaging.render;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;

/**
 * Scales a rendered image to fit a viewport, keeping its aspect ratio: box averaging when it
 * shrinks, nearest neighbour when it grows. Works on the samples directly, so gray values are
 * not altered by colour-space conversions.
 */
final class Resampling {

    private Resampling() {
    }

    static BufferedImage fit(BufferedImage image, int viewportWidth, int viewportHeight) {
        if (viewportWidth == 0) {
            return image;
        }
        double scale = Math.min((double) viewportWidth / image.getWidth(), (double) viewportHeight / image.getHeight());
        int w = Math.max(1, (int) Math.round(image.getWidth() * scale));
        int h = Math.max(1, (int) Math.round(image.getHeight() * scale));
        if (w == image.getWidth() && h == image.getHeight()) {
            return image;
        }
        boolean gray = image.getType() == BufferedImage.TYPE_BYTE_GRAY;
        BufferedImage out = new BufferedImage(w, h, gray ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_INT_RGB);
        int sw = image.getWidth();
        int sh = image.getHeight();
        byte[] grayIn = gray ? ((DataBufferByte) image.getRaster().getDataBuffer()).getData() : null;
        byte[] grayOut = gray ? ((DataBufferByte) out.getRaster().getDataBuffer()).getData() : null;
        int[] rgbIn = gray ? null : image.getRGB(0, 0, sw, sh, null, 0, sw);
        int[] rgbOut = gray ? null : new int[w * h];
        for (int y = 0; y < h; y++) {
            int y0 = (int) ((long) y * sh / h);
            int y1 = Math.max(y0 + 1, (int) ((long) (y + 1) * sh / h));
            for (int x = 0; x < w; x++) {
                int x0 = (int) ((long) x * sw / w);
                int x1 = Math.max(x0 + 1, (int) ((long) (x + 1) * sw / w));
                long r = 0;
                long g = 0;
                long b = 0;
                int count = 0;
                for (int sy = y0; sy < y1; sy++) {
                    for (int sx = x0; sx < x1; sx++) {
                        if (gray) {
                            r += grayIn[sy * sw + sx] & 0xff;
                        } else {
                            int c = rgbIn[sy * sw + sx];
                            r += c >> 16 & 0xff;
                            g += c >> 8 & 0xff;
                            b += c & 0xff;
                        }
                        count++;
                    }
                }
                if (gray) {
                    grayOut[y * w + x] = (byte) Math.round((double) r / count);
                } else {
                    rgbOut[y * w + x] = (int) Math.round((double) r / count) << 16
                            | (int) Math.round((double) g / count) << 8 | (int) Math.round((double) b / count);
                }
            }
        }
        if (!gray) {
            out.setRGB(0, 0, w, h, rgbOut, 0, w);
        }
        return out;
    }
}
