package org.smartimaging.dicomweb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smartimaging.spi.ImageSource;
import org.smartimaging.spi.ImagingException;
import org.smartimaging.spi.InstanceRecord;
import org.smartimaging.spi.RetrieveRequest.Resource;
import org.smartimaging.spi.RetrieveRequest;
import org.smartimaging.spi.SeriesRecord;
import org.smartimaging.spi.StudyQuery;
import org.smartimaging.spi.StudyRecord;
import org.smartimaging.testing.DcmtkStudyWriter.Study;
import org.smartimaging.testing.DcmtkStudyWriter;
import org.smartimaging.testing.Multipart;
import org.smartimaging.testing.OrthancServer;

/** The source against a real Orthanc: the same answers as Orthanc's own QIDO-RS and WADO-RS. */
class DicomWebSourceOrthancTest {

    static final String USER = "sdk";
    static final String PASSWORD = "pacs-Secret-42";
    static final Study A1 = Study.small("1.2.826.0.1.3680043.10.1001.1", "MRN-A", 2, 3);
    static final Study A2 = Study.small("1.2.826.0.1.3680043.10.1001.2", "MRN-A", 1, 2);
    static final Study B = Study.small("1.2.826.0.1.3680043.10.1001.3", "MRN-B", 1, 1);

    @TempDir
    static Path files;
    static OrthancServer orthanc;
    static ImageSource source;

    @BeforeAll
    static void startOrthancWithStudies() {
        orthanc = OrthancServer.builder().basicAuth(USER, PASSWORD).start();
        for (Study study : List.of(A1, A2, B)) {
            orthanc.uploadAll(DcmtkStudyWriter.write(study, files.resolve(study.studyUid())));
        }
        source = Sources.fromJson(Sources.basicConfig(orthanc.dicomWebUri().toString(), USER, PASSWORD, ""));
    }

    @AfterAll
    static void stop() {
        if (source != null) {
            source.close();
        }
        if (orthanc != null) {
            orthanc.close();
        }
    }

    @Test
    void findsThePatientsStudiesAsOrthancsQidoRsDoes() {
        List<StudyRecord> studies = source.findStudies(StudyQuery.byMrn("MRN-A", 100));

        assertThat(tree(studies)).isEqualTo(directTree("/studies?PatientID=MRN-A"));
        assertThat(tree(studies)).containsOnlyKeys(A1.studyUid(), A2.studyUid());
    }

    @Test
    void findsEveryStudyOnTheServerAsOrthancsQidoRsDoes() {
        List<StudyRecord> studies = source.findStudies(StudyQuery.allStudies(100));

        assertThat(tree(studies)).isEqualTo(directTree("/studies"));
        assertThat(studies).hasSize(3);
    }

    @Test
    void mapsStudySeriesAndInstanceAttributes() {
        StudyRecord study = source.findStudies(StudyQuery.byMrn("MRN-A", 100).withStudyInstanceUid(A1.studyUid()))
                .get(0);

        assertThat(study.studyInstanceUid()).isEqualTo(A1.studyUid());
        assertThat(study.patientId()).isEqualTo("MRN-A");
        assertThat(study.patientName()).isEqualTo(A1.patientName());
        assertThat(study.accessionNumber()).isEqualTo(A1.accessionNumber());
        assertThat(study.description()).isEqualTo(A1.description());
        assertThat(study.started()).isEqualTo(Instant.parse("2024-01-31T10:15:30.250Z"));
        assertThat(study.modalities()).containsExactly("CT");
        assertThat(study.series()).extracting(SeriesRecord::number).containsExactly(1, 2);
        assertThat(study.series().get(1).description()).isEqualTo("Series 2");
        assertThat(study.series().get(0).instances()).extracting(InstanceRecord::number).containsExactly(1, 2, 3);
        assertThat(study.series().get(0).instances().get(0).sopClassUid()).isEqualTo("1.2.840.10008.5.1.4.1.1.7");
        assertThat(study.numberOfInstances()).isEqualTo(6);
    }

    @Test
    void anMrnWithWildcardsNeverMatchesOtherPatients() {
        assertThat(source.findStudies(StudyQuery.byMrn("MRN-*", 100))).isEmpty();
        assertThat(source.findStudies(StudyQuery.byMrn("MRN-?", 100))).isEmpty();
        assertThat(source.findStudies(StudyQuery.byMrn("MRN-A\\MRN-B", 100))).isEmpty();
    }

    @Test
    void stopsAtTheQueryLimitAndTheConfiguredCap() {
        assertThat(source.findStudies(StudyQuery.allStudies(2))).hasSize(2);
        try (ImageSource capped = Sources.fromJson(
                Sources.basicConfig(orthanc.dicomWebUri().toString(), USER, PASSWORD, "\"maxStudies\": 1"))) {
            assertThat(capped.findStudies(StudyQuery.allStudies(100))).hasSize(1);
        }
    }

    @Test
    void unknownPatientHasNoStudies() {
        assertThat(source.findStudies(StudyQuery.byMrn("NOBODY", 100))).isEmpty();
    }

    @Test
    void retrievesAStudyPartForPartAsOrthancsWadoRsDoes() {
        Sources.Body viaSdk = Sources.read(source.retrieve(RetrieveRequest.study(A1.studyUid(), Resource.INSTANCES)));
        HttpResponse<byte[]> direct = orthanc.get("/dicom-web/studies/" + A1.studyUid(),
                DicomWebSource.ACCEPT_INSTANCES);

        assertThat(viaSdk.status()).isEqualTo(200);
        assertThat(viaSdk.contentType()).startsWith("multipart/related").contains("boundary=");
        List<byte[]> sdkParts = Multipart.parts(viaSdk.contentType(), viaSdk.bytes());
        List<byte[]> directParts = Multipart.parts(direct.headers().firstValue("Content-Type").orElseThrow(),
                direct.body());
        assertThat(sdkParts).hasSize(6).hasSameSizeAs(directParts);
        for (int i = 0; i < sdkParts.size(); i++) {
            assertThat(sdkParts.get(i)).as("part %d", i).isEqualTo(directParts.get(i));
        }
        assertThat(new String(sdkParts.get(0), 128, 4)).isEqualTo("DICM");
    }

    @Test
    void retrievesOneInstanceByteIdenticalToTheUploadedFile() throws IOException {
        RetrieveRequest request = new RetrieveRequest(A1.studyUid(), A1.seriesUid(2), A1.instanceUid(2, 3),
                Resource.INSTANCES, List.of(), null, Map.of());

        Sources.Body body = Sources.read(source.retrieve(request));

        List<byte[]> parts = Multipart.parts(body.contentType(), body.bytes());
        assertThat(parts).hasSize(1);
        assertThat(parts.get(0)).isEqualTo(java.nio.file.Files.readAllBytes(
                files.resolve(A1.studyUid()).resolve(A1.instanceUid(2, 3) + ".dcm")));
    }

    static final String WADO_BASE = "https://imaging.example/api/pacs/wado/a.b.c";

    @Test
    void retrievesSeriesMetadataAsOrthancDoesWithBulkDataUrisBelowTheStudyTokenBase() throws IOException {
        RetrieveRequest request = new RetrieveRequest(A1.studyUid(), A1.seriesUid(1), null, Resource.METADATA,
                List.of(), null, Map.of(), null, WADO_BASE);

        Sources.Body body = Sources.read(source.retrieve(request));
        HttpResponse<byte[]> direct = orthanc.get(
                "/dicom-web/studies/" + A1.studyUid() + "/series/" + A1.seriesUid(1) + "/metadata",
                "application/dicom+json");

        assertThat(body.contentType()).startsWith("application/dicom+json");
        JsonNode metadata = Sources.JSON.readTree(body.bytes());
        JsonNode orthancs = Sources.JSON.readTree(direct.body());
        List<String> ours = metadata.findValuesAsText("BulkDataURI");
        List<String> theirs = orthancs.findValuesAsText("BulkDataURI");
        assertThat(theirs).isNotEmpty().allSatisfy(uri -> assertThat(uri).contains("/dicom-web/"));
        assertThat(ours).hasSameSizeAs(theirs).allSatisfy(uri -> assertThat(uri)
                .startsWith(WADO_BASE + "/studies/" + A1.studyUid() + "/series/" + A1.seriesUid(1) + "/instances/")
                .contains("/bulkdata/"));
        assertThat(withoutBulkDataUris(metadata)).isEqualTo(withoutBulkDataUris(orthancs));
        assertThat(metadata).hasSize(3);
        try (org.smartimaging.spi.ResponseBody again = ((org.smartimaging.spi.Retrieval.Ready) source.retrieve(request)).body()) {
            assertThat(again.headers()).doesNotContainKey("Content-Location"); // Orthanc's names Orthanc
        }
    }

    @Test
    void bulkDataOfOurUriIsTheValueOrthancServesAtItsOwn() throws IOException {
        String instance = A1.instanceUid(1, 1);
        RetrieveRequest metadataRequest = new RetrieveRequest(A1.studyUid(), A1.seriesUid(1), instance, Resource.METADATA,
                List.of(), null, Map.of(), null, WADO_BASE);
        JsonNode metadata = Sources.JSON.readTree(Sources.read(source.retrieve(metadataRequest)).bytes());
        String ours = metadata.path(0).path("7FE00010").path("BulkDataURI").asText();
        assertThat(ours).isEqualTo(WADO_BASE + "/studies/" + A1.studyUid() + "/series/" + A1.seriesUid(1) + "/instances/"
                + instance + "/bulkdata/7FE00010");

        Sources.Body bulk = Sources.read(source.retrieve(new RetrieveRequest(A1.studyUid(), A1.seriesUid(1), instance,
                Resource.BULKDATA, List.of(), null, Map.of(), "7FE00010", WADO_BASE)));
        String theirs = Sources.JSON.readTree(orthanc.get("/dicom-web/studies/" + A1.studyUid() + "/series/" + A1.seriesUid(1)
                + "/instances/" + instance + "/metadata", "application/dicom+json").body()).path(0).path("7FE00010")
                .path("BulkDataURI").asText();
        HttpResponse<byte[]> direct = orthanc.get(java.net.URI.create(theirs).getRawPath(), "multipart/related; type=\"application/octet-stream\"");

        assertThat(Multipart.parts(bulk.contentType(), bulk.bytes()))
                .containsExactlyElementsOf(Multipart.parts(direct.headers().firstValue("Content-Type").orElseThrow(), direct.body()));
        assertThat(Multipart.parts(bulk.contentType(), bulk.bytes())).singleElement().satisfies(value -> assertThat(value).isNotEmpty());
    }

    private static JsonNode withoutBulkDataUris(JsonNode node) {
        JsonNode copy = node.deepCopy();
        copy.findParents("BulkDataURI").forEach(parent -> ((com.fasterxml.jackson.databind.node.ObjectNode) parent).remove("BulkDataURI"));
        return copy;
    }

    @Test
    void retrievesFramesAndRenderedImagesAsOrthancDoes() {
        String instancePath = "/studies/" + A2.studyUid() + "/series/" + A2.seriesUid(1) + "/instances/"
                + A2.instanceUid(1, 1);
        RetrieveRequest frames = new RetrieveRequest(A2.studyUid(), A2.seriesUid(1), A2.instanceUid(1, 1),
                Resource.FRAMES, List.of(1), null, Map.of());
        RetrieveRequest rendered = new RetrieveRequest(A2.studyUid(), A2.seriesUid(1), A2.instanceUid(1, 1),
                Resource.RENDERED, List.of(), "image/png", Map.of());

        Sources.Body frame = Sources.read(source.retrieve(frames));
        Sources.Body png = Sources.read(source.retrieve(rendered));

        HttpResponse<byte[]> directFrame = orthanc.get("/dicom-web" + instancePath + "/frames/1",
                DicomWebSource.ACCEPT_FRAMES);
        assertThat(Multipart.parts(frame.contentType(), frame.bytes()))
                .containsExactlyElementsOf(Multipart.parts(
                        directFrame.headers().firstValue("Content-Type").orElseThrow(), directFrame.body()));
        assertThat(Multipart.parts(frame.contentType(), frame.bytes()).get(0)).hasSize((int) A2.pixelBytes());
        assertThat(png.contentType()).isEqualTo("image/png");
        assertThat(png.bytes()).isEqualTo(orthanc.get("/dicom-web" + instancePath + "/rendered", "image/png").body());
    }

    @Test
    void unknownStudyIsNotFound() {
        assertThatThrownBy(() -> source.retrieve(RetrieveRequest.study("1.2.3.4.5.6", Resource.INSTANCES)))
                .isInstanceOf(ImagingException.NotFound.class)
                .extracting(e -> ((ImagingException) e).status()).isEqualTo(404);
    }

    @Test
    void anAcceptOrthancRefusesKeepsOrthancsStatusNot502() {
        RetrieveRequest request = new RetrieveRequest(A1.studyUid(), null, null, Resource.INSTANCES, List.of(),
                "application/pdf", Map.of());

        // Orthanc 1.10's plugin answers 400 (not 406) to an Accept it cannot serve
        assertThatThrownBy(() -> source.retrieve(request))
                .isInstanceOf(ImagingException.BadRequest.class)
                .hasMessageContaining("HTTP 400")
                .hasMessageContaining("127.0.0.1:" + orthanc.httpPort())
                .extracting(e -> ((ImagingException) e).status()).isEqualTo(400);
    }

    @Test
    void thumbnailsAtEveryLevelFallBackToASmallRenderingWhereOrthancHasNone() {
        String seriesPath = "/studies/" + A2.studyUid() + "/series/" + A2.seriesUid(1);
        String instancePath = seriesPath + "/instances/" + A2.instanceUid(1, 1);
        assertThat(orthanc.get("/dicom-web" + instancePath + "/thumbnail", "image/jpeg").statusCode()).isEqualTo(404);

        for (RetrieveRequest thumbnail : List.of(
                RetrieveRequest.study(A2.studyUid(), Resource.THUMBNAIL),
                new RetrieveRequest(A2.studyUid(), A2.seriesUid(1), null, Resource.THUMBNAIL, List.of(), null, Map.of()),
                new RetrieveRequest(A2.studyUid(), A2.seriesUid(1), A2.instanceUid(1, 1), Resource.THUMBNAIL, List.of(), null,
                        Map.of()))) {
            Sources.Body image = Sources.read(source.retrieve(thumbnail));
            String level = thumbnail.relativePath().replace("/thumbnail", "");

            assertThat(image.contentType()).as(level).isEqualTo("image/jpeg");
            assertThat(image.bytes()).as(level)
                    .isEqualTo(orthanc.get("/dicom-web" + level + "/rendered?viewport=128,128", "image/jpeg").body());
        }
    }

    @Test
    void studyAndSeriesRenderingsPassThrough() {
        RetrieveRequest ofSeries = new RetrieveRequest(A2.studyUid(), A2.seriesUid(1), null, Resource.RENDERED, List.of(),
                "image/png", Map.of());

        Sources.Body png = Sources.read(source.retrieve(ofSeries));

        assertThat(png.contentType()).isEqualTo("image/png");
        assertThat(png.bytes()).isEqualTo(orthanc.get("/dicom-web/studies/" + A2.studyUid() + "/series/" + A2.seriesUid(1)
                + "/rendered", "image/png").body());
    }

    @Test
    void wrongCredentialsAreA502WithoutTheCredentials() {
        try (ImageSource wrong = Sources.fromJson(
                Sources.basicConfig(orthanc.dicomWebUri().toString(), USER, "not-the-Password-7", ""))) {
            assertThatThrownBy(() -> wrong.findStudies(StudyQuery.allStudies(10)))
                    .isInstanceOf(ImagingException.UpstreamFailure.class)
                    .hasMessageContaining("rejected our credentials")
                    .hasMessageContaining("127.0.0.1:" + orthanc.httpPort())
                    .satisfies(e -> assertThat(((ImagingException) e).status()).isEqualTo(502))
                    .message().doesNotContain("not-the-Password-7").doesNotContain(USER + ":");
            assertThatThrownBy(() -> wrong.retrieve(RetrieveRequest.study(A1.studyUid(), Resource.INSTANCES)))
                    .isInstanceOf(ImagingException.UpstreamFailure.class)
                    .hasMessageContaining("rejected our credentials");
        }
    }

    /** Study UID -> series UID -> "sopInstanceUid sopClassUid number", from the source's records. */
    private static Map<String, Map<String, TreeSet<String>>> tree(List<StudyRecord> studies) {
        Map<String, Map<String, TreeSet<String>>> tree = new TreeMap<>();
        for (StudyRecord study : studies) {
            Map<String, TreeSet<String>> series = tree.computeIfAbsent(study.studyInstanceUid(), k -> new TreeMap<>());
            for (SeriesRecord one : study.series()) {
                TreeSet<String> instances = series.computeIfAbsent(one.seriesInstanceUid(), k -> new TreeSet<>());
                one.instances().forEach(i -> instances.add(i.sopInstanceUid() + " " + i.sopClassUid() + " " + i.number()));
            }
        }
        return tree;
    }

    /** The same tree from Orthanc's QIDO-RS directly. */
    private static Map<String, Map<String, TreeSet<String>>> directTree(String studiesQuery) {
        Map<String, Map<String, TreeSet<String>>> tree = new TreeMap<>();
        for (JsonNode study : qido(studiesQuery)) {
            String studyUid = DicomJson.string(study, DicomJson.STUDY_INSTANCE_UID);
            Map<String, TreeSet<String>> series = tree.computeIfAbsent(studyUid, k -> new TreeMap<>());
            for (JsonNode one : qido("/studies/" + studyUid + "/series")) {
                String seriesUid = DicomJson.string(one, DicomJson.SERIES_INSTANCE_UID);
                TreeSet<String> instances = series.computeIfAbsent(seriesUid, k -> new TreeSet<>());
                for (JsonNode instance : qido("/studies/" + studyUid + "/series/" + seriesUid + "/instances")) {
                    instances.add(DicomJson.string(instance, DicomJson.SOP_INSTANCE_UID) + " "
                            + DicomJson.string(instance, DicomJson.SOP_CLASS_UID) + " "
                            + DicomJson.integer(instance, DicomJson.INSTANCE_NUMBER));
                }
            }
        }
        return tree;
    }

    private static JsonNode qido(String pathAndQuery) {
        HttpResponse<byte[]> response = orthanc.get("/dicom-web" + pathAndQuery, "application/dicom+json");
        assertThat(response.statusCode()).isEqualTo(200);
        try {
            return Sources.JSON.readTree(response.body());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
