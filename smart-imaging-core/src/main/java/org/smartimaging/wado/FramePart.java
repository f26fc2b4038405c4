package org.smartimaging.wado;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import javax.imageio.ImageIO;
import org.smartimaging.spi.ImagingException;
import org.smartimaging.wado.BodyPart.Region;

/**
 * The parts of a frames answer in one chosen syntax: stored frames straight from their file
 * regions; native frames byte-swapped for big endian; baseline JPEG frames decoded to native
 * (8-bit samples, interleaved, color as RGB) with {@code javax.imageio}.
 */
final class FramePart {

    private final StoredPixelData pixels;
    private final String target;
    private final String contentType;

    FramePart(StoredPixelData pixels, String target, String contentType) {
        this.pixels = pixels;
        this.target = target;
        this.contentType = contentType;
    }

    /** Whether this SDK decodes the stored syntax to native frames. */
    static boolean decodable(StoredPixelData pixels) {
        return pixels.transferSyntax().equals(TransferSyntaxes.JPEG_BASELINE) && pixels.bitsAllocated() == 8;
    }

    /** Whether every part is a region of the stored file (nothing transcoded or inflated). */
    boolean inPlace() {
        if (!pixels.inPlace()) {
            return false;
        }
        if (pixels.isNative()) {
            boolean storedBig = pixels.transferSyntax().equals(TransferSyntaxes.EXPLICIT_BE);
            return storedBig == target.equals(TransferSyntaxes.EXPLICIT_BE) || pixels.bitsAllocated() <= 8;
        }
        return target.equals(pixels.transferSyntax());
    }

    BodyPart part(int frame) {
        try {
            return build(frame);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private BodyPart build(int frame) throws IOException {
        boolean bigEndianTarget = target.equals(TransferSyntaxes.EXPLICIT_BE);
        if (pixels.isNative()) {
            boolean storedBig = pixels.transferSyntax().equals(TransferSyntaxes.EXPLICIT_BE);
            boolean swap = storedBig != bigEndianTarget && pixels.bitsAllocated() > 8;
            if (pixels.inPlace() && !swap) {
                return BodyPart.ofRegions(contentType, pixelsFile(), pixels.nativeFrame(frame));
            }
            byte[] bytes = pixels.inPlace() ? read(pixels.nativeFrame(frame)) : pixels.inflatedFrame(frame);
            if (swap) {
                swap(bytes, pixels.bitsAllocated() / 8);
            }
            return BodyPart.ofBytes(contentType, bytes);
        }
        List<Region> fragments = pixels.encapsulatedFrame(frame);
        if (target.equals(pixels.transferSyntax())) {
            return BodyPart.ofRegions(contentType, pixelsFile(), fragments);
        }
        return BodyPart.ofBytes(contentType, decodeJpeg(read(fragments)));
    }

    private java.nio.file.Path pixelsFile() {
        return pixels.file();
    }

    private byte[] read(List<Region> regions) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BodyPart.ofRegions(contentType, pixels.file(), regions).writeTo(out);
        return out.toByteArray();
    }

    private static byte[] decodeJpeg(byte[] jpeg) throws IOException {
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(jpeg));
        if (image == null) {
            throw new ImagingException.NotAcceptable("A JPEG frame could not be decoded");
        }
        Raster raster = image.getRaster();
        int w = image.getWidth();
        int h = image.getHeight();
        if (raster.getNumBands() == 1 && raster.getDataBuffer() instanceof DataBufferByte data && raster.getTransferType() == java.awt.image.DataBuffer.TYPE_BYTE) {
            byte[] gray = new byte[w * h];
            raster.getDataElements(0, 0, w, h, gray);
            return gray;
        }
        byte[] rgb = new byte[w * h * 3];
        int i = 0;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int p = image.getRGB(x, y);
                rgb[i++] = (byte) (p >> 16);
                rgb[i++] = (byte) (p >> 8);
                rgb[i++] = (byte) p;
            }
        }
        return rgb;
    }

    static byte[] swapped(byte[] bytes, int unit) {
        byte[] copy = bytes.clone();
        swap(copy, unit);
        return copy;
    }

    private static void swap(byte[] bytes, int unit) {
        for (int i = 0; i + unit <= bytes.length; i += unit) {
            for (int a = i, b = i + unit - 1; a < b; a++, b--) {
                byte t = bytes[a];
                bytes[a] = bytes[b];
                bytes[b] = t;
            }
        }
    }
}
