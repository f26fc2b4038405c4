package org.smartimaging.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.smartimaging.engine.EngineFixture.get;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smartimaging.engine.EngineFixture.Answer;
import org.smartimaging.testing.TestStudies;

/** Requests an attacker (or a careless client) sends: each gets a clear 4xx and nothing it should not. */
class HostileRequestTest {

    @TempDir
    static Path data;
    static ImagingEngine engine;
    static TestStudies.Study studyA;
    static TestStudies.Study studyB;

    @BeforeAll
    static void start() {
        studyA = TestStudies.write(data.resolve("studies"), "MRN-A", "CT", 1, 1, 8);
        studyB = TestStudies.write(data.resolve("studies"), "MRN-B", "MR", 1, 1, 8);
        engine = new ImagingEngine(ServerOptions.builder().dataDirectory(data).studyTokenKey(EngineFixture.KEY)
                .builtInConfig("demo", ImagingEngineTest.config("\"type\": \"mock\", \"patient\": " + ImagingEngineTest.PATIENT_A,
                        "\"lookup\": \"studies-by-mrn\""))
                .builtInConfig("open", ImagingEngineTest.config("\"type\": \"mock\", \"disableAuthzChecks\": true",
                        "\"lookup\": \"all-studies-on-server\""))
                .build());
    }

    @AfterAll
    static void stop() {
        engine.close();
    }

    @Test
    void twoAuthorizationHeadersAreRefused() {
        // The servlet hands repeated header lines over combined with a comma (RFC 9110 5.3).
        Answer answer = get(engine, "/demo/fhir/ImagingStudy?patient=pat-a",
                Map.of("Authorization", "Bearer any-token, Basic dXNlcjpwYXNz"));

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.text()).contains("one Authorization header").doesNotContain("dXNlcjpwYXNz");
    }

    @Test
    void openConfigKeepsEachStudysOwnPatient() {
        Answer answer = get(engine, "/open/fhir/ImagingStudy?patient=someone-else", (String) null);

        assertThat(answer.status()).isEqualTo(200);
        for (JsonNode entry : answer.json().path("entry")) {
            JsonNode subject = entry.path("resource").path("subject");
            assertThat(subject.path("reference").asText()).isEmpty();
            assertThat(subject.path("identifier").path("value").asText()).isIn("MRN-A", "MRN-B");
        }
        assertThat(answer.text()).doesNotContain("Patient/someone-else");
    }

    @Test
    void renderingParametersGetNoParserMessage() {
        Answer search = get(engine, "/demo/fhir/ImagingStudy?patient=pat-a", "any-token");
        String instance = EngineFixture.below(ImagingEngineTest.wadoAddress(search, studyA.studyInstanceUid()))
                + "/studies/" + studyA.studyInstanceUid() + "/series/" + studyA.seriesInstanceUids().get(0)
                + "/instances/" + studyA.sopInstanceUids().get(0) + "/rendered";
        for (String query : new String[] {"quality=abc", "viewport=1x,20", "window=a,b", "quality=99999999999"}) {
            Answer answer = get(engine, instance + "?" + query, "any-token");

            assertThat(answer.status()).as(query).isEqualTo(400);
            assertThat(answer.text()).as(query).doesNotContain("For input string").doesNotContain("NumberFormat")
                    .contains("Invalid rendering parameter");
        }
    }
}
