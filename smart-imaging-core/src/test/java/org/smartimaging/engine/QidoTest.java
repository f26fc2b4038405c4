package org.smartimaging.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.smartimaging.engine.EngineFixture.get;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smartimaging.engine.EngineFixture.Answer;
import org.smartimaging.testing.TestStudies;

/**
 * QIDO-RS under a WADO base: what OHIF and dicomweb-client ask works, and nothing outside the
 * studies the study token grants is ever listed, whatever the matching keys say.
 */
class QidoTest {

    static final String OHIF_STUDY_FIELDS = "includefield=00081030%2C00080060";
    static final String OHIF_SERIES_FIELDS = "includefield=0008103E%2C00080060%2C0020000E%2C00200011%2C00080021%2C00080031";

    @TempDir
    static Path data;
    static ImagingEngine engine;
    static TestStudies.Study a1;
    static TestStudies.Study a2;
    static TestStudies.Study b;
    /** The WADO base of study A1 for patient A, token-bound (demo) and on an open config. */
    static String base;
    static String openBase;

    @BeforeAll
    static void start() {
        Path studies = data.resolve("studies");
        a1 = TestStudies.write(studies, "MRN-A", "CT", 2, 3, 8);
        a2 = TestStudies.write(studies, "MRN-A", "MR", 1, 2, 8);
        b = TestStudies.write(studies, "MRN-B", "CT", 1, 2, 8);
        engine = new ImagingEngine(ServerOptions.builder().dataDirectory(data).studyTokenKey(EngineFixture.KEY)
                .builtInConfig("demo", ImagingEngineTest.config("\"type\": \"mock\", \"patient\": " + ImagingEngineTest.PATIENT_A,
                        "\"lookup\": \"studies-by-mrn\""))
                .builtInConfig("open", ImagingEngineTest.config("\"type\": \"mock\", \"disableAuthzChecks\": true",
                        "\"lookup\": \"all-studies-on-server\""))
                .builtInConfig("careless", "{\"authorization\": {\"type\": \"mock\", \"patient\": " + ImagingEngineTest.PATIENT_A
                        + "}, \"images\": {\"type\": \"careless-folder\", \"directory\": \"studies\", \"lookup\": \"studies-by-mrn\"}}")
                .build());
        base = EngineFixture.below(ImagingEngineTest.wadoAddress(
                get(engine, "/demo/fhir/ImagingStudy?patient=pat-a", "any-token"), a1.studyInstanceUid()));
        openBase = EngineFixture.below(ImagingEngineTest.wadoAddress(
                get(engine, "/open/fhir/ImagingStudy", (String) null), a1.studyInstanceUid()));
    }

    @AfterAll
    static void stop() {
        engine.close();
    }

    static Answer qido(String pathAndQuery) {
        return get(engine, base + pathAndQuery, "any-token");
    }

    static List<String> values(Answer answer, String tag) {
        assertThat(answer.status()).as(answer.text()).isEqualTo(200);
        assertThat(answer.contentType()).isEqualTo("application/dicom+json");
        List<String> found = new ArrayList<>();
        for (JsonNode match : answer.json()) {
            found.add(match.path(tag).path("Value").path(0).asText());
        }
        return found;
    }

    static List<String> studyUids(Answer answer) {
        return values(answer, "0020000D");
    }

    // --- what OHIF 3.13 asks, in order ----------------------------------------------------------

    @Test
    void answersOhifsStudyQuery() {
        Answer answer = qido("/studies?StudyInstanceUID=" + a1.studyInstanceUid()
                + "&limit=101&offset=0&fuzzymatching=false&" + OHIF_STUDY_FIELDS);

        assertThat(studyUids(answer)).containsExactly(a1.studyInstanceUid());
        JsonNode study = answer.json().get(0);
        assertThat(study.path("00100020").path("Value").get(0).asText()).isEqualTo("MRN-A");
        assertThat(study.path("00100010").path("Value").get(0).path("Alphabetic").asText()).isEqualTo("Test^MRN-A");
        assertThat(study.path("00080020").path("Value").get(0).asText()).isEqualTo("20240131");
        assertThat(study.path("00080030").path("Value").get(0).asText()).isEqualTo("101500");
        assertThat(study.path("00080061").path("Value").get(0).asText()).isEqualTo("CT");
        assertThat(study.path("00081030").path("Value").get(0).asText()).isEqualTo("CT test study");
        assertThat(study.path("00201206").path("Value").get(0).asInt()).isEqualTo(2);
        assertThat(study.path("00201208").path("Value").get(0).asInt()).isEqualTo(6);
        assertThat(study.path("00081190").path("Value").get(0).asText())
                .isEqualTo(EngineFixture.BASE + base + "/studies/" + a1.studyInstanceUid());
        assertThat(answer.header("Cache-Control")).isEqualTo("no-store");
    }

    @Test
    void answersOhifsSeriesQuery() {
        Answer answer = qido("/studies/" + a1.studyInstanceUid() + "/series?" + OHIF_SERIES_FIELDS);

        assertThat(values(answer, "0020000E")).containsExactlyElementsOf(a1.seriesInstanceUids());
        assertThat(values(answer, "00080060")).containsExactly("CT", "CT");
        assertThat(values(answer, "00200011")).containsExactly("1", "2");
        assertThat(values(answer, "00201209")).containsExactly("3", "3");
        assertThat(values(answer, "0008103E")).containsExactly("Series 1", "Series 2");
    }

    @Test
    void ohifsOtherStudiesOfThePatientAreOnlyTheTokensStudy() {
        Answer answer = qido("/studies?00100020=MRN-A&limit=101&offset=0&fuzzymatching=false&" + OHIF_STUDY_FIELDS);

        // A2 is the same patient's, but this capability grants A1 only
        assertThat(studyUids(answer)).containsExactly(a1.studyInstanceUid());
    }

    @Test
    void answersInstanceQueriesOfASeriesAndOfAStudy() {
        Answer ofSeries = qido("/studies/" + a1.studyInstanceUid() + "/series/" + a1.seriesInstanceUids().get(1) + "/instances");
        Answer ofStudy = qido("/studies/" + a1.studyInstanceUid() + "/instances?limit=1000");

        assertThat(values(ofSeries, "00080018")).containsExactlyElementsOf(a1.sopInstanceUids().subList(3, 6));
        assertThat(values(ofSeries, "00200013")).containsExactly("1", "2", "3");
        assertThat(values(ofStudy, "00080018")).containsExactlyElementsOf(a1.sopInstanceUids());
        assertThat(values(ofStudy, "00080016")).allMatch(uid -> uid.equals("1.2.840.10008.5.1.4.1.1.2"));
    }

    // --- never outside the capability -----------------------------------------------------------

    @Test
    void neverListsAnotherPatientsStudyByPatientId() {
        assertThat(studyUids(qido("/studies?PatientID=MRN-B"))).isEmpty();
        assertThat(studyUids(get(engine, openBase + "/studies?PatientID=MRN-B", (String) null))).isEmpty();
        assertThat(studyUids(get(engine, openBase + "/studies?00100020=MRN-B&limit=101", (String) null))).isEmpty();
    }

    @Test
    void wildcardsNeverWidenTheCapability() {
        for (String query : List.of("PatientID=*", "PatientID=MRN-%3F", "PatientID=MRN*", "PatientName=*", "AccessionNumber=*",
                "StudyDescription=*", "ModalitiesInStudy=CT%2CMR", "StudyDate=19000101-", "")) {
            assertThat(studyUids(qido("/studies?" + query))).as(query).containsExactly(a1.studyInstanceUid());
            assertThat(studyUids(get(engine, openBase + "/studies?" + query, (String) null))).as("open " + query)
                    .containsExactly(a1.studyInstanceUid());
        }
    }

    @Test
    void aStudyInstanceUidListKeepsOnlyTheGrantedStudy() {
        String list = a1.studyInstanceUid() + "," + b.studyInstanceUid() + "," + a2.studyInstanceUid();

        assertThat(studyUids(qido("/studies?StudyInstanceUID=" + list))).containsExactly(a1.studyInstanceUid());
        assertThat(studyUids(qido("/studies?0020000D=" + b.studyInstanceUid() + "&0020000D=" + a1.studyInstanceUid())))
                .containsExactly(a1.studyInstanceUid());
        assertThat(studyUids(qido("/studies?StudyInstanceUID=" + b.studyInstanceUid()))).isEmpty();
        assertThat(studyUids(get(engine, openBase + "/studies?StudyInstanceUID=" + list, (String) null)))
                .containsExactly(a1.studyInstanceUid());
    }

    @Test
    void neverPassesOnStudiesASourceAnswersUnasked() {
        Answer search = get(engine, "/careless/fhir/ImagingStudy?patient=pat-a", "any-token");
        String careless = EngineFixture.below(ImagingEngineTest.wadoAddress(search, a1.studyInstanceUid()));

        for (String query : List.of("", "PatientID=MRN-B", "PatientID=*", "StudyInstanceUID=" + b.studyInstanceUid())) {
            List<String> listed = studyUids(get(engine, careless + "/studies?" + query, "any-token"));
            assertThat(listed).as(query).isSubsetOf(a1.studyInstanceUid());
        }
        assertThat(studyUids(get(engine, careless + "/studies", "any-token"))).containsExactly(a1.studyInstanceUid());
    }

    @Test
    void theFhirSearchNeverPassesOnAnotherPatientsStudiesASourceAnswersUnasked() {
        Answer search = get(engine, "/careless/fhir/ImagingStudy?patient=pat-a", "any-token");

        assertThat(ImagingEngineTest.studyUids(search)).containsExactlyInAnyOrder(a1.studyInstanceUid(), a2.studyInstanceUid());
    }

    @Test
    void refusesSeriesAndInstancesOfAStudyTheTokenDoesNotGrant() {
        for (String path : List.of("/studies/" + b.studyInstanceUid() + "/series", "/studies/" + b.studyInstanceUid() + "/instances",
                "/studies/" + b.studyInstanceUid() + "/series/" + b.seriesInstanceUids().get(0) + "/instances")) {
            assertThat(qido(path).status()).as(path).isEqualTo(403);
            assertThat(get(engine, openBase + path, (String) null).status()).as("open " + path).isEqualTo(403);
        }
    }

    @Test
    void needsTheAccessTokenWhenTokenBound() {
        Answer noToken = get(engine, base + "/studies", (String) null);
        Answer forged = get(engine, base.replaceAll("\\.[^.]+$", ".AAAA") + "/studies", "any-token");

        assertThat(noToken.status()).isEqualTo(401);
        assertThat(noToken.text()).doesNotContain(a1.studyInstanceUid());
        assertThat(forged.status()).isEqualTo(401);
    }

    @Test
    void aSeriesOfAnotherStudyIsNotFoundBelowTheGrantedStudy() {
        Answer answer = qido("/studies/" + a1.studyInstanceUid() + "/series/" + b.seriesInstanceUids().get(0) + "/instances");

        assertThat(answer.status()).isEqualTo(404);
    }

    // --- matching -------------------------------------------------------------------------------

    @Test
    void matchesByKeywordOrTagAlike() {
        String accession = qido("/studies").json().get(0).path("00080050").path("Value").get(0).asText();

        assertThat(studyUids(qido("/studies?AccessionNumber=" + accession))).containsExactly(a1.studyInstanceUid());
        assertThat(studyUids(qido("/studies?00080050=" + accession))).containsExactly(a1.studyInstanceUid());
        assertThat(studyUids(qido("/studies?00080050=X" + accession))).isEmpty();
        assertThat(studyUids(qido("/studies?0008103e=x"))).containsExactly(a1.studyInstanceUid()); // series key at study level: ignored
    }

    @Test
    void matchesStudyDateRangesAndModalities() {
        assertThat(studyUids(qido("/studies?StudyDate=20240131"))).hasSize(1);
        assertThat(studyUids(qido("/studies?StudyDate=20240101-20240131"))).hasSize(1);
        assertThat(studyUids(qido("/studies?StudyDate=-20240130"))).isEmpty();
        assertThat(studyUids(qido("/studies?StudyDate=20240201-"))).isEmpty();
        assertThat(studyUids(qido("/studies?StudyTime=10-11"))).hasSize(1);
        assertThat(studyUids(qido("/studies?StudyTime=1016-"))).isEmpty();
        assertThat(studyUids(qido("/studies?ModalitiesInStudy=MR"))).isEmpty();
        assertThat(studyUids(qido("/studies?ModalitiesInStudy=ct"))).hasSize(1);
        assertThat(values(qido("/studies/" + a1.studyInstanceUid() + "/series?Modality=MR"), "0020000E")).isEmpty();
        assertThat(values(qido("/studies/" + a1.studyInstanceUid() + "/series?SeriesNumber=2"), "0020000E"))
                .containsExactly(a1.seriesInstanceUids().get(1));
        assertThat(values(qido("/studies/" + a1.studyInstanceUid() + "/series?SeriesInstanceUID=" + a1.seriesInstanceUids().get(0)),
                "0020000E")).containsExactly(a1.seriesInstanceUids().get(0));
    }

    @Test
    void fuzzyMatchingIgnoresCase() {
        assertThat(studyUids(qido("/studies?PatientName=test*"))).isEmpty();
        assertThat(studyUids(qido("/studies?PatientName=test*&fuzzymatching=true"))).hasSize(1);
        assertThat(studyUids(qido("/studies?PatientName=Test*"))).hasSize(1);
    }

    @Test
    void pagesWithLimitAndOffset() {
        String path = "/studies/" + a1.studyInstanceUid() + "/instances";

        Answer first = qido(path + "?limit=4");
        Answer rest = qido(path + "?limit=4&offset=4");

        assertThat(values(first, "00080018")).containsExactlyElementsOf(a1.sopInstanceUids().subList(0, 4));
        assertThat(first.header("Warning")).contains("offset=4");
        assertThat(values(rest, "00080018")).containsExactlyElementsOf(a1.sopInstanceUids().subList(4, 6));
        assertThat(rest.header("Warning")).isNull();
    }

    @Test
    void includefieldAllAddsStudyAttributesToSeries() {
        Answer plain = qido("/studies/" + a1.studyInstanceUid() + "/series");
        Answer all = qido("/studies/" + a1.studyInstanceUid() + "/series?includefield=all");
        Answer named = qido("/studies/" + a1.studyInstanceUid() + "/series?includefield=PatientID");

        assertThat(plain.json().get(0).has("00100020")).isFalse();
        assertThat(all.json().get(0).path("00100020").path("Value").get(0).asText()).isEqualTo("MRN-A");
        assertThat(all.json().get(0).path("00081190").path("Value").get(0).asText()).endsWith(a1.seriesInstanceUids().get(0));
        assertThat(named.json().get(0).has("00100020")).isTrue();
        assertThat(named.json().get(0).has("00100010")).isFalse();
    }

    @Test
    void namesIgnoredKeysInAWarning() {
        Answer answer = qido("/studies?ReferringPhysicianName=Smith&_=123");

        assertThat(studyUids(answer)).hasSize(1);
        assertThat(answer.header("Warning")).startsWith("299 ").contains("ReferringPhysicianName");
    }

    @Test
    void refusesMalformedValues() {
        for (String query : List.of("StudyDate=2024", "StudyDate=20240101-20240131-2", "StudyDate=-", "limit=-1", "limit=many",
                "offset=x", "fuzzymatching=maybe", "StudyInstanceUID=1.2.abc", "PatientID=a&PatientID=b")) {
            Answer answer = qido("/studies?" + query);
            assertThat(answer.status()).as(query).isEqualTo(400);
            assertThat(answer.text()).as(query).contains("OperationOutcome");
        }
        assertThat(qido("/studies/" + a1.studyInstanceUid() + "/series?SeriesNumber=one").status()).isEqualTo(400);
    }

    @Test
    void answersJsonOnlyAndEmptyListsAsEmptyArrays() {
        Answer xml = get(engine, base + "/studies", Map.of("Authorization", "Bearer any-token",
                "Accept", "multipart/related; type=\"application/dicom+xml\""));
        Answer none = qido("/studies?PatientID=nobody");

        assertThat(xml.status()).isEqualTo(406);
        assertThat(none.status()).isEqualTo(200);
        assertThat(none.text()).isEqualTo("[]");
    }

    @Test
    void appendingToAQidoPathIsNotFound() {
        assertThat(qido("/studies/" + a1.studyInstanceUid() + "/series/" + a1.seriesInstanceUids().get(0) + "/instances/x").status())
                .isIn(400, 404);
        assertThat(qido("/studies/" + a1.studyInstanceUid() + "/instances/" + a1.sopInstanceUids().get(0)).status()).isEqualTo(404);
        assertThat(qido("/studies/" + a1.studyInstanceUid() + "/nothing").status()).isEqualTo(404);
    }
}
