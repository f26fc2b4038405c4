package org.smartimaging.dimse;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smartimaging.dicom.DicomFiles;
import org.smartimaging.dicom.ReadOptions;
import org.smartimaging.dicom.Tag;
import org.smartimaging.spi.InstanceRecord;
import org.smartimaging.spi.RetrieveRequest;
import org.smartimaging.spi.StudyQuery;
import org.smartimaging.spi.StudyRecord;
import org.smartimaging.testing.Multipart;
import org.smartimaging.testing.OrthancServer;
import org.smartimaging.testing.TestStudies;

/** The dicom-dimse source against Orthanc's DICOM port: C-FIND, C-GET, and C-MOVE to the SDK's storage SCP. */
class DimseOrthancTest {

    @TempDir
    static Path dir;
    static OrthancServer orthanc;
    static int storePort;
    static TestStudies.Study study;

    @BeforeAll
    static void start() throws Exception {
        storePort = Dcmqrscp.freePort();
        orthanc = OrthancServer.builder().storageDirectory(dir.resolve("orthanc"))
                .modality("smart", "SMARTSTORE", "127.0.0.1", storePort).start();
        study = TestStudies.write(dir.resolve("data"), "MRN-O", "CT", 2, 3, 32);
        orthanc.uploadAll(study.files());
    }

    @AfterAll
    static void stop() {
        orthanc.close();
    }

    DimseImageSource source(String retrieval, String cache) {
        return Sources.create(dir, """
                {"endpoint": "dimse://127.0.0.1:%d", "ae": "%s", "retrieval": "%s", "storeAe": "SMARTSTORE", "storePort": %d,
                 "cacheDirectory": "%s"}""".formatted(orthanc.dicomPort(), orthanc.aeTitle(), retrieval, storePort, cache));
    }

    @Test
    void findsAndRetrievesWithCGetAndCMove() throws Exception {
        for (String retrieval : List.of("c-get", "c-move")) {
            try (DimseImageSource source = source(retrieval, "cache-" + retrieval)) {
                List<StudyRecord> found = source.findStudies(StudyQuery.byMrn("MRN-O", 10));
                assertThat(found).hasSize(1);
                assertThat(found.get(0).series()).flatExtracting(s -> s.instances()).extracting(InstanceRecord::sopInstanceUid)
                        .containsExactlyElementsOf(study.sopInstanceUids());

                RetrieveRequest request = RetrieveRequest.study(study.studyInstanceUid(), RetrieveRequest.Resource.INSTANCES);
                byte[] body = Sources.retrieveWhenReady(source, request, Duration.ofSeconds(30));
                String boundary = new String(body, 2, 36, java.nio.charset.StandardCharsets.US_ASCII);
                List<byte[]> parts = Multipart.parts("multipart/related; boundary=" + boundary, body);
                assertThat(parts).as(retrieval).hasSize(6);
                for (byte[] part : parts) {
                    String sop = DicomFiles.read(new java.io.ByteArrayInputStream(part), ReadOptions.defaults())
                            .dataset().getString(Tag.SOPInstanceUID);
                    Path original = study.files().get(study.sopInstanceUids().indexOf(sop));
                    assertThat(DicomFiles.read(new java.io.ByteArrayInputStream(part), ReadOptions.defaults()).dataset())
                            .as(retrieval).isEqualTo(DicomFiles.read(original).dataset());
                }
            }
        }
    }
}
