package org.smartimaging.dimse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smartimaging.dicom.DicomFiles;
import org.smartimaging.dicom.Tag;
import org.smartimaging.spi.ImagingException;
import org.smartimaging.spi.InstanceRecord;
import org.smartimaging.spi.Retrieval;
import org.smartimaging.spi.RetrieveRequest;
import org.smartimaging.spi.StudyQuery;
import org.smartimaging.spi.StudyRecord;
import org.smartimaging.testing.Bodies;
import org.smartimaging.testing.Multipart;
import org.smartimaging.testing.PixelFixtures;
import org.smartimaging.testing.TestStudies;

/** The dicom-dimse source against dcmqrscp: search, C-GET and C-MOVE retrieval, the cache, the data served. */
class DimseImageSourceTest {

    static final String STORE_AE = "SMARTSTORE";

    @TempDir
    static Path dir;
    static Dcmqrscp pacs;
    static int storePort;
    static TestStudies.Study ct;
    static TestStudies.Study mr;
    static TestStudies.Study other;
    static PixelFixtures.Image multiFrame;
    static PixelFixtures.Image implicitImage; // stored implicit VR
    static byte[][] pixels;
    static DimseImageSource cget;
    static DimseImageSource cmove;

    @BeforeAll
    static void start() throws Exception {
        storePort = Dcmqrscp.freePort();
        pacs = new Dcmqrscp(dir.resolve("pacs"), Map.of(STORE_AE, storePort));
        ct = TestStudies.write(dir.resolve("data"), "MRN-1", "CT", 2, 3, 32);
        mr = TestStudies.write(dir.resolve("data"), "MRN-1", "MR", 1, 4, 32);
        other = TestStudies.write(dir.resolve("data"), "MRN-2", "CT", 1, 2, 16);
        multiFrame = new PixelFixtures.Image("1.2.826.0.1.3680043.10.543.7", "1.2.826.0.1.3680043.10.543.7.1",
                "1.2.826.0.1.3680043.10.543.7.1.1", 32, 40, 16, 1);
        implicitImage = new PixelFixtures.Image(multiFrame.studyUid(), multiFrame.seriesUid(), multiFrame.seriesUid() + ".2", 32, 40, 16, 1);
        pixels = PixelFixtures.frames(multiFrame, 3, 7);
        Path nativeFile = PixelFixtures.nativeFile(dir.resolve("frames/native.dcm"), multiFrame, pixels, "+te");
        // dcmqrscp stores what storescu proposes; an implicit VR file is served as explicit VR frames.
        Path implicitFile = PixelFixtures.nativeFile(dir.resolve("frames/implicit.dcm"), implicitImage, pixels, "+ti");
        List<Path> all = new ArrayList<>(List.of(nativeFile, implicitFile));
        all.addAll(ct.files());
        all.addAll(mr.files());
        all.addAll(other.files());
        pacs.store(all);
        cget = Sources.create(dir, """
                {"endpoint": "dimse://127.0.0.1:%d", "ae": "PACS", "callingAe": "SMARTTEST", "retrieval": "c-get",
                 "cacheDirectory": "cache-get", "maxAssociations": 2}""".formatted(pacs.port()));
        cmove = Sources.create(dir, """
                {"endpoint": "dimse://127.0.0.1:%d", "ae": "PACS", "retrieval": "c-move", "storeAe": "%s", "storePort": %d,
                 "cacheDirectory": "cache-move"}""".formatted(pacs.port(), STORE_AE, storePort));
    }

    @AfterAll
    static void stop() {
        cget.close();
        cmove.close();
        pacs.close();
    }

    @Test
    void findsThePatientsStudiesWithSeriesAndInstances() {
        List<StudyRecord> studies = cget.findStudies(StudyQuery.byMrn("MRN-1", 100));

        assertThat(studies).extracting(StudyRecord::studyInstanceUid)
                .containsExactlyInAnyOrder(ct.studyInstanceUid(), mr.studyInstanceUid());
        StudyRecord study = studies.stream().filter(s -> s.studyInstanceUid().equals(ct.studyInstanceUid())).findFirst().orElseThrow();
        assertThat(study.patientId()).isEqualTo("MRN-1");
        assertThat(study.patientName()).isEqualTo("Test^MRN-1");
        assertThat(study.started()).hasToString("2024-01-31T10:15:00Z");
        assertThat(study.series()).extracting(s -> s.seriesInstanceUid()).containsExactlyElementsOf(ct.seriesInstanceUids());
        assertThat(study.series().get(0).modality()).isEqualTo("CT");
        assertThat(study.series().get(0).number()).isEqualTo(1);
        assertThat(study.series()).flatExtracting(s -> s.instances()).extracting(InstanceRecord::sopInstanceUid)
                .containsExactlyElementsOf(ct.sopInstanceUids());
        assertThat(study.series().get(0).instances()).extracting(InstanceRecord::number).containsExactly(1, 2, 3);
    }

    @Test
    void findsAllStudiesOrOneByUidAndNoneForAWildcardMrn() {
        assertThat(cget.findStudies(StudyQuery.allStudies(100))).extracting(StudyRecord::studyInstanceUid)
                .contains(ct.studyInstanceUid(), mr.studyInstanceUid(), other.studyInstanceUid());
        assertThat(cget.findStudies(StudyQuery.byMrn("MRN-1", 100).withStudyInstanceUid(mr.studyInstanceUid())))
                .extracting(StudyRecord::studyInstanceUid).containsExactly(mr.studyInstanceUid());
        assertThat(cget.findStudies(StudyQuery.byMrn("MRN-*", 100))).isEmpty();
    }

    @Test
    void retrievesWithCGetServingEveryInstanceByteForByte() {
        RetrieveRequest request = RetrieveRequest.study(ct.studyInstanceUid(), RetrieveRequest.Resource.INSTANCES);

        Retrieval first = cget.retrieve(request);
        assertThat(first).isInstanceOf(Retrieval.Pending.class);
        assertThat(((Retrieval.Pending) first).retryAfter()).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(60));
        byte[] body = Sources.retrieveWhenReady(cget, request, Duration.ofSeconds(30));

        assertServesExactly(cget, request, body, ct);
        assertThat(Sources.count(dir.resolve("cache-get/tmp"))).isZero();
    }

    @Test
    void retrievesWithCMoveThroughItsOwnStorageScp() {
        RetrieveRequest request = RetrieveRequest.study(mr.studyInstanceUid(), RetrieveRequest.Resource.INSTANCES);

        assertThat(cmove.retrieve(request)).isInstanceOf(Retrieval.Pending.class);
        byte[] body = Sources.retrieveWhenReady(cmove, request, Duration.ofSeconds(30));

        assertServesExactly(cmove, request, body, mr);
        assertThat(Sources.count(dir.resolve("cache-move/tmp"))).isZero();
    }

    @Test
    void servesSeriesInstanceAndMetadataFromTheCache() {
        RetrieveRequest studyRequest = RetrieveRequest.study(other.studyInstanceUid(), RetrieveRequest.Resource.INSTANCES);
        Sources.retrieveWhenReady(cget, studyRequest, Duration.ofSeconds(30));
        String series = other.seriesInstanceUids().get(0);
        String sop = other.sopInstanceUids().get(1);

        byte[] instance = Bodies.read(((Retrieval.Ready) cget.retrieve(new RetrieveRequest(other.studyInstanceUid(), series, sop,
                RetrieveRequest.Resource.INSTANCES, List.of(), null, Map.of()))).body());
        byte[] metadata = Bodies.read(((Retrieval.Ready) cget.retrieve(new RetrieveRequest(other.studyInstanceUid(), series, null,
                RetrieveRequest.Resource.METADATA, List.of(), "application/dicom+json", Map.of()))).body());

        List<byte[]> parts = Multipart.parts(contentTypeOf(instance), instance);
        assertThat(parts).hasSize(1);
        assertThat(Sources.datasetBytes(parts.get(0))).isEqualTo(Sources.datasetBytes(other.files().get(1)));
        assertThat(new String(metadata, java.nio.charset.StandardCharsets.UTF_8))
                .contains(other.sopInstanceUids().get(0), sop).startsWith("[");
        assertThatThrownBy(() -> cget.retrieve(new RetrieveRequest(other.studyInstanceUid(), "1.2.3", null,
                RetrieveRequest.Resource.INSTANCES, List.of(), null, Map.of()))).isInstanceOf(ImagingException.NotFound.class);
    }

    @Test
    void rendersInstancesAndThumbnailsFromTheCache() {
        RetrieveRequest studyRequest = RetrieveRequest.study(other.studyInstanceUid(), RetrieveRequest.Resource.INSTANCES);
        Sources.retrieveWhenReady(cget, studyRequest, Duration.ofSeconds(30));
        String series = other.seriesInstanceUids().get(0);
        byte[] pngSignature = {(byte) 0x89, 'P', 'N', 'G'};

        Retrieval rendered = cget.retrieve(new RetrieveRequest(other.studyInstanceUid(), series, other.sopInstanceUids().get(0),
                RetrieveRequest.Resource.RENDERED, List.of(), "image/png", Map.of()));
        Retrieval thumbnail = cget.retrieve(new RetrieveRequest(other.studyInstanceUid(), series, null,
                RetrieveRequest.Resource.THUMBNAIL, List.of(), null, Map.of()));

        assertThat(((Retrieval.Ready) rendered).body().contentType()).isEqualTo("image/png");
        assertThat(Bodies.read(((Retrieval.Ready) rendered).body())).startsWith(pngSignature);
        assertThat(Bodies.read(((Retrieval.Ready) thumbnail).body())).startsWith(pngSignature);
        Retrieval ofSeries = cget.retrieve(new RetrieveRequest(other.studyInstanceUid(), series, null,
                RetrieveRequest.Resource.RENDERED, List.of(), null, Map.of()));
        Retrieval ofStudy = cget.retrieve(RetrieveRequest.study(other.studyInstanceUid(), RetrieveRequest.Resource.RENDERED));
        Retrieval studyThumbnail = cget.retrieve(RetrieveRequest.study(other.studyInstanceUid(), RetrieveRequest.Resource.THUMBNAIL));
        assertThat(Bodies.read(((Retrieval.Ready) ofSeries).body())).startsWith(pngSignature);
        assertThat(Bodies.read(((Retrieval.Ready) ofStudy).body())).startsWith(pngSignature);
        assertThat(Bodies.read(((Retrieval.Ready) studyThumbnail).body())).startsWith(pngSignature);
    }

    @Test
    void reportsAStudyTheArchiveDoesNotHoldAsNotFoundOnce() {
        RetrieveRequest request = RetrieveRequest.study("1.2.3.4.5.6.7", RetrieveRequest.Resource.INSTANCES);

        assertThatThrownBy(() -> Sources.untilNotPending(cget, request, Duration.ofSeconds(30)))
                .isInstanceOf(ImagingException.NotFound.class);
        assertThat(cget.retrieve(request)).isInstanceOf(Retrieval.Pending.class); // a new attempt
        assertThatThrownBy(() -> Sources.untilNotPending(cget, request, Duration.ofSeconds(30)))
                .isInstanceOf(ImagingException.NotFound.class);
    }

    @Test
    void servesNativeAndEncapsulatedFramesFromTheCache() {
        Path scratch = dir.resolve("frames-scratch");
        RetrieveRequest frames = new RetrieveRequest(multiFrame.studyUid(), multiFrame.seriesUid(), multiFrame.sopUid(),
                RetrieveRequest.Resource.FRAMES, List.of(3, 1), "multipart/related; type=\"application/octet-stream\"; transfer-syntax=*",
                Map.of());
        byte[] body = Sources.retrieveWhenReady(cget, frames, Duration.ofSeconds(30));
        List<byte[]> parts = Multipart.parts("multipart/related; boundary=" + boundaryOf(body), body);
        assertThat(parts).containsExactly(pixels[2], pixels[0]);

        RetrieveRequest implicit = new RetrieveRequest(implicitImage.studyUid(), implicitImage.seriesUid(), implicitImage.sopUid(),
                RetrieveRequest.Resource.FRAMES, List.of(2), null, Map.of());
        byte[] second = Sources.retrieveWhenReady(cget, implicit, Duration.ofSeconds(30));
        // dcmtk's own value of the file loaded into the archive, cut at frame 2.
        byte[] value = PixelFixtures.dcmdumpValues(dir.resolve("frames/implicit.dcm"), createDirectories(scratch)).get(0);
        int size = implicitImage.frameBytes();
        assertThat(Multipart.parts("multipart/related; boundary=" + boundaryOf(second), second))
                .containsExactly(java.util.Arrays.copyOfRange(value, size, 2 * size));
    }

    private static Path createDirectories(Path directory) {
        try {
            return Files.createDirectories(directory);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The body has one part per loaded instance, each the same data set bytes as the file loaded into the PACS. */
    private static void assertServesExactly(DimseImageSource source, RetrieveRequest request, byte[] body, TestStudies.Study study) {
        Retrieval again = source.retrieve(request);
        assertThat(again).isInstanceOf(Retrieval.Ready.class);
        String contentType = ((Retrieval.Ready) again).body().contentType();
        Bodies.read(((Retrieval.Ready) again).body());
        List<byte[]> parts = Multipart.parts(contentType.replaceAll("boundary=.*", "boundary=" + boundaryOf(body)), body);
        assertThat(parts).hasSize(study.files().size());
        Map<String, byte[]> served = new HashMap<>();
        for (byte[] part : parts) {
            try {
                String sop = DicomFiles.read(new java.io.ByteArrayInputStream(part), org.smartimaging.dicom.ReadOptions.defaults())
                        .dataset().getString(Tag.SOPInstanceUID);
                served.put(sop, part);
            } catch (java.io.IOException e) {
                throw new AssertionError(e);
            }
        }
        for (int i = 0; i < study.files().size(); i++) {
            assertThat(served).containsKey(study.sopInstanceUids().get(i));
            assertThat(Sources.datasetBytes(served.get(study.sopInstanceUids().get(i))))
                    .as("data set bytes of instance %d", i).isEqualTo(Sources.datasetBytes(study.files().get(i)));
        }
        assertThat(Files.exists(dir)).isTrue();
    }

    private static String boundaryOf(byte[] body) {
        String head = new String(body, 0, Math.min(200, body.length), java.nio.charset.StandardCharsets.US_ASCII);
        return head.substring(2, head.indexOf("\r\n"));
    }

    private static String contentTypeOf(byte[] body) {
        return "multipart/related; type=\"application/dicom\"; boundary=" + boundaryOf(body);
    }
}
