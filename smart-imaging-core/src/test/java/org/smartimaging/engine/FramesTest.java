package org.smartimaging.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.smartimaging.engine.EngineFixture.get;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smartimaging.engine.EngineFixture.Answer;
import org.smartimaging.testing.Dcmtk;
import org.smartimaging.testing.Multipart;
import org.smartimaging.testing.PixelFixtures;
import org.smartimaging.testing.PixelFixtures.Image;

/**
 * WADO-RS frames from the folder source, byte for byte what dcmtk extracts from the same files:
 * native frames of every uncompressed syntax, encapsulated frames (one fragment per frame, several
 * fragments per frame, with and without a Basic Offset Table), single- and multi-frame.
 */
class FramesTest {

    static final String STUDY = "1.2.826.0.1.3680043.10.543.1";
    static final String SERIES = STUDY + ".1";
    static final String OCTETS_ANY = "multipart/related; type=\"application/octet-stream\"; transfer-syntax=*";
    static final String ELE = "1.2.840.10008.1.2.1";

    @TempDir
    Path data;
    @TempDir
    Path scratch;

    private ImagingEngine engine;
    private Path studies;
    private int next;

    @BeforeEach
    void setUp() {
        studies = data.resolve("studies");
    }

    @AfterEach
    void tearDown() {
        if (engine != null) {
            engine.close();
        }
    }

    private Image image(int rows, int columns, int bits) {
        return new Image(STUDY, SERIES, SERIES + "." + (++next), rows, columns, bits, 1);
    }

    private String wado() {
        if (engine == null) {
            engine = new ImagingEngine(ServerOptions.builder().dataDirectory(data).randomStudyTokenKey()
                    .builtInConfig("open", "{\"authorization\": {\"type\": \"mock\", \"disableAuthzChecks\": true},"
                            + " \"images\": {\"type\": \"folder\", \"directory\": \"studies\", \"lookup\": \"all-studies-on-server\"}}")
                    .build());
        }
        return get(engine, "/open/fhir/ImagingStudy", (String) null).json().path("entry").get(0)
                .path("resource").path("contained").get(0).path("address").asText();
    }

    private Answer frames(Image image, String list, String accept) {
        String path = wado() + "/studies/" + STUDY + "/series/" + SERIES + "/instances/" + image.sopUid() + "/frames/" + list;
        return get(engine, path, accept == null ? Map.of() : Map.of("Accept", accept));
    }

    private static List<byte[]> slices(byte[] value, int size) {
        return java.util.stream.IntStream.range(0, value.length / size)
                .mapToObj(i -> Arrays.copyOfRange(value, i * size, (i + 1) * size)).toList();
    }

    @Test
    void nativeFramesOfEveryUncompressedSyntaxAreDcmtksValueCutByFrame() {
        Image explicit = image(32, 48, 16);
        byte[][] pixels = PixelFixtures.frames(explicit, 3, 1);
        Path ele = PixelFixtures.nativeFile(studies.resolve("ele.dcm"), explicit, pixels, "+te");
        List<byte[]> reference = slices(PixelFixtures.dcmdumpValues(ele, scratch).get(0), explicit.frameBytes());
        assertThat(reference).hasSize(3);

        Image implicit = image(32, 48, 16);
        PixelFixtures.nativeFile(studies.resolve("ile.dcm"), implicit, pixels, "+ti");
        Image big = image(32, 48, 16);
        PixelFixtures.nativeFile(studies.resolve("ebe.dcm"), big, pixels, "+tb");
        Image deflated = image(32, 48, 16);
        Path source = PixelFixtures.nativeFile(scratch.resolve("d.dcm"), deflated, pixels, "+te");
        Dcmtk.dcmconv(source, studies.resolve("deflated.dcm"), "+td");

        for (Image image : List.of(explicit, implicit, big, deflated)) {
            Answer answer = frames(image, "3,1,2", OCTETS_ANY);
            assertThat(answer.status()).as(answer.text()).isEqualTo(200);
            assertThat(answer.contentType()).startsWith("multipart/related; type=\"application/octet-stream\"");
            List<Multipart.Part> parts = Multipart.partsWithHeaders(answer.contentType(), answer.body());
            assertThat(parts).extracting(Multipart.Part::body)
                    .containsExactly(reference.get(2), reference.get(0), reference.get(1));
            assertThat(parts).extracting(Multipart.Part::contentType)
                    .containsOnly("application/octet-stream; transfer-syntax=" + ELE);
        }
    }

    @Test
    void singleFrameEightBitNativeFrameIsTheWholeValue() {
        Image image = image(31, 17, 8);
        byte[][] pixels = PixelFixtures.frames(image, 1, 2);
        Path file = PixelFixtures.nativeFile(studies.resolve("one.dcm"), image, pixels, "+te");
        byte[] reference = PixelFixtures.dcmdumpValues(file, scratch).get(0);

        Answer answer = frames(image, "1", "multipart/related; type=\"application/octet-stream\"");
        assertThat(answer.status()).as(answer.text()).isEqualTo(200);
        // 31 x 17 bytes, padded to even length in the file: the frame is rows x columns, not the padding.
        assertThat(Multipart.parts(answer.contentType(), answer.body())).singleElement()
                .isEqualTo(Arrays.copyOf(reference, image.frameBytes()));
        assertThat(frames(image, "2", OCTETS_ANY).status()).isEqualTo(404);
    }

    /** dcmcjpeg/dcmcrle options: one fragment per frame or 1 KB fragments, with or without a Basic Offset Table. */
    @Test
    void encapsulatedFramesAreDcmtksFragmentsOfEachFrame() {
        Image shape = image(64, 64, 16);
        byte[][] pixels = PixelFixtures.frames(shape, 3, 3);
        List<List<String>> variants = List.of(
                List.of("dcmcjpeg", "+e1"),
                List.of("dcmcjpeg", "+e1", "-ot"),
                List.of("dcmcjpeg", "+e1", "+fs", "1"),
                List.of("dcmcjpeg", "+e1", "+fs", "1", "-ot"),
                List.of("dcmcrle"));
        List<Image> images = variants.stream().map(v -> image(64, 64, 16)).toList();
        List<List<byte[]>> references = new java.util.ArrayList<>();
        for (int v = 0; v < variants.size(); v++) {
            List<String> variant = variants.get(v);
            String tool = variant.get(0);
            String[] options = variant.subList(1, variant.size()).toArray(String[]::new);
            Image image = images.get(v);
            Path uncompressed = PixelFixtures.nativeFile(scratch.resolve(image.sopUid() + ".dcm"), image, pixels, "+te");
            Path file = PixelFixtures.convert(tool, uncompressed, studies.resolve(image.sopUid() + ".dcm"), options);
            // The reference for each frame: dcmtk compresses that frame alone and extracts its fragments.
            List<byte[]> reference = new java.util.ArrayList<>();
            for (int f = 0; f < pixels.length; f++) {
                Image single = new Image(STUDY, SERIES, image.sopUid() + "0" + f, 64, 64, 16, 1);
                Path one = PixelFixtures.nativeFile(scratch.resolve("one-" + single.sopUid() + ".dcm"), single,
                        new byte[][] {pixels[f]}, "+te");
                Path compressed = PixelFixtures.convert(tool, one, scratch.resolve("c-" + single.sopUid() + ".dcm"), options);
                reference.add(PixelFixtures.encapsulatedSingleFrame(compressed, scratch));
            }
            references.add(reference);
            int fragments = PixelFixtures.dcmdumpValues(file, scratch).size() - 1;
            if (variant.contains("+fs")) {
                assertThat(fragments).as("fragments of %s (several per frame)", variant).isGreaterThan(pixels.length);
            } else {
                assertThat(fragments).as("fragments of %s (one per frame)", variant).isEqualTo(pixels.length);
            }
        }
        for (int v = 0; v < variants.size(); v++) {
            List<String> variant = variants.get(v);
            String tool = variant.get(0);
            Image image = images.get(v);
            List<byte[]> reference = references.get(v);
            String ts = tool.equals("dcmcrle") ? "1.2.840.10008.1.2.5" : "1.2.840.10008.1.2.4.70";
            String media = tool.equals("dcmcrle") ? "image/dicom-rle" : "image/jpeg";
            Answer answer = frames(image, "2,3,1", "multipart/related; type=\"" + media + "\"; transfer-syntax=" + ts);
            assertThat(answer.status()).as("%s: %s", variant, answer.text()).isEqualTo(200);
            List<Multipart.Part> parts = Multipart.partsWithHeaders(answer.contentType(), answer.body());
            assertThat(parts).as("%s", variant).extracting(Multipart.Part::body)
                    .containsExactly(reference.get(1), reference.get(2), reference.get(0));
            assertThat(parts).extracting(Multipart.Part::contentType).containsOnly(media + "; transfer-syntax=" + ts);

            // What OHIF asks: octet-stream, any syntax: the stored fragments, labelled with their syntax.
            Answer any = frames(image, "1", OCTETS_ANY);
            assertThat(Multipart.partsWithHeaders(any.contentType(), any.body())).singleElement().satisfies(part -> {
                assertThat(part.body()).isEqualTo(reference.get(0));
                assertThat(part.contentType()).endsWith("transfer-syntax=" + ts);
            });
        }
    }

    @Test
    void jpegBaselineFromImg2dcmIsServedAsStoredAndDecodedToNativeOnRequest() throws IOException {
        BufferedImage gray = new BufferedImage(40, 24, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 24; y++) {
            for (int x = 0; x < 40; x++) {
                gray.getRaster().setSample(x, y, 0, (x * 6 + y * 3) % 256);
            }
        }
        Path jpeg = scratch.resolve("gray.jpg");
        ImageIO.write(gray, "jpeg", jpeg.toFile());
        Image image = new Image(STUDY, SERIES, SERIES + ".900", 24, 40, 8, 1);
        Path file = studies.resolve("baseline.dcm");
        Files.createDirectories(studies);
        Dcmtk.run("img2dcm", "-k", "StudyInstanceUID=" + STUDY, "-k", "SeriesInstanceUID=" + SERIES,
                "-k", "SOPInstanceUID=" + image.sopUid(), "-k", "PatientID=MRN-PIXELS",
                jpeg.toString(), file.toString()).assertClean("img2dcm");
        byte[] reference = PixelFixtures.encapsulatedSingleFrame(file, scratch);

        Answer stored = frames(image, "1", "multipart/related; type=\"image/jpeg\"");
        assertThat(stored.status()).as(stored.text()).isEqualTo(200);
        assertThat(Multipart.partsWithHeaders(stored.contentType(), stored.body())).singleElement().satisfies(part -> {
            assertThat(part.body()).isEqualTo(reference);
            assertThat(part.contentType()).isEqualTo("image/jpeg; transfer-syntax=1.2.840.10008.1.2.4.50");
        });

        // Native asked of a baseline JPEG: decoded, as dcmdjpeg decodes it.
        Path decoded = PixelFixtures.convert("dcmdjpeg", file, scratch.resolve("decoded.dcm"));
        byte[] dcmdjpeg = PixelFixtures.dcmdumpValues(decoded, scratch).get(0);
        Answer answer = frames(image, "1", "multipart/related; type=\"application/octet-stream\"; transfer-syntax=" + ELE);
        assertThat(answer.status()).as(answer.text()).isEqualTo(200);
        assertThat(Multipart.partsWithHeaders(answer.contentType(), answer.body())).singleElement().satisfies(part -> {
            assertThat(part.body()).isEqualTo(Arrays.copyOf(dcmdjpeg, image.frameBytes()));
            assertThat(part.contentType()).isEqualTo("application/octet-stream; transfer-syntax=" + ELE);
        });
    }

    @Test
    void jpegBaselineAskedOfNativeFramesIsRefusedNamingWhatIsAvailable() {
        Image image = image(16, 16, 16);
        PixelFixtures.nativeFile(studies.resolve("n.dcm"), image, PixelFixtures.frames(image, 2, 4), "+te");

        Answer answer = frames(image, "1", "multipart/related; type=\"image/jpeg\"; transfer-syntax=1.2.840.10008.1.2.4.50");

        assertThat(answer.status()).isEqualTo(406);
        assertThat(answer.text()).contains("transfer-syntax=" + ELE);
    }
}
