package org.smartimaging.mock;

import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Patient;
import org.smartimaging.spi.ConfigSection;
import org.smartimaging.spi.HostEnvironment;
import org.smartimaging.spi.PatientResolver;
import org.smartimaging.spi.PatientResolverProvider;

/**
 * The patient side of {@code authorization.type: mock}: the configured {@code authorization.patient}
 * when it is the one asked for; otherwise (checks disabled, no patient configured) a patient whose
 * id doubles as its MRN, so that {@code ?patient=MRN} finds that MRN's studies.
 */
public final class MockPatientResolverProvider implements PatientResolverProvider {

    private static final String V2_0203 = "http://terminology.hl7.org/CodeSystem/v2-0203";

    @Override
    public String type() {
        return "mock";
    }

    @Override
    public PatientResolver create(ConfigSection authorization, HostEnvironment environment) {
        Patient configured = MockPatient.parse(authorization).orElse(null);
        return (patientId, grant) -> {
            if (configured != null && configured.getIdPart().equals(patientId)) {
                return configured;
            }
            Patient patient = new Patient();
            patient.setId(patientId);
            patient.addIdentifier().setValue(patientId).setType(new CodeableConcept(new Coding(V2_0203, "MR", null)));
            return patient;
        };
    }
}
