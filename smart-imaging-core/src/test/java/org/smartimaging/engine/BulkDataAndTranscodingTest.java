package org.smartimaging.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.smartimaging.engine.EngineFixture.get;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smartimaging.engine.EngineFixture.Answer;
import org.smartimaging.testing.Dcmtk;
import org.smartimaging.testing.Multipart;
import org.smartimaging.testing.PixelFixtures;
import org.smartimaging.testing.PixelFixtures.Image;

/**
 * Bulk data of the folder source behind {@code BulkDataURI}s below the study token's WADO base, and
 * instances in the transfer syntax asked for: transcoded where the SDK can, else 406, never another
 * syntax with 200. What is served is read back by dcmtk.
 */
class BulkDataAndTranscodingTest {

    static final String STUDY = "1.2.826.0.1.3680043.10.543.2";
    static final String SERIES = STUDY + ".1";
    static final Image NATIVE = new Image(STUDY, SERIES, SERIES + ".1", 24, 20, 16, 1);
    static final Image JPEG = new Image(STUDY, SERIES, SERIES + ".2", 24, 20, 16, 1);

    @TempDir
    Path data;
    @TempDir
    Path scratch;

    private ImagingEngine engine;
    private byte[][] pixels;

    @AfterEach
    void tearDown() {
        if (engine != null) {
            engine.close();
        }
    }

    private String wado() {
        Path studies = data.resolve("studies");
        pixels = PixelFixtures.frames(NATIVE, 2, 5);
        PixelFixtures.nativeFile(studies.resolve("native.dcm"), NATIVE, pixels, "+te");
        PixelFixtures.convert("dcmcjpeg", PixelFixtures.nativeFile(scratch.resolve("j.dcm"), JPEG, pixels, "+te"),
                studies.resolve("jpeg.dcm"), "+e1");
        engine = new ImagingEngine(ServerOptions.builder().dataDirectory(data).randomStudyTokenKey()
                .builtInConfig("open", "{\"authorization\": {\"type\": \"mock\", \"disableAuthzChecks\": true},"
                        + " \"images\": {\"type\": \"folder\", \"directory\": \"studies\", \"lookup\": \"all-studies-on-server\"}}")
                .build());
        return get(engine, "/open/fhir/ImagingStudy", (String) null).json().path("entry").get(0)
                .path("resource").path("contained").get(0).path("address").asText();
    }

    private Answer fetch(String url, String accept) {
        return get(engine, url, accept == null ? Map.of() : Map.of("Accept", accept));
    }

    private static List<String> bulkDataUris(JsonNode node) {
        List<String> uris = new ArrayList<>();
        node.findValues("BulkDataURI").forEach(uri -> uris.add(uri.asText()));
        return uris;
    }

    @Test
    void pixelDataIsBulkDataBelowTheStudyTokenBaseAndResolvesThere() {
        String wado = wado();

        JsonNode metadata = fetch(wado + "/studies/" + STUDY + "/metadata", null).json();

        List<String> uris = bulkDataUris(metadata);
        assertThat(uris).hasSize(2).allSatisfy(uri -> assertThat(uri).startsWith(wado + "/studies/" + STUDY + "/series/"));
        String nativeUri = wado + "/studies/" + STUDY + "/series/" + SERIES + "/instances/" + NATIVE.sopUid() + "/bulkdata/7FE00010";
        assertThat(uris).contains(nativeUri);

        Answer value = fetch(nativeUri, "multipart/related; type=\"application/octet-stream\"; transfer-syntax=*");
        assertThat(value.status()).as(value.text()).isEqualTo(200);
        byte[] dcmtk = PixelFixtures.dcmdumpValues(data.resolve("studies/native.dcm"), scratch).get(0);
        assertThat(Multipart.parts(value.contentType(), value.body())).containsExactly(dcmtk);

        String jpegUri = uris.stream().filter(uri -> uri.contains(JPEG.sopUid())).findFirst().orElseThrow();
        Answer frames = fetch(jpegUri, null);
        List<byte[]> items = PixelFixtures.dcmdumpValues(data.resolve("studies/jpeg.dcm"), scratch);
        assertThat(Multipart.parts(frames.contentType(), frames.body())).containsExactlyElementsOf(items.subList(1, items.size()));
    }

    @Test
    void bulkDataOfAnotherStudyTokenOrPathIsRefused() {
        String wado = wado();
        String path = "/studies/" + STUDY + "/series/" + SERIES + "/instances/" + NATIVE.sopUid() + "/bulkdata/";

        assertThat(fetch(wado + path + "7FE00010/../00100010", null).status()).isEqualTo(400);
        assertThat(fetch(wado + path + "7fe0", null).status()).isEqualTo(400);
        assertThat(fetch(wado + path + "00100010", null).status()).isEqualTo(404);
        assertThat(fetch(wado.substring(0, wado.length() - 3) + "abc" + path + "7FE00010", null).status()).isIn(401, 403);
    }

    @Test
    void jpegBaselineAskedOfAnUncompressedInstanceIs406NeverAnotherSyntax() {
        String wado = wado();
        String instance = wado + "/studies/" + STUDY + "/series/" + SERIES + "/instances/" + NATIVE.sopUid();

        Answer answer = fetch(instance, "multipart/related; type=\"application/dicom\"; transfer-syntax=1.2.840.10008.1.2.4.50");

        assertThat(answer.status()).isEqualTo(406);
        assertThat(answer.text()).contains("1.2.840.10008.1.2.1", "1.2.840.10008.1.2");
    }

    @Test
    void uncompressedInstancesAreTranscodedAndDcmtkReadsTheSamePixels() throws IOException {
        String wado = wado();
        String instance = wado + "/studies/" + STUDY + "/series/" + SERIES + "/instances/" + NATIVE.sopUid();
        byte[] original = PixelFixtures.dcmdumpValues(data.resolve("studies/native.dcm"), scratch).get(0);

        for (String[] syntax : List.of(new String[] {"1.2.840.10008.1.2", "Little Endian Implicit"},
                new String[] {"1.2.840.10008.1.2.2", "Big Endian Explicit"},
                new String[] {"1.2.840.10008.1.2.1.99", "Deflated Explicit VR Little Endian"})) {
            // q-values: the preferred (JPEG) cannot be made, the second can.
            Answer answer = fetch(instance, "multipart/related; type=\"application/dicom\"; transfer-syntax=1.2.840.10008.1.2.4.50,"
                    + " multipart/related; type=\"application/dicom\"; transfer-syntax=" + syntax[0] + "; q=0.5");
            assertThat(answer.status()).as(answer.text()).isEqualTo(200);
            Multipart.Part part = Multipart.partsWithHeaders(answer.contentType(), answer.body()).get(0);
            assertThat(part.contentType()).isEqualTo("application/dicom; transfer-syntax=" + syntax[0]);
            Path file = Files.write(scratch.resolve("t" + syntax[0] + ".dcm"), part.body());
            assertThat(Dcmtk.run("dcmdump", "-q", "-Un", "+P", "0002,0010", file.toString()).assertClean("dcmdump").stdout())
                    .contains(syntax[0]);
            assertThat(PixelFixtures.dcmdumpValues(file, scratch).get(0)).as(syntax[1]).isEqualTo(original);
        }
        // Stored as is when any syntax will do: the file's own bytes.
        Answer any = fetch(instance, "multipart/related; type=\"application/dicom\"; transfer-syntax=*");
        assertThat(Multipart.parts(any.contentType(), any.body())).singleElement()
                .isEqualTo(Files.readAllBytes(data.resolve("studies/native.dcm")));
        assertThat(Arrays.equals(pixels[0], Arrays.copyOf(original, NATIVE.frameBytes()))).isTrue();
    }
}
