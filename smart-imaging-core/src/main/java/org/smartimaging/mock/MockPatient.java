package org.smartimaging.mock;

import ca.uhn.fhir.parser.DataFormatException;
import java.util.Optional;
import org.hl7.fhir.r4.model.Patient;
import org.smartimaging.fhir.Fhir;
import org.smartimaging.spi.ConfigSection;

/** Reads {@code authorization.patient}, a FHIR Patient resource, for the mock grant and identity. */
final class MockPatient {

    private MockPatient() {}

    static Optional<Patient> parse(ConfigSection authorization) {
        return authorization.optionalJson("patient").map(json -> {
            Patient patient;
            try {
                patient = Fhir.jsonParser().parseResource(Patient.class, json.toString());
            } catch (DataFormatException e) {
                throw authorization.invalid("patient", "is not a valid FHIR Patient: " + e.getMessage());
            }
            if (patient.getIdPart() == null) {
                throw authorization.invalid("patient", "needs an id");
            }
            return patient;
        });
    }
}
