package org.smartimaging.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smartimaging.dicom.Attributes;
import org.smartimaging.dicom.DicomFileWriter;
import org.smartimaging.dicom.Tag;
import org.smartimaging.dicom.Uids;
import org.smartimaging.dicom.VR;
import org.smartimaging.spi.ImagingException;

/** Rendered pixels are what PS3.3's modality and VOI LUT formulas say they are. */
class RendererTest {

    @TempDir
    Path dir;

    /** 16-bit unsigned, 4096 columns x 2 rows: column x holds stored value x; rescale makes it x - 1024. */
    private Path gradient16(String transferSyntax, String photometric) throws Exception {
        int columns = 4096;
        Attributes a = image(2, columns, 16, 12, false, photometric);
        a.setDouble(Tag.RescaleSlope, VR.DS, 1);
        a.setDouble(Tag.RescaleIntercept, VR.DS, -1024);
        a.setDouble(Tag.WindowCenter, VR.DS, 40);
        a.setDouble(Tag.WindowWidth, VR.DS, 400);
        byte[] pixels = new byte[2 * columns * 2];
        for (int row = 0; row < 2; row++) {
            for (int x = 0; x < columns; x++) {
                int o = 2 * (row * columns + x);
                pixels[o] = (byte) x;
                pixels[o + 1] = (byte) (x >> 8);
            }
        }
        a.setBytes(Tag.PixelData, VR.OW, pixels);
        Path file = dir.resolve("gradient-" + transferSyntax + ".dcm");
        DicomFileWriter.write(file, a, transferSyntax);
        return file;
    }

    private static Attributes image(int rows, int columns, int allocated, int stored, boolean signed, String photometric) {
        Attributes a = new Attributes();
        a.setString(Tag.SOPClassUID, VR.UI, Uids.SecondaryCaptureImageStorage);
        a.setString(Tag.SOPInstanceUID, VR.UI, "1.2.3.4");
        a.setInt(Tag.SamplesPerPixel, VR.US, 1);
        a.setString(Tag.PhotometricInterpretation, VR.CS, photometric);
        a.setInt(Tag.Rows, VR.US, rows);
        a.setInt(Tag.Columns, VR.US, columns);
        a.setInt(Tag.BitsAllocated, VR.US, allocated);
        a.setInt(Tag.BitsStored, VR.US, stored);
        a.setInt(Tag.HighBit, VR.US, stored - 1);
        a.setInt(Tag.PixelRepresentation, VR.US, signed ? 1 : 0);
        return a;
    }

    private static BufferedImage png(RenderedImage image) throws Exception {
        assertThat(image.mediaType()).isEqualTo("image/png");
        return ImageIO.read(new ByteArrayInputStream(image.bytes()));
    }

    private static int gray(BufferedImage image, int x, int y) {
        return image.getRaster().getSample(x, y, 0);
    }

    @Test
    void linearExactWindowMapsKnownHounsfieldValuesToKnownGrayLevels() throws Exception {
        Path file = gradient16(Uids.ExplicitVRLittleEndian, "MONOCHROME2");
        // window 1000 +- 500 over modality values (stored - 1024)
        RenderOptions options = RenderOptions.fromRequest(null, Map.of("window", List.of("1000,1000,linear-exact")), false);

        BufferedImage out = png(Renderer.render(file, options));

        assertThat(out.getWidth()).isEqualTo(4096);
        assertThat(out.getHeight()).isEqualTo(2);
        assertThat(gray(out, 1024, 0)).isZero();               // HU 0: below the window
        assertThat(gray(out, 1024 + 500, 0)).isZero();         // HU 500: lower edge
        assertThat(gray(out, 1024 + 750, 0)).isEqualTo(64);    // (750-1000)/1000+0.5 = 0.25 -> 63.75
        assertThat(gray(out, 1024 + 1000, 1)).isEqualTo(128);  // 127.5 rounds up
        assertThat(gray(out, 1024 + 1250, 0)).isEqualTo(191);  // 191.25
        assertThat(gray(out, 1024 + 1500, 0)).isEqualTo(255);  // upper edge
        assertThat(gray(out, 4095, 0)).isEqualTo(255);
    }

    @Test
    void fileWindowWithLinearFunctionIsTheDefault() throws Exception {
        Path file = gradient16(Uids.ImplicitVRLittleEndian, "MONOCHROME2");

        BufferedImage out = png(Renderer.render(file, RenderOptions.defaults()));

        // LINEAR, c=40, w=400: 0 at or below -160, 255 above 239, ((x-39.5)/399+0.5)*255 between
        assertThat(gray(out, 1024 - 160, 0)).isZero();
        assertThat(gray(out, 1024 + 240, 0)).isEqualTo(255);
        assertThat(gray(out, 1024 + 40, 0)).isEqualTo((int) Math.round(((40 - 39.5) / 399 + 0.5) * 255));
        assertThat(gray(out, 1024 + 100, 0)).isEqualTo((int) Math.round(((100 - 39.5) / 399 + 0.5) * 255));
    }

    @Test
    void bigEndianAndMonochrome1AreHonoured() throws Exception {
        Path file = gradient16(Uids.ExplicitVRBigEndian, "MONOCHROME1");
        RenderOptions options = RenderOptions.fromRequest(null, Map.of("window", List.of("1000,1000,linear-exact")), false);

        BufferedImage out = png(Renderer.render(file, options));

        assertThat(gray(out, 1024 + 500, 0)).isEqualTo(255);
        assertThat(gray(out, 1024 + 750, 0)).isEqualTo(255 - 64);
        assertThat(gray(out, 4095, 0)).isZero();
    }

    @Test
    void signedEightBitWithoutWindowSpansItsRange() throws Exception {
        Attributes a = image(1, 256, 8, 8, true, "MONOCHROME2");
        byte[] pixels = new byte[256];
        for (int x = 0; x < 256; x++) {
            pixels[x] = (byte) (x - 128); // -128 .. 127
        }
        a.setBytes(Tag.PixelData, VR.OB, pixels);
        Path file = dir.resolve("signed.dcm");
        DicomFileWriter.write(file, a, Uids.ExplicitVRLittleEndian);

        BufferedImage out = png(Renderer.render(file, RenderOptions.defaults()));

        assertThat(gray(out, 0, 0)).isZero();
        assertThat(gray(out, 255, 0)).isEqualTo(255);
        assertThat(gray(out, 128, 0)).isEqualTo(128); // value 0 at the middle of -128..127
    }

    @Test
    void rgbIsKeptAndViewportShrinksKeepingAspect() throws Exception {
        Attributes a = image(64, 128, 8, 8, false, "RGB");
        a.setInt(Tag.SamplesPerPixel, VR.US, 3);
        a.setInt(Tag.PlanarConfiguration, VR.US, 0);
        byte[] pixels = new byte[64 * 128 * 3];
        for (int i = 0; i < 64 * 128; i++) {
            pixels[3 * i] = (byte) 200;
            pixels[3 * i + 1] = 10;
            pixels[3 * i + 2] = 50;
        }
        a.setBytes(Tag.PixelData, VR.OB, pixels);
        Path file = dir.resolve("rgb.dcm");
        DicomFileWriter.write(file, a, Uids.ExplicitVRLittleEndian);

        BufferedImage out = png(Renderer.render(file, RenderOptions.fromRequest("image/png", Map.of("viewport", List.of("32,32")), false)));

        assertThat(out.getWidth()).isEqualTo(32);
        assertThat(out.getHeight()).isEqualTo(16);
        assertThat(out.getRGB(5, 5) & 0xffffff).isEqualTo(200 << 16 | 10 << 8 | 50);
    }

    @Test
    void jpegIsSentWhenAcceptedAndThumbnailsAreSmall() throws Exception {
        Path file = gradient16(Uids.ExplicitVRLittleEndian, "MONOCHROME2");

        RenderedImage image = Renderer.render(file, RenderOptions.fromRequest("image/jpeg", Map.of(), true));

        assertThat(image.mediaType()).isEqualTo("image/jpeg");
        BufferedImage out = ImageIO.read(new ByteArrayInputStream(image.bytes()));
        assertThat(out.getWidth()).isEqualTo(RenderOptions.THUMBNAIL_SIZE);
    }

    @Test
    void baselineJpegPixelDataIsDecoded() throws Exception {
        BufferedImage source = new BufferedImage(32, 16, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 32; x++) {
                source.getRaster().setSample(x, y, 0, 180);
            }
        }
        java.io.ByteArrayOutputStream jpeg = new java.io.ByteArrayOutputStream();
        ImageIO.write(source, "jpeg", jpeg);
        Attributes a = image(16, 32, 8, 8, false, "MONOCHROME2");
        a.setFragments(Tag.PixelData, VR.OB, List.of(new byte[0], pad(jpeg.toByteArray())));
        Path file = dir.resolve("jpeg.dcm");
        DicomFileWriter.write(file, a, Uids.JPEGBaseline8Bit);

        BufferedImage out = png(Renderer.render(file, RenderOptions.defaults()));

        assertThat(out.getWidth()).isEqualTo(32);
        assertThat(gray(out, 10, 8)).isBetween(176, 184);
    }

    private static byte[] pad(byte[] b) {
        return b.length % 2 == 0 ? b : java.util.Arrays.copyOf(b, b.length + 1);
    }

    @Test
    void badParametersAndUnacceptableTypesAreRefused() {
        assertThatThrownBy(() -> RenderOptions.fromRequest(null, Map.of("window", List.of("40")), false))
                .isInstanceOf(ImagingException.BadRequest.class);
        assertThatThrownBy(() -> RenderOptions.fromRequest(null, Map.of("viewport", List.of("99999,1")), false))
                .isInstanceOf(ImagingException.BadRequest.class);
        assertThatThrownBy(() -> RenderOptions.fromRequest("application/dicom", Map.of(), false))
                .isInstanceOf(ImagingException.NotAcceptable.class);
    }
}
