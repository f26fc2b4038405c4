package org.smartimaging.render;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;
import org.smartimaging.dicom.Attributes;
import org.smartimaging.dicom.DicomFile;
import org.smartimaging.dicom.DicomFiles;
import org.smartimaging.dicom.ReadOptions;
import org.smartimaging.dicom.Tag;
import org.smartimaging.dicom.Uids;
import org.smartimaging.spi.ImagingException;

/**
 * Renders one frame of a DICOM image as PNG or JPEG for consumers (WADO-RS {@code rendered} and
 * {@code thumbnail}, PS3.18 10.4): uncompressed MONOCHROME1/2 (8 or 16 bits, signed or unsigned,
 * through rescale and a VOI window) and RGB, and baseline JPEG (decoded with {@code javax.imageio}).
 *
 * <p>Memory stays bounded: an image larger than {@link #MAX_PIXELS} (rows x columns x frames) is
 * refused, only the rendered frame of uncompressed pixel data is read, and at most
 * {@link #MAX_CONCURRENT} images are rendered at once (others wait, then answer 503).
 */
public final class Renderer {

    /** Largest rows x columns x frames rendered. */
    public static final long MAX_PIXELS = 64L * 1024 * 1024;
    /** Renderings in progress at once in this process. */
    public static final int MAX_CONCURRENT = Math.max(2, Runtime.getRuntime().availableProcessors());

    private static final int VOI_LUT_FUNCTION = 0x00281056;
    private static final Semaphore PERMITS = new Semaphore(MAX_CONCURRENT, true);

    private Renderer() {
    }

    /**
     * Renders the first frame of {@code dicomFile}.
     *
     * @throws ImagingException.NotAcceptable when the image's encoding cannot be rendered
     * @throws ImagingException.TooLarge when the image is larger than {@link #MAX_PIXELS}
     * @throws ImagingException.RetryLater when too many renderings are in progress for too long
     */
    public static RenderedImage render(Path dicomFile, RenderOptions options) throws IOException {
        return render(dicomFile, 1, options);
    }

    /** Renders frame {@code frame} (1-based) of {@code dicomFile}. */
    public static RenderedImage render(Path dicomFile, int frame, RenderOptions options) throws IOException {
        try {
            if (!PERMITS.tryAcquire(10, TimeUnit.SECONDS)) {
                throw new ImagingException.RetryLater(java.time.Duration.ofSeconds(2), "Too many images are being rendered");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ImagingException.RetryLater(java.time.Duration.ofSeconds(2), "Rendering was interrupted");
        }
        try {
            BufferedImage image = decode(dicomFile, frame, options.window());
            image = Resampling.fit(image, options.viewportWidth(), options.viewportHeight());
            return new RenderedImage(encode(image, options), options.mediaType().type());
        } finally {
            PERMITS.release();
        }
    }

    // ---------------------------------------------------------------- decoding

    private static BufferedImage decode(Path file, int frame, Window window) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 64 * 1024)) {
            DicomFile dicom = DicomFiles.read(in, ReadOptions.attributesOnly());
            Attributes a = dicom.dataset();
            PixelModule pixels = PixelModule.of(a);
            if (frame < 1 || frame > pixels.frames()) {
                throw new ImagingException.NotFound("The image has no frame " + frame);
            }
            String ts = dicom.transferSyntaxUid();
            if (!a.contains(Tag.PixelData)) {
                throw new ImagingException.NotAcceptable("The instance has no pixel data to render");
            }
            if (ts.equals(Uids.JPEGBaseline8Bit)) {
                return decodeJpeg(file, pixels, frame, window);
            }
            boolean bigEndian = ts.equals(Uids.ExplicitVRBigEndian);
            if (!ts.equals(Uids.ExplicitVRLittleEndian) && !ts.equals(Uids.ImplicitVRLittleEndian) && !bigEndian) {
                if (!ts.equals(Uids.DeflatedExplicitVRLittleEndian)) {
                    throw new ImagingException.NotAcceptable(
                            "Images in transfer syntax " + ts + " cannot be rendered here (uncompressed and baseline JPEG can)");
                }
                byte[] all = DicomFiles.read(file, ReadOptions.defaults().withMaxPixelDataLength(pixels.totalBytes() + 2))
                        .dataset().bytes(Tag.PixelData);
                return fromNative(pixels, slice(all, pixels, frame), a, window);
            }
            // The stream is at the first byte of the native pixel data: read only this frame.
            long skip = (frame - 1) * pixels.frameBytes();
            if (skip > 0) {
                in.skipNBytes(skip);
            }
            byte[] data = in.readNBytes((int) pixels.frameBytes());
            if (data.length < pixels.frameBytes()) {
                throw new ImagingException.NotAcceptable("The pixel data is shorter than rows x columns x samples");
            }
            if (bigEndian && pixels.bitsAllocated() == 16) {
                for (int i = 0; i + 1 < data.length; i += 2) {
                    byte t = data[i];
                    data[i] = data[i + 1];
                    data[i + 1] = t;
                }
            }
            return fromNative(pixels, data, a, window);
        }
    }

    private static byte[] slice(byte[] all, PixelModule pixels, int frame) {
        long from = (frame - 1) * pixels.frameBytes();
        if (all == null || all.length < from + pixels.frameBytes()) {
            throw new ImagingException.NotAcceptable("The pixel data is shorter than rows x columns x samples");
        }
        return java.util.Arrays.copyOfRange(all, (int) from, (int) (from + pixels.frameBytes()));
    }

    private static BufferedImage fromNative(PixelModule p, byte[] data, Attributes a, Window window) {
        if (p.samplesPerPixel() == 3) {
            return rgb(p, data);
        }
        int n = p.rows() * p.columns();
        double slope = orDefault(a.getDouble(Tag.RescaleSlope), 1);
        double intercept = orDefault(a.getDouble(Tag.RescaleIntercept), 0);
        double[] values = new double[n];
        int bits = p.bitsStored();
        int mask = (int) ((1L << bits) - 1);
        int sign = 1 << (bits - 1);
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            int raw = p.bitsAllocated() == 8 ? data[i] & 0xff : (data[2 * i] & 0xff) | (data[2 * i + 1] & 0xff) << 8;
            raw &= mask;
            if (p.signed() && (raw & sign) != 0) {
                raw -= 1 << bits;
            }
            double v = raw * slope + intercept;
            values[i] = v;
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        Window w = window != null ? window : ownWindow(a, min, max);
        BufferedImage image = new BufferedImage(p.columns(), p.rows(), BufferedImage.TYPE_BYTE_GRAY);
        byte[] out = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
        boolean invert = p.photometric().equals("MONOCHROME1");
        for (int i = 0; i < n; i++) {
            int y = (int) Math.round(w.apply(values[i], 255));
            out[i] = (byte) (invert ? 255 - y : y);
        }
        return image;
    }

    /** The image's first window (and VOI LUT function), else one spanning the frame's values. */
    private static Window ownWindow(Attributes a, double min, double max) {
        Double center = a.getDouble(Tag.WindowCenter);
        Double width = a.getDouble(Tag.WindowWidth);
        if (center != null && width != null) {
            try {
                String function = a.getString(VOI_LUT_FUNCTION);
                Window.Function f = function == null ? Window.Function.LINEAR
                        : Window.Function.parse(function.replace('_', '-'));
                return new Window(center, width, f);
            } catch (IllegalArgumentException e) {
                // an unusable window in the file: fall through to the frame's range
            }
        }
        return new Window((min + max) / 2, Math.max(max - min, 1e-6), Window.Function.LINEAR_EXACT);
    }

    private static BufferedImage rgb(PixelModule p, byte[] data) {
        int n = p.rows() * p.columns();
        BufferedImage image = new BufferedImage(p.columns(), p.rows(), BufferedImage.TYPE_INT_RGB);
        int[] rgb = new int[n];
        boolean planar = p.planarConfiguration() == 1;
        for (int i = 0; i < n; i++) {
            int r;
            int g;
            int b;
            if (planar) {
                r = data[i] & 0xff;
                g = data[n + i] & 0xff;
                b = data[2 * n + i] & 0xff;
            } else {
                r = data[3 * i] & 0xff;
                g = data[3 * i + 1] & 0xff;
                b = data[3 * i + 2] & 0xff;
            }
            if (p.photometric().equals("YBR_FULL")) {
                int[] c = ybrToRgb(r, g, b);
                r = c[0];
                g = c[1];
                b = c[2];
            }
            rgb[i] = r << 16 | g << 8 | b;
        }
        image.setRGB(0, 0, p.columns(), p.rows(), rgb, 0, p.columns());
        return image;
    }

    private static int[] ybrToRgb(int y, int cb, int cr) {
        int r = (int) Math.round(y + 1.402 * (cr - 128));
        int g = (int) Math.round(y - 0.344136 * (cb - 128) - 0.714136 * (cr - 128));
        int b = (int) Math.round(y + 1.772 * (cb - 128));
        return new int[] {clamp(r), clamp(g), clamp(b)};
    }

    private static int clamp(int v) {
        return Math.max(0, Math.min(255, v));
    }

    private static BufferedImage decodeJpeg(Path file, PixelModule pixels, int frame, Window window) throws IOException {
        Attributes a = DicomFiles.read(file, ReadOptions.defaults().withMaxPixelDataLength(pixels.totalBytes() + (1 << 20)))
                .dataset();
        List<byte[]> fragments = a.fragments(Tag.PixelData);
        if (fragments == null || fragments.size() < 2) {
            throw new ImagingException.NotAcceptable("The JPEG pixel data has no fragments");
        }
        List<byte[]> items = fragments.subList(1, fragments.size());
        List<byte[]> frameItems;
        if (pixels.frames() == 1) {
            frameItems = items;
        } else if (items.size() == pixels.frames()) {
            frameItems = List.of(items.get(frame - 1));
        } else {
            throw new ImagingException.NotAcceptable("Multi-frame JPEG with several fragments per frame is not rendered");
        }
        InputStream jpeg = new SequenceInputStream(Collections.enumeration(
                frameItems.stream().map(b -> (InputStream) new ByteArrayInputStream(b)).toList()));
        BufferedImage decoded;
        try (ImageInputStream iis = ImageIO.createImageInputStream(jpeg)) {
            Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName("jpeg");
            if (!readers.hasNext()) {
                throw new ImagingException.NotAcceptable("No JPEG decoder in this Java runtime");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(iis);
                decoded = reader.read(0);
            } finally {
                reader.dispose();
            }
        } catch (javax.imageio.IIOException e) {
            throw new ImagingException.NotAcceptable("The JPEG pixel data cannot be decoded");
        }
        if (pixels.samplesPerPixel() == 1 && window != null) {
            BufferedImage gray = new BufferedImage(decoded.getWidth(), decoded.getHeight(), BufferedImage.TYPE_BYTE_GRAY);
            byte[] out = ((DataBufferByte) gray.getRaster().getDataBuffer()).getData();
            double slope = orDefault(a.getDouble(Tag.RescaleSlope), 1);
            double intercept = orDefault(a.getDouble(Tag.RescaleIntercept), 0);
            var raster = decoded.getRaster();
            for (int y = 0; y < decoded.getHeight(); y++) {
                for (int x = 0; x < decoded.getWidth(); x++) {
                    double v = raster.getSample(x, y, 0) * slope + intercept;
                    out[y * decoded.getWidth() + x] = (byte) Math.round(window.apply(v, 255));
                }
            }
            return gray;
        }
        return decoded;
    }

    private static double orDefault(Double value, double fallback) {
        return value == null || !Double.isFinite(value) ? fallback : value;
    }

    // ---------------------------------------------------------------- encoding

    private static byte[] encode(BufferedImage image, RenderOptions options) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);
        Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName(options.mediaType().imageIoFormat());
        ImageWriter writer = writers.next();
        try (ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(ios);
            ImageWriteParam param = writer.getDefaultWriteParam();
            if (options.mediaType() == RenderOptions.MediaType.JPEG) {
                param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
                param.setCompressionQuality(options.quality() / 100f);
            }
            writer.write(null, new IIOImage(image, null, null), param);
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }

    /** The Image Pixel module attributes (PS3.3 C.7.6.3) this renderer needs, checked. */
    private record PixelModule(int rows, int columns, int frames, int samplesPerPixel, int bitsAllocated,
            int bitsStored, boolean signed, String photometric, int planarConfiguration) {

        static PixelModule of(Attributes a) {
            Integer rows = a.getInt(Tag.Rows);
            Integer columns = a.getInt(Tag.Columns);
            if (rows == null || columns == null || rows < 1 || columns < 1) {
                throw new ImagingException.NotAcceptable("The instance is not an image (no Rows and Columns)");
            }
            int frames = 1;
            String nf = a.getString(Tag.NumberOfFrames);
            if (nf != null) {
                try {
                    frames = Math.max(1, Integer.parseInt(nf.strip()));
                } catch (NumberFormatException e) {
                    throw new ImagingException.NotAcceptable("Number of Frames is not a number");
                }
            }
            if ((long) rows * columns * frames > MAX_PIXELS) {
                throw new ImagingException.TooLarge("The image is larger than " + MAX_PIXELS + " pixels (rows x columns x frames)");
            }
            int samples = orInt(a.getInt(Tag.SamplesPerPixel), 1);
            int allocated = orInt(a.getInt(Tag.BitsAllocated), 0);
            int stored = orInt(a.getInt(Tag.BitsStored), allocated);
            String photometric = a.getString(Tag.PhotometricInterpretation);
            photometric = photometric == null ? "" : photometric.strip().toUpperCase(Locale.ROOT);
            boolean mono = photometric.equals("MONOCHROME1") || photometric.equals("MONOCHROME2");
            boolean color = photometric.equals("RGB") || photometric.equals("YBR_FULL") || photometric.startsWith("YBR_FULL_422");
            if (!(mono && samples == 1 && (allocated == 8 || allocated == 16) && stored >= 1 && stored <= allocated)
                    && !(color && samples == 3 && allocated == 8)) {
                throw new ImagingException.NotAcceptable("Images with " + photometric + ", " + samples + " samples of "
                        + allocated + " bits cannot be rendered here");
            }
            return new PixelModule(rows, columns, frames, samples, allocated, stored,
                    orInt(a.getInt(Tag.PixelRepresentation), 0) == 1, photometric, orInt(a.getInt(Tag.PlanarConfiguration), 0));
        }

        long frameBytes() {
            return (long) rows * columns * samplesPerPixel * (bitsAllocated / 8);
        }

        long totalBytes() {
            return frameBytes() * frames;
        }

        private static int orInt(Integer value, int fallback) {
            return value == null ? fallback : value;
        }
    }
}
