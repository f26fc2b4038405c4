package org.smartimaging.dicomweb;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smartimaging.spi.ImageSource;
import org.smartimaging.spi.StudyQuery;
import org.smartimaging.spi.StudyRecord;
import org.smartimaging.testing.DcmtkStudyWriter;
import org.smartimaging.testing.DcmtkStudyWriter.Study;
import org.smartimaging.testing.MutableClock;
import org.smartimaging.testing.OrthancServer;

/**
 * Searches against a real Orthanc, counting the requests the source makes: one per study at most
 * the first time, one in all while nothing changed, and a study asked for again once it changes.
 */
class StudyRecordCacheTest {

    static final String USER = "sdk";
    static final String PASSWORD = "pacs-Secret-42";
    static final Study ONE = Study.small("1.2.826.0.1.3680043.10.1004.1", "MRN-CACHE", 2, 3);
    static final Study TWO = Study.small("1.2.826.0.1.3680043.10.1004.2", "MRN-CACHE", 1, 2);
    static final Study THREE = Study.small("1.2.826.0.1.3680043.10.1004.3", "MRN-CACHE", 3, 1);

    @TempDir
    static Path files;
    static OrthancServer orthanc;

    @BeforeAll
    static void startOrthancWithStudies() {
        orthanc = OrthancServer.builder().basicAuth(USER, PASSWORD).start();
        for (Study study : List.of(ONE, TWO, THREE)) {
            orthanc.uploadAll(DcmtkStudyWriter.write(study, files.resolve(study.studyUid())));
        }
    }

    @AfterAll
    static void stop() {
        if (orthanc != null) {
            orthanc.close();
        }
    }

    @Test
    void aFirstSearchAsksOncePerStudyAndARepeatedOneOnlyForTheStudies() {
        try (ImageSource source = source(new MutableClock(Instant.parse("2026-01-01T00:00:00Z")))) {
            long before = requests(source);
            List<StudyRecord> first = source.findStudies(StudyQuery.byMrn("MRN-CACHE", 100));
            long afterFirst = requests(source);
            List<StudyRecord> second = source.findStudies(StudyQuery.byMrn("MRN-CACHE", 100));

            assertThat(first).hasSize(3);
            assertThat(afterFirst - before).isEqualTo(1 + 3);
            assertThat(requests(source) - afterFirst).isEqualTo(1);
            assertThat(second).isEqualTo(first);
            assertThat(first.get(0).series()).isNotEmpty();
        }
    }

    @Test
    void aStudyThatGainsInstancesIsAskedForAgainAndItsLastUpdatedMoves() {
        Study before = Study.small("1.2.826.0.1.3680043.10.1004.9", "MRN-GROWS", 1, 2);
        Study after = Study.small(before.studyUid(), "MRN-GROWS", 2, 2);
        Study other = Study.small("1.2.826.0.1.3680043.10.1004.10", "MRN-GROWS", 1, 1);
        orthanc.uploadAll(DcmtkStudyWriter.write(before, files.resolve("grows-before")));
        orthanc.uploadAll(DcmtkStudyWriter.write(other, files.resolve("grows-other")));
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        try (ImageSource source = source(clock)) {
            Map<String, StudyRecord> first = byUid(source.findStudies(StudyQuery.byMrn("MRN-GROWS", 100)));
            clock.advance(Duration.ofSeconds(30));
            orthanc.uploadAll(DcmtkStudyWriter.write(after, files.resolve("grows-after")));
            long requestsBefore = requests(source);
            Map<String, StudyRecord> second = byUid(source.findStudies(StudyQuery.byMrn("MRN-GROWS", 100)));

            assertThat(requests(source) - requestsBefore).isEqualTo(1 + 1);
            assertThat(first.get(before.studyUid()).numberOfInstances()).isEqualTo(2);
            assertThat(second.get(before.studyUid()).numberOfInstances()).isEqualTo(4);
            assertThat(first.get(before.studyUid()).lastUpdated()).isEqualTo("2026-01-01T00:00:00Z");
            assertThat(second.get(before.studyUid()).lastUpdated()).isEqualTo("2026-01-01T00:00:30Z");
            assertThat(second.get(other.studyUid()).lastUpdated()).isEqualTo("2026-01-01T00:00:00Z");
        }
    }

    @Test
    void aRecordOlderThanItsTimeToLiveIsAskedForAgainButKeepsItsLastUpdated() {
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        try (ImageSource source = source(clock)) {
            source.findStudies(StudyQuery.byMrn("MRN-CACHE", 100));
            clock.advance(Duration.ofSeconds(61));
            long requestsBefore = requests(source);
            List<StudyRecord> again = source.findStudies(StudyQuery.byMrn("MRN-CACHE", 100));

            assertThat(requests(source) - requestsBefore).isEqualTo(1 + 3);
            assertThat(again).allSatisfy(study -> assertThat(study.lastUpdated()).isEqualTo("2026-01-01T00:00:00Z"));
        }
    }

    private static ImageSource source(MutableClock clock) {
        return Sources.fromJson(Sources.basicConfig(orthanc.dicomWebUri().toString(), USER, PASSWORD,
                "\"studyCacheSeconds\": 60"), clock);
    }

    private static long requests(ImageSource source) {
        return ((DicomWebSource) source).upstreamRequests();
    }

    private static Map<String, StudyRecord> byUid(List<StudyRecord> studies) {
        return studies.stream().collect(Collectors.toMap(StudyRecord::studyInstanceUid, Function.identity()));
    }
}
