package org.smartimaging.fhir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;
import org.smartimaging.config.ImagingConfig;
import org.smartimaging.spi.ImagingException;

class MrnSelectorTest {

    private static Patient patientWithIdentifiers() {
        Patient patient = new Patient();
        patient.addIdentifier().setSystem("urn:ssn").setValue("123-45-6789");
        patient.addIdentifier().setSystem("urn:hospital:mrn").setValue("MRN-1001")
                .setType(new CodeableConcept(new Coding("http://terminology.hl7.org/CodeSystem/v2-0203", "MR", null)));
        return patient;
    }

    @Test
    void picksTheIdentifierWhoseTypeIsMrByDefault() {
        MrnSelector selector = new MrnSelector(List.of(ImagingConfig.DEFAULT_MRN_EXPRESSION));

        assertThat(selector.mrnOf(patientWithIdentifiers())).contains("MRN-1001");
    }

    @Test
    void triesExpressionsInOrder() {
        MrnSelector selector = new MrnSelector(List.of(
                "identifier.where(system='urn:nowhere').value", "identifier.where(system='urn:ssn').value"));

        assertThat(selector.mrnOf(patientWithIdentifiers())).contains("123-45-6789");
    }

    @Test
    void answersEmptyWhenNoExpressionMatches() {
        MrnSelector selector = new MrnSelector(List.of(ImagingConfig.DEFAULT_MRN_EXPRESSION));

        assertThat(selector.mrnOf(new Patient())).isEmpty();
    }

    @Test
    void rejectsAnInvalidExpressionWhenTheConfigLoads() {
        assertThatThrownBy(() -> new MrnSelector(List.of("identifier.where(")))
                .isInstanceOf(ImagingException.InvalidConfig.class)
                .hasMessageContaining("images.mrn");
    }
}
