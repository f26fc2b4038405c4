package org.smartimaging.dimse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smartimaging.spi.ImagingException;
import org.smartimaging.spi.Retrieval;
import org.smartimaging.spi.RetrieveRequest;
import org.smartimaging.spi.StudyQuery;
import org.smartimaging.spi.StudyRecord;
import org.smartimaging.testing.Multipart;
import org.smartimaging.testing.OrthancServer;
import org.smartimaging.testing.TestStudies;

/**
 * The fault cases of {@link DimseFaultTest}, with Orthanc as the archive instead of dcmqrscp: Orthanc
 * killed mid C-GET, a C-MOVE to a destination Orthanc does not know, a C-FIND answer over the cap.
 * Each ends in one 502, leaves nothing half retrieved, and the source goes on serving.
 */
class DimseOrthancFaultTest {

    @TempDir
    static Path dir;
    static OrthancServer orthanc;
    static TestStudies.Study big;
    static TestStudies.Study small;
    static TestStudies.Study third;

    @BeforeAll
    static void start() {
        orthanc = OrthancServer.builder().storageDirectory(dir.resolve("orthanc")).start();
        big = TestStudies.write(dir.resolve("data"), "MRN-OBIG", "CT", 1, 40, 256);
        small = TestStudies.write(dir.resolve("data"), "MRN-OSMALL", "CT", 1, 2, 16);
        third = TestStudies.write(dir.resolve("data"), "MRN-OTHIRD", "MR", 1, 1, 16);
        List<Path> all = new ArrayList<>(big.files());
        all.addAll(small.files());
        all.addAll(third.files());
        orthanc.uploadAll(all);
    }

    @AfterAll
    static void stop() {
        if (orthanc != null) {
            orthanc.close();
        }
    }

    static DimseImageSource source(String cache, String extra) {
        return Sources.create(dir, """
                {"endpoint": "dimse://127.0.0.1:%d", "ae": "%s", "cacheDirectory": "%s",
                 "connectTimeoutSeconds": 2, "idleTimeoutSeconds": 5 %s}""".formatted(
                orthanc.dicomPort(), orthanc.aeTitle(), cache, extra));
    }

    static RetrieveRequest study(TestStudies.Study s) {
        return RetrieveRequest.study(s.studyInstanceUid(), RetrieveRequest.Resource.INSTANCES);
    }

    @Test
    void orthancKilledMidCGetFailsOnceLeavesNothingAndIsRetrievedAfterRestart() throws Exception {
        // Small PDUs make the 40-instance C-GET last long enough to be cut in the middle.
        try (DimseImageSource source = source("cache-kill", ", \"maxPduLength\": 4096")) {
            Path tmp = dir.resolve("cache-kill/tmp");
            Path studies = dir.resolve("cache-kill/studies");
            assertThat(source.retrieve(study(big))).isInstanceOf(Retrieval.Pending.class);
            long until = System.nanoTime() + 20_000_000_000L;
            while (System.nanoTime() < until && DimseFaultTest.filesUnder(tmp) < 3) {
                Thread.sleep(1);
            }
            assertThat(DimseFaultTest.filesUnder(tmp)).as("instances arrived before the kill").isBetween(3L, 39L);
            orthanc.kill();

            assertThatThrownBy(() -> Sources.untilNotPending(source, study(big), Duration.ofSeconds(15)))
                    .isInstanceOf(ImagingException.UpstreamFailure.class);
            assertThat(Sources.count(tmp)).as("temporary directories left").isZero();
            assertThat(Sources.count(studies)).as("studies in the cache").isZero();

            orthanc.restart();
            // Reported once: the next request starts a new retrieval instead of repeating the failure.
            assertThat(source.retrieve(study(big))).isInstanceOf(Retrieval.Pending.class);
            byte[] body = Sources.retrieveWhenReady(source, study(big), Duration.ofSeconds(20));
            List<byte[]> parts = Multipart.parts(
                    "multipart/related; boundary=" + new String(body, 2, 36, StandardCharsets.US_ASCII), body);
            assertThat(parts).hasSize(40);
            for (int i = 0; i < parts.size(); i++) {
                assertThat(Sources.datasetBytes(parts.get(i))).hasSizeGreaterThan(256 * 256 * 2);
            }
            assertThat(Sources.count(studies)).isOne();
            assertThat(Sources.count(tmp)).isZero();
        } finally {
            if (!orthanc.isRunning()) {
                orthanc.restart();
            }
        }
    }

    @Test
    void cMoveToADestinationOrthancDoesNotKnowIsA502NamingTheRefusal() throws Exception {
        int storePort = Dcmqrscp.freePort();
        try (DimseImageSource source = source("cache-move", """
                , "retrieval": "c-move", "storeAe": "NOTKNOWN", "storePort": %d""".formatted(storePort))) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> Sources.untilNotPending(source, study(small), Duration.ofSeconds(10)))
                    .isInstanceOf(ImagingException.UpstreamFailure.class)
                    .hasMessageContaining("refused")
                    .hasMessageContaining("NOTKNOWN");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
            assertThat(Sources.count(dir.resolve("cache-move/tmp"))).isZero();
            assertThat(Sources.count(dir.resolve("cache-move/studies"))).isZero();
            assertThat(source.retrieve(study(small))).isInstanceOf(Retrieval.Pending.class); // reported once
        }
    }

    @Test
    void findAnswerOverTheCapIsA502AndTheSourceGoesOn() {
        try (DimseImageSource source = source("cache-cap", ", \"maxFindResults\": 2")) {
            assertThatThrownBy(() -> source.findStudies(StudyQuery.allStudies(100)))
                    .isInstanceOf(ImagingException.UpstreamFailure.class)
                    .hasMessageContaining("more than 2 matches");

            List<StudyRecord> one = source.findStudies(StudyQuery.byMrn("MRN-OSMALL", 10));
            assertThat(one).extracting(StudyRecord::studyInstanceUid).containsExactly(small.studyInstanceUid());
            assertThat(one.get(0).series()).flatExtracting(s -> s.instances()).hasSize(2);
        }
    }
}
