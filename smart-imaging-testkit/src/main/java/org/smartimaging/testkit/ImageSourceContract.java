package org.smartimaging.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.smartimaging.dicom.DicomFiles;
import org.smartimaging.dicom.ReadOptions;
import org.smartimaging.dicom.Tag;
import org.smartimaging.spi.ImageSource;
import org.smartimaging.spi.ImagingException;
import org.smartimaging.spi.InstanceRecord;
import org.smartimaging.spi.ResponseBody;
import org.smartimaging.spi.Retrieval;
import org.smartimaging.spi.RetrieveRequest;
import org.smartimaging.spi.RetrieveRequest.Resource;
import org.smartimaging.spi.SeriesRecord;
import org.smartimaging.spi.StudyQuery;
import org.smartimaging.spi.StudyRecord;

/**
 * What every {@link ImageSource} must do, as JUnit 5 tests. Extend it in your source's test tree
 * and implement {@link #createSource(KitData)}: the kit writes its studies as DICOM files, your
 * method makes a source that serves them (copy them into your store, upload them to your archive,
 * or point your source at the folder), and the kit checks searches and retrievals against what it
 * wrote. Assertions stay within what the SPI documents; a source may serve more studies than the
 * kit's (a shared archive), never fewer.
 *
 * <p>A source may answer {@link Retrieval.Pending} while it fetches: the kit asks again after the
 * delay, up to {@link #maxPendingWait()}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class ImageSourceContract {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Path directory;
    private KitData data;
    private ImageSource source;

    /**
     * A new source that serves (at least) the kit's studies. Called once for the whole class, and
     * once more by {@link #closeIsIdempotent()}, with the same data.
     */
    protected abstract ImageSource createSource(KitData data) throws Exception;

    /** Whether the source answers {@link Resource#FRAMES}; a source that does not is not asked. */
    protected boolean supportsFrames() {
        return true;
    }

    /** How long a retrieval may stay {@link Retrieval.Pending} before the kit fails it. */
    protected Duration maxPendingWait() {
        return Duration.ofSeconds(60);
    }

    /** Where the kit wrote its files; override to choose (e.g. a directory your archive can read). */
    protected Path dataDirectory() throws IOException {
        return Files.createTempDirectory("smart-imaging-testkit");
    }

    @BeforeAll
    final void startSource() throws Exception {
        directory = dataDirectory();
        data = KitData.write(directory);
        source = createSource(data);
    }

    @AfterAll
    final void stopSource() throws IOException {
        if (source != null) {
            source.close();
        }
        if (directory != null) {
            try (Stream<Path> files = Files.walk(directory)) {
                for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(file);
                }
            }
        }
    }

    /** The source under test, for subclasses that add their own tests. */
    protected final ImageSource source() {
        return source;
    }

    /** The kit's studies, for subclasses that add their own tests. */
    protected final KitData data() {
        return data;
    }

    // --- findStudies ------------------------------------------------------------------------------

    @Test
    public void findsEveryStudyOfAPatientByMrnCompleteWithSeriesAndInstances() {
        List<StudyRecord> found = source.findStudies(StudyQuery.byMrn(data.mrnA(), 100));

        assertThat(found).extracting(StudyRecord::studyInstanceUid)
                .containsExactlyInAnyOrderElementsOf(uids(data.studiesOf(data.mrnA())));
        for (KitData.Study expected : data.studiesOf(data.mrnA())) {
            StudyRecord record = found.stream().filter(s -> s.studyInstanceUid().equals(expected.studyInstanceUid())).findFirst().orElseThrow();
            assertThat(record.patientId()).isEqualTo(data.mrnA());
            assertThat(record.series()).extracting(SeriesRecord::seriesInstanceUid)
                    .containsExactlyInAnyOrderElementsOf(expected.series().stream().map(KitData.Series::seriesInstanceUid).toList());
            for (KitData.Series series : expected.series()) {
                SeriesRecord seriesRecord = record.series().stream()
                        .filter(s -> s.seriesInstanceUid().equals(series.seriesInstanceUid())).findFirst().orElseThrow();
                assertThat(seriesRecord.modality()).isEqualTo(series.modality());
                assertThat(seriesRecord.instances()).extracting(InstanceRecord::sopInstanceUid)
                        .containsExactlyInAnyOrderElementsOf(series.instances().stream().map(KitData.Instance::sopInstanceUid).toList());
            }
            assertThat(record.numberOfInstances()).isEqualTo(expected.instances().size());
        }
    }

    @Test
    public void findsNothingForAnUnknownMrn() {
        assertThat(source.findStudies(StudyQuery.byMrn(data.mrnA() + "-NOBODY", 100))).isEmpty();
    }

    @Test
    public void findsEveryStudyWhenAskedForAllStudiesOnTheServer() {
        List<StudyRecord> found = source.findStudies(StudyQuery.allStudies(10_000));

        assertThat(found).extracting(StudyRecord::studyInstanceUid).containsAll(uids(data.studies()));
    }

    @Test
    public void neverReturnsMoreStudiesThanTheLimit() {
        assertThat(source.findStudies(StudyQuery.byMrn(data.mrnA(), 1))).hasSize(1);
        assertThat(source.findStudies(StudyQuery.allStudies(2))).hasSize(2);
    }

    @Test
    public void findsAStudyByItsStudyInstanceUid() {
        KitData.Study ct = data.ctStudyOfA();

        List<StudyRecord> found = source.findStudies(StudyQuery.byMrn(data.mrnA(), 100).withStudyInstanceUid(ct.studyInstanceUid()));

        assertThat(found).extracting(StudyRecord::studyInstanceUid).contains(ct.studyInstanceUid());
    }

    // --- retrieve -------------------------------------------------------------------------------

    @Test
    public void retrievesAStudyAsMultipartDicomWithEveryInstance() throws Exception {
        KitData.Study ct = data.ctStudyOfA();

        List<Parts.Part> parts = multipart(RetrieveRequest.study(ct.studyInstanceUid(), Resource.INSTANCES));

        assertThat(parts).allSatisfy(part -> assertThat(part.contentType()).startsWith("application/dicom"));
        assertThat(sopInstanceUids(parts)).containsExactlyInAnyOrderElementsOf(sops(ct.instances()));
    }

    @Test
    public void retrievesOneSeriesAndOneInstance() throws Exception {
        KitData.Study ct = data.ctStudyOfA();
        KitData.Series second = ct.series().get(1);
        KitData.Instance instance = second.instances().get(0);

        List<Parts.Part> series = multipart(new RetrieveRequest(ct.studyInstanceUid(), second.seriesInstanceUid(), null,
                Resource.INSTANCES, List.of(), null, java.util.Map.of()));
        List<Parts.Part> single = multipart(new RetrieveRequest(ct.studyInstanceUid(), second.seriesInstanceUid(),
                instance.sopInstanceUid(), Resource.INSTANCES, List.of(), null, java.util.Map.of()));

        assertThat(sopInstanceUids(series)).containsExactlyInAnyOrderElementsOf(sops(second.instances()));
        assertThat(sopInstanceUids(single)).containsExactly(instance.sopInstanceUid());
    }

    @Test
    public void retrievesStudyMetadataAsDicomJsonForEveryInstance() throws Exception {
        KitData.Study ct = data.ctStudyOfA();

        Body body = retrieve(RetrieveRequest.study(ct.studyInstanceUid(), Resource.METADATA));

        assertThat(body.contentType()).startsWith("application/dicom+json");
        JsonNode metadata = JSON.readTree(body.bytes());
        assertThat(metadata.isArray()).isTrue();
        List<String> sops = new ArrayList<>();
        for (JsonNode instance : metadata) {
            sops.add(instance.path("00080018").path("Value").path(0).asText());
            assertThat(instance.path("0020000D").path("Value").path(0).asText()).isEqualTo(ct.studyInstanceUid());
        }
        assertThat(sops).containsExactlyInAnyOrderElementsOf(sops(ct.instances()));
    }

    @Test
    public void retrievesAFrameOfAnInstance() throws Exception {
        if (!supportsFrames()) {
            return;
        }
        KitData.Study ct = data.ctStudyOfA();
        KitData.Series series = ct.series().get(0);
        KitData.Instance instance = series.instances().get(0);

        List<Parts.Part> frames = multipart(new RetrieveRequest(ct.studyInstanceUid(), series.seriesInstanceUid(),
                instance.sopInstanceUid(), Resource.FRAMES, List.of(1), null, java.util.Map.of()));

        assertThat(frames).hasSize(1);
        assertThat(frames.get(0).body()).hasSize(KitData.ROWS * KitData.ROWS * 2);
    }

    @Test
    public void answersNotFoundForAnUnknownStudySeriesOrInstance() {
        KitData.Study ct = data.ctStudyOfA();
        KitData.Series series = ct.series().get(0);
        String unknown = ct.studyInstanceUid() + ".999";

        assertThatThrownBy(() -> retrieve(RetrieveRequest.study(unknown, Resource.INSTANCES)))
                .isInstanceOf(ImagingException.NotFound.class);
        assertThatThrownBy(() -> retrieve(RetrieveRequest.study(unknown, Resource.METADATA)))
                .isInstanceOf(ImagingException.NotFound.class);
        assertThatThrownBy(() -> retrieve(new RetrieveRequest(ct.studyInstanceUid(), unknown, null, Resource.INSTANCES,
                List.of(), null, java.util.Map.of()))).isInstanceOf(ImagingException.NotFound.class);
        assertThatThrownBy(() -> retrieve(new RetrieveRequest(ct.studyInstanceUid(), series.seriesInstanceUid(), unknown,
                Resource.INSTANCES, List.of(), null, java.util.Map.of()))).isInstanceOf(ImagingException.NotFound.class);
    }

    @Test
    public void servesConcurrentRetrievalsEachWithItsOwnBytes() throws Exception {
        List<KitData.Instance> instances = data.studies().stream().flatMap(s -> s.instances().stream()).toList();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<List<String>>> answers = new ArrayList<>();
            for (int round = 0; round < 2; round++) {
                for (KitData.Study study : data.studies()) {
                    for (KitData.Series series : study.series()) {
                        for (KitData.Instance instance : series.instances()) {
                            answers.add(pool.submit(() -> sopInstanceUids(multipart(new RetrieveRequest(study.studyInstanceUid(),
                                    series.seriesInstanceUid(), instance.sopInstanceUid(), Resource.INSTANCES, List.of(), null,
                                    java.util.Map.of())))));
                        }
                    }
                }
            }
            List<String> expected = new ArrayList<>();
            for (int round = 0; round < 2; round++) {
                expected.addAll(sops(instances));
            }
            List<String> got = new ArrayList<>();
            for (Future<List<String>> answer : answers) {
                got.addAll(answer.get(maxPendingWait().toSeconds() + 60, TimeUnit.SECONDS));
            }
            assertThat(got).isEqualTo(expected);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    public void closeIsIdempotent() throws Exception {
        ImageSource another = createSource(data);

        assertThatCode(() -> {
            another.close();
            another.close();
        }).doesNotThrowAnyException();
    }

    // --- helpers --------------------------------------------------------------------------------

    /** A body read whole (the kit's studies are small). */
    protected record Body(String contentType, byte[] bytes) {}

    /** Retrieves, asking again while the source answers pending, and reads the body. */
    protected final Body retrieve(RetrieveRequest request) throws Exception {
        Instant deadline = Instant.now().plus(maxPendingWait());
        while (true) {
            Retrieval retrieval = source.retrieve(request);
            if (retrieval instanceof Retrieval.Ready ready) {
                try (ResponseBody body = ready.body()) {
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    body.writeTo(out);
                    assertThat(body.status()).as("body status").isBetween(200, 299);
                    return new Body(body.contentType(), out.toByteArray());
                }
            }
            Duration retryAfter = ((Retrieval.Pending) retrieval).retryAfter();
            if (Instant.now().isAfter(deadline)) {
                fail("Still pending after " + maxPendingWait() + ": " + request.relativePath());
            }
            Thread.sleep(Math.max(50, Math.min(1_000, retryAfter.toMillis())));
        }
    }

    private List<Parts.Part> multipart(RetrieveRequest request) throws Exception {
        Body body = retrieve(request);
        return Parts.of(body.contentType(), body.bytes());
    }

    private static List<String> sopInstanceUids(List<Parts.Part> parts) throws IOException {
        List<String> uids = new ArrayList<>();
        for (Parts.Part part : parts) {
            var file = DicomFiles.read(new ByteArrayInputStream(part.body()), ReadOptions.defaults());
            uids.add(file.dataset().getString(Tag.SOPInstanceUID));
        }
        return uids;
    }

    private static List<String> uids(List<KitData.Study> studies) {
        return studies.stream().map(KitData.Study::studyInstanceUid).toList();
    }

    private static List<String> sops(List<KitData.Instance> instances) {
        return instances.stream().map(KitData.Instance::sopInstanceUid).collect(Collectors.toList());
    }

    static Set<String> set(List<String> values) {
        return Set.copyOf(values);
    }
}
