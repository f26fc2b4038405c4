package org.smartimaging.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.smartimaging.engine.EngineFixture.get;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smartimaging.engine.EngineFixture.Answer;
import org.smartimaging.fhir.Fhir;
import org.smartimaging.spi.AuditRecord;
import org.smartimaging.spi.AuditRecord.Action;
import org.smartimaging.spi.AuditRecord.Decision;
import org.smartimaging.spi.AuditSink;
import org.smartimaging.testing.TestStudies;

/** One audit record per search and per retrieval, whatever the outcome, and never a credential in it. */
class AuditThroughEngineTest {

    static final String ACCESS_TOKEN = "secret-access-token-0123456789";

    @TempDir
    static Path data;
    static ImagingEngine engine;
    static TestStudies.Study studyA;
    static TestStudies.Study studyB;
    static final List<AuditRecord> records = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() {
        studyA = TestStudies.write(data.resolve("studies"), "MRN-A", "CT", 1, 1, 4);
        studyB = TestStudies.write(data.resolve("studies"), "MRN-B", "CT", 1, 1, 4);
        AuditSink failing = record -> {
            throw new IllegalStateException("a broken sink");
        };
        engine = new ImagingEngine(ServerOptions.builder().dataDirectory(data).studyTokenKey(EngineFixture.KEY)
                .builtInConfig("demo", ImagingEngineTest.config("\"type\": \"mock\", \"patient\": " + ImagingEngineTest.PATIENT_A,
                        "\"lookup\": \"studies-by-mrn\""))
                .builtInConfig("proxy", ImagingEngineTest.config("\"type\": \"kit-proxy\"", "\"lookup\": \"studies-by-mrn\""))
                .provider(new ProxyAuthorization())
                .auditSinks(List.of(failing, records::add)).build());
    }

    @AfterAll
    static void stop() {
        engine.close();
    }

    @BeforeEach
    void clear() {
        records.clear();
    }

    @Test
    void searchIsRecordedWithClientPatientReturnedStudiesAndTokenFingerprint() {
        Answer answer = get(engine, "/demo/fhir/ImagingStudy?patient=pat-a", Map.of("Authorization", "Bearer " + ACCESS_TOKEN,
                "X-Request-Id", "req-42"));

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.header("X-Request-Id")).isEqualTo("req-42");
        AuditRecord record = only();
        assertThat(record.action()).isEqualTo(Action.SEARCH);
        assertThat(record.decision()).isEqualTo(Decision.PERMIT);
        assertThat(record.status()).isEqualTo(200);
        assertThat(record.site()).isEqualTo("demo");
        assertThat(record.clientId()).isEqualTo("mock");
        assertThat(record.patientId()).isEqualTo("pat-a");
        assertThat(record.studyInstanceUids()).containsExactly(studyA.studyInstanceUid());
        assertThat(record.query()).isEqualTo("patient=pat-a");
        assertThat(record.correlationId()).isEqualTo("req-42");
        assertThat(record.accessTokenFingerprint()).isEqualTo(RequestAudit.fingerprint(ACCESS_TOKEN));
        assertNoCredentials(record, ACCESS_TOKEN);
    }

    @Test
    void searchForAnotherPatientIsRecordedAsDenied() {
        Answer answer = get(engine, "/demo/fhir/ImagingStudy?patient=pat-b", ACCESS_TOKEN);

        assertThat(answer.status()).isEqualTo(403);
        AuditRecord record = only();
        assertThat(record.decision()).isEqualTo(Decision.DENY);
        assertThat(record.status()).isEqualTo(403);
        assertThat(record.patientId()).isEqualTo("pat-b");
        assertThat(record.studyInstanceUids()).isEmpty();
        assertThat(record.reason()).isNotBlank();
    }

    @Test
    void retrievalIsRecordedWithItsCapabilityIdNotTheCapability() {
        String address = wadoAddressOfA();
        String capability = address.substring(address.lastIndexOf('/') + 1);
        records.clear();

        Answer answer = get(engine, address + "/studies/" + studyA.studyInstanceUid() + "/metadata", ACCESS_TOKEN);

        assertThat(answer.status()).isEqualTo(200);
        AuditRecord record = only();
        assertThat(record.action()).isEqualTo(Action.RETRIEVE);
        assertThat(record.route()).isEqualTo("wado/study/metadata");
        assertThat(record.decision()).isEqualTo(Decision.PERMIT);
        assertThat(record.patientId()).isEqualTo("pat-a");
        assertThat(record.studyInstanceUids()).containsExactly(studyA.studyInstanceUid());
        assertThat(record.capabilityId()).isNotBlank().doesNotStartWith("sha256:");
        assertThat(record.clientId()).isEqualTo("mock");
        assertNoCredentials(record, ACCESS_TOKEN, capability);
    }

    @Test
    void retrievalOfAStudyTheCapabilityDoesNotGrantIsRecordedAsDenied() {
        String address = wadoAddressOfA();
        String capability = address.substring(address.lastIndexOf('/') + 1);
        records.clear();

        Answer answer = get(engine, address + "/studies/" + studyB.studyInstanceUid(), ACCESS_TOKEN);

        assertThat(answer.status()).isEqualTo(403);
        AuditRecord record = only();
        assertThat(record.decision()).isEqualTo(Decision.DENY);
        assertThat(record.route()).isEqualTo("wado/study");
        assertThat(record.studyInstanceUids()).containsExactly(studyB.studyInstanceUid());
        assertNoCredentials(record, ACCESS_TOKEN, capability);
    }

    @Test
    void forgedCapabilityIsRecordedByItsFingerprint() {
        String forged = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl";

        Answer answer = get(engine, "/demo/wado/" + forged + "/studies/" + studyA.studyInstanceUid(), ACCESS_TOKEN);

        assertThat(answer.status()).isEqualTo(401);
        AuditRecord record = only();
        assertThat(record.decision()).isEqualTo(Decision.DENY);
        assertThat(record.capabilityId()).isEqualTo("sha256:" + RequestAudit.fingerprint(forged));
        assertNoCredentials(record, ACCESS_TOKEN, forged);
    }

    @Test
    void deniedSearchNamesTheClientAndTheUserItActsFor() {
        Answer answer = get(engine, "/proxy/fhir/ImagingStudy?patient=someone-else", ACCESS_TOKEN);

        assertThat(answer.status()).isEqualTo(403);
        AuditRecord record = only();
        assertThat(record.decision()).isEqualTo(Decision.DENY);
        assertThat(record.clientId()).isEqualTo("second-opinion-app");
        assertThat(record.user()).isEqualTo("RelatedPerson/elena");
        assertThat(record.patientId()).isEqualTo("someone-else");
    }

    /** A host's authorization whose grants name a user acting for patient maya (the IG's proxy example). */
    static final class ProxyAuthorization implements org.smartimaging.spi.AuthorizationProvider {
        @Override
        public String type() {
            return "kit-proxy";
        }

        @Override
        public org.smartimaging.spi.Authorization create(org.smartimaging.spi.ConfigSection section,
                org.smartimaging.spi.HostEnvironment environment) {
            org.smartimaging.spi.AccessGrant grant = new org.smartimaging.spi.AccessGrant(
                    org.smartimaging.spi.AccessGrant.Mode.APP_LAUNCH, "maya", java.util.Set.of("patient/ImagingStudy.rs"), null,
                    "second-opinion-app", "RelatedPerson/elena");
            return org.smartimaging.spi.Authorization.of(token -> grant, (patientId, g) -> {
                throw new AssertionError("not resolved for a denied search");
            });
        }
    }

    @Test
    void discoveryIsNotAnAccessDecision() {
        assertThat(get(engine, "/demo/fhir/metadata", (String) null).status()).isEqualTo(200);

        assertThat(records).isEmpty();
    }

    private static String wadoAddressOfA() {
        Answer search = get(engine, "/demo/fhir/ImagingStudy?patient=pat-a", ACCESS_TOKEN);
        JsonNode study = search.json().path("entry").get(0).path("resource");
        return EngineFixture.below(study.path("contained").get(0).path("address").asText());
    }

    private static AuditRecord only() {
        assertThat(records).hasSize(1);
        return records.get(0);
    }

    /** Neither the log line nor the AuditEvent carries the access token or the capability. */
    private static void assertNoCredentials(AuditRecord record, String... secrets) {
        String line = org.smartimaging.audit.AuditRecordsForTests.logLine(record);
        String auditEvent = Fhir.toJson(org.smartimaging.audit.AuditRecordsForTests.auditEvent(record));
        for (String secret : secrets) {
            assertThat(line).doesNotContain(secret);
            assertThat(auditEvent).doesNotContain(secret);
            assertThat(record.toString()).doesNotContain(secret);
        }
    }
}
