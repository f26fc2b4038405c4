package org.smartimaging.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.smartimaging.engine.EngineFixture.get;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smartimaging.engine.EngineFixture.Answer;
import org.smartimaging.testing.Dcmtk;
import org.smartimaging.testing.Multipart;
import org.smartimaging.testing.TestStudies;

/** What the engine serves, read by dcmtk: the retrieved files parse, and /metadata matches dcm2json. */
class DcmtkAgreementTest {

    /** Every attribute the FHIR mapping and the folder index use. */
    static final List<String> MAPPED = List.of("00100010", "00100020", "0020000D", "00080020", "00080030", "00081030",
            "00080050", "0020000E", "00200011", "00080060", "0008103E", "00080018", "00080016", "00200013");

    @TempDir
    Path data;
    @TempDir
    Path scratch;

    @Test
    void retrievedInstancesAreReadByDcmdumpAndMetadataMatchesDcm2json() throws IOException {
        TestStudies.Study study = TestStudies.write(data.resolve("studies"), "MRN-D", "CT", 2, 2, 16);
        try (ImagingEngine engine = new ImagingEngine(ServerOptions.builder().dataDirectory(data).randomStudyTokenKey()
                .builtInConfig("open", "{\"authorization\": {\"type\": \"mock\", \"disableAuthzChecks\": true},"
                        + " \"images\": {\"type\": \"folder\", \"directory\": \"studies\", \"lookup\": \"all-studies-on-server\"}}")
                .build())) {
            String wado = get(engine, "/open/fhir/ImagingStudy", (String) null).json().path("entry").get(0)
                    .path("resource").path("contained").get(0).path("address").asText();
            Answer instances = get(engine, wado + "/studies/" + study.studyInstanceUid(), (String) null);
            Answer metadata = get(engine, wado + "/studies/" + study.studyInstanceUid() + "/metadata", (String) null);

            List<byte[]> parts = Multipart.parts(instances.contentType(), instances.body());
            assertThat(parts).hasSize(4);
            ObjectMapper json = new ObjectMapper();
            for (int i = 0; i < parts.size(); i++) {
                Path file = Files.write(scratch.resolve(i + ".dcm"), parts.get(i));
                assertThat(parts.get(i)).isEqualTo(Files.readAllBytes(study.files().get(i)));
                assertThat(Dcmtk.dump(file)).contains(study.sopInstanceUids().get(i));

                JsonNode ours = metadata.json().get(i);
                JsonNode theirs = json.readTree(Dcmtk.dcm2json(file));
                for (String tag : MAPPED) {
                    assertThat(ours.path(tag)).as("attribute %s of instance %d", tag, i).isEqualTo(theirs.path(tag));
                }
            }
        }
    }
}
