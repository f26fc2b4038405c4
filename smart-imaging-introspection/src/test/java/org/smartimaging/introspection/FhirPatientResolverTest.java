package org.smartimaging.introspection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Set;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.smartimaging.fhir.MrnSelector;
import org.smartimaging.spi.AccessGrant;
import org.smartimaging.spi.ImagingException;
import org.smartimaging.spi.PatientResolver;
import org.smartimaging.testing.MutableClock;

/** Reading the patient at a real HAPI FHIR server with the imaging server's backend token. */
class FhirPatientResolverTest {

    private static final AccessGrant GRANT_FOR_A = new AccessGrant("A", Set.of("patient/ImagingStudy.rs"), null, TestEhr.VIEWER);
    private static TestEhr ehr;

    @BeforeAll
    static void startEhr() throws Exception {
        ehr = TestEhr.start(SmartOnFhirVariant.STANDARD);
    }

    @AfterAll
    static void stopEhr() throws Exception {
        if (ehr != null) {
            ehr.close();
        }
    }

    @Test
    void readsThePatientAndItsIdentifiers() {
        PatientResolver resolver = TestEhr.patientResolver(ehr.authorizationSection(), new MutableClock());

        Patient patient = resolver.resolve("A", GRANT_FOR_A);

        assertThat(patient.getIdElement().getIdPart()).isEqualTo("A");
        assertThat(patient.getIdentifier()).extracting(Identifier::getValue).contains("MRN-A");
        assertThat(new MrnSelector(java.util.List.of("identifier.where(type.coding.code='MR').value")).mrnOf(patient))
                .contains("MRN-A");
    }

    @Test
    void cachesAPatientBriefly() {
        MutableClock clock = new MutableClock();
        PatientResolver resolver = TestEhr.patientResolver(ehr.authorizationSection(), clock);
        int before = ehr.fhir.patientReads();

        resolver.resolve("B", GRANT_FOR_A);
        resolver.resolve("B", GRANT_FOR_A);
        assertThat(ehr.fhir.patientReads() - before).isEqualTo(1);

        clock.advance(FhirPatientResolver.PATIENT_TTL.plusSeconds(1));
        resolver.resolve("B", GRANT_FOR_A);
        assertThat(ehr.fhir.patientReads() - before).isEqualTo(2);
    }

    @Test
    void answersNotFoundForAnUnknownPatient() {
        PatientResolver resolver = TestEhr.patientResolver(ehr.authorizationSection(), new MutableClock());

        var missing = catchThrowableOfType(() -> resolver.resolve("nobody", GRANT_FOR_A), ImagingException.NotFound.class);

        assertThat(missing.status()).isEqualTo(404);
    }

    @Test
    void failsWithUpstreamFailureWhenTheBackendTokenIsRefused() {
        // the authorization server does not give this client the scope it asks for
        ObjectNode section = ehr.authorizationSection().put("scope", "launch/patient");
        PatientResolver resolver = TestEhr.patientResolver(section, new MutableClock());

        var failure = catchThrowableOfType(() -> resolver.resolve("A", GRANT_FOR_A), ImagingException.class);

        assertThat(failure.status()).isEqualTo(502);
    }

    @Test
    void failsQuicklyWhenTheEhrIsDown() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        ObjectNode section = ehr.authorizationSection().put("fhirBaseUrl", "http://127.0.0.1:" + closedPort + "/fhir");
        PatientResolver resolver = TestEhr.patientResolver(section, new MutableClock());

        long started = System.nanoTime();
        var failure = catchThrowableOfType(() -> resolver.resolve("A", GRANT_FOR_A), ImagingException.UpstreamFailure.class);

        assertThat(failure.status()).isEqualTo(502);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void givesUpOnASilentEhrAfterTheConfiguredTimeout() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            // accepts connections (the backlog does) but never answers
            ObjectNode section = ehr.authorizationSection()
                    .put("fhirBaseUrl", "http://127.0.0.1:" + silent.getLocalPort() + "/fhir")
                    .put("timeoutSeconds", 1);
            PatientResolver resolver = TestEhr.patientResolver(section, new MutableClock());

            long started = System.nanoTime();
            var failure = catchThrowableOfType(() -> resolver.resolve("A", GRANT_FOR_A), ImagingException.UpstreamFailure.class);

            assertThat(failure.status()).isEqualTo(502);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(4));
        }
    }

    @Test
    void rejectsAnInvalidPatientIdBeforeAnyRequest() {
        PatientResolver resolver = TestEhr.patientResolver(ehr.authorizationSection(), new MutableClock());
        int before = ehr.fhir.patientReads();

        var bad = catchThrowableOfType(() -> resolver.resolve("../Observation", GRANT_FOR_A), ImagingException.BadRequest.class);

        assertThat(bad.status()).isEqualTo(400);
        assertThat(ehr.fhir.patientReads()).isEqualTo(before);
    }
}
