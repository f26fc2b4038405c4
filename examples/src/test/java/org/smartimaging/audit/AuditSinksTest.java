package org.smartimaging.audit;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAgentComponent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.smartimaging.fhir.Fhir;
import org.smartimaging.spi.AuditRecord;
import org.smartimaging.spi.AuditRecord.Action;
import org.smartimaging.spi.AuditRecord.Decision;

class AuditSinksTest {

    static FhirValidator validator;
    static AuditRepository repository;

    static final AuditRecord SEARCH = new AuditRecord(Instant.parse("2026-01-02T03:04:05Z"), Action.SEARCH, "demo",
            "ImagingStudy", "patient=123&_include=ImagingStudy:endpoint", "referral-service", null, "123",
            List.of("1.2.3.4"), Decision.PERMIT, 200, null, "req-1", "AbCdEfGhIjKlMnOpQrStUv", null,
            "https://imaging.example.org/api/demo");
    static final AuditRecord DENIED_RETRIEVAL = new AuditRecord(Instant.parse("2026-01-02T03:04:06Z"), Action.RETRIEVE,
            "demo", "wado/study", null, "viewer-app", "https://ehr.example.org/fhir/RelatedPerson/elena", "maya",
            List.of("1.2.3.5"), Decision.DENY, 403, "The access policy does not permit this study", "req-2",
            "ZyXwVuTsRqPoNmLkJiHgFe", "4b1d2c3e-capability", "https://imaging.example.org/api/demo");

    @BeforeAll
    static void start() throws Exception {
        FhirInstanceValidator module = new FhirInstanceValidator(new ValidationSupportChain(
                new DefaultProfileValidationSupport(Fhir.context()),
                new InMemoryTerminologyServerValidationSupport(Fhir.context()),
                new CommonCodeSystemsTerminologyService(Fhir.context())));
        // BALP's profiles are not packaged for the validator here; every base R4 rule applies.
        module.setErrorForUnknownProfiles(false);
        validator = Fhir.context().newValidator().registerValidatorModule(module);
        repository = new AuditRepository();
    }

    @AfterAll
    static void stop() throws Exception {
        repository.close();
    }

    @Test
    void auditEventsReachAFhirServerAndPassTheR4Validator() throws Exception {
        repository.received.clear();
        FhirAuditEventSink sink = FhirAuditEventSink.builder(repository.baseUrl()).header("Authorization", "Bearer audit-writer").build();

        sink.record(SEARCH);
        sink.record(DENIED_RETRIEVAL);
        sink.close();

        assertThat(sink.delivered()).isEqualTo(2);
        assertThat(sink.dropped()).isZero();
        assertThat(repository.received).hasSize(2);
        assertThat(repository.authorizations).contains("Bearer audit-writer");
        for (AuditEvent event : repository.received) {
            List<SingleValidationMessage> errors = validator.validateWithResult(event).getMessages().stream()
                    .filter(m -> m.getSeverity().ordinal() >= ResultSeverityEnum.ERROR.ordinal()).toList();
            assertThat(errors).as(Fhir.toJson(event)).isEmpty();
        }
    }

    @Test
    void searchFollowsBalpPatientQuery() {
        AuditEvent event = AuditEvents.of(SEARCH, "imaging");

        assertThat(event.getMeta().getProfile().get(0).getValue()).isEqualTo(AuditEvents.BALP + "IHE.BasicAudit.PatientQuery");
        assertThat(event.getType().getCode()).isEqualTo("rest");
        assertThat(event.getSubtypeFirstRep().getCode()).isEqualTo("search-type");
        assertThat(event.getAction()).isEqualTo(AuditEvent.AuditEventAction.E);
        assertThat(event.getOutcome()).isEqualTo(AuditEvent.AuditEventOutcome._0);
        assertThat(agent(event, "110153").getWho().getIdentifier().getValue()).isEqualTo("referral-service");
        assertThat(agent(event, "110152").getWho().getIdentifier().getValue()).isEqualTo("https://imaging.example.org/api/demo");
        assertThat(event.getEntity()).anySatisfy(e -> assertThat(e.getWhat().getReference()).isEqualTo("Patient/123"));
        assertThat(event.getEntity()).anySatisfy(e -> assertThat(e.getQuery()).isEqualTo(SEARCH.query().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertThat(event.getEntity()).anySatisfy(e -> assertThat(e.getWhat().getIdentifier().getValue()).isEqualTo("urn:oid:1.2.3.4"));
        assertThat(event.getEntity()).anySatisfy(e -> assertThat(e.getWhat().getIdentifier().getValue()).isEqualTo("req-1"));
    }

    @Test
    void deniedRetrievalNamesUserPatientStudyAndCorrelatesTokenAndCapability() {
        AuditEvent event = AuditEvents.of(DENIED_RETRIEVAL, "imaging");
        String json = Fhir.toJson(event);

        assertThat(event.getMeta().getProfile()).isEmpty();
        assertThat(event.getOutcome()).isEqualTo(AuditEvent.AuditEventOutcome._4);
        assertThat(event.getOutcomeDesc()).contains("does not permit");
        assertThat(agent(event, "IRCP").getWho().getReference()).isEqualTo("https://ehr.example.org/fhir/RelatedPerson/elena");
        assertThat(agent(event, "IRCP").getRequestor()).isTrue();
        assertThat(json).contains("\"Patient/maya\"", "urn:oid:1.2.3.5", "ZyXwVuTsRqPoNmLkJiHgFe", "4b1d2c3e-capability",
                "DENY 403", "wado/study");
    }

    @Test
    void downServerNeverBlocksAndEveryRecordIsCountedAsDropped() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        FhirAuditEventSink sink = FhirAuditEventSink.builder(URI.create("http://127.0.0.1:" + closedPort + "/fhir")).build();

        for (int i = 0; i < 5; i++) {
            sink.record(SEARCH);
        }
        sink.close();

        assertThat(sink.delivered()).isZero();
        assertThat(sink.dropped()).isEqualTo(5);
        assertThat(sink.failedDeliveries() + sink.droppedQueueFull()).isEqualTo(5);
    }

    @Test
    void slowServerFillsTheBoundedQueueAndTheOverflowIsCounted() throws Exception {
        repository.received.clear();
        repository.holdCreates();
        FhirAuditEventSink sink = FhirAuditEventSink.builder(repository.baseUrl()).queueCapacity(2)
                .closeTimeout(Duration.ofSeconds(20)).build();

        for (int i = 0; i < 10; i++) {
            sink.record(SEARCH); // returns at once although the server holds every create
        }
        long droppedWhileHeld = sink.droppedQueueFull();
        repository.releaseCreates();
        sink.close();

        // The worker holds at most one record in flight and the queue two: the other seven or eight are dropped.
        assertThat(droppedWhileHeld).isBetween(7L, 8L);
        assertThat(sink.delivered() + sink.dropped()).isEqualTo(10);
        assertThat(repository.received).hasSize((int) sink.delivered());
    }

    @Test
    void logLineIsOneJsonObjectWithTheRecordsFields() {
        String line = LogAuditSink.line(DENIED_RETRIEVAL);

        assertThat(line).startsWith("{").endsWith("}").doesNotContain("\n");
        assertThat(line).contains("\"decision\":\"DENY\"", "\"status\":403", "\"client\":\"viewer-app\"",
                "\"patient\":\"maya\"", "\"studies\":[\"1.2.3.5\"]", "\"correlationId\":\"req-2\"",
                "\"accessToken\":\"ZyXwVuTsRqPoNmLkJiHgFe\"", "\"capability\":\"4b1d2c3e-capability\"");
    }

    private static AuditEventAgentComponent agent(AuditEvent event, String typeCode) {
        return event.getAgent().stream().filter(a -> a.getType().getCodingFirstRep().getCode().equals(typeCode)).findFirst().orElseThrow();
    }
}
