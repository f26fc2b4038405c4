package org.smartimaging.examples.demo;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The demo's built-in configurations, in the reference stack's format: {@code open} (every token,
 * every study) and {@code demo} (a mock grant for one patient, checks on, studies by MRN).
 */
public final class DemoConfigs {

    /** Where the generated studies live, below the data directory. */
    public static final String STUDIES_DIRECTORY = "studies";

    private DemoConfigs() {}

    public static Map<String, String> builtIn() {
        Map<String, String> configs = new LinkedHashMap<>();
        configs.put("open", """
                {
                  "authorization": {"type": "mock", "disableAuthzChecks": true},
                  "images": {"type": "folder", "directory": "%s", "lookup": "all-studies-on-server"}
                }""".formatted(STUDIES_DIRECTORY));
        configs.put("demo", """
                {
                  "authorization": {"type": "mock", "patient": %s},
                  "images": {"type": "folder", "directory": "%s", "lookup": "studies-by-mrn"}
                }""".formatted(patientJson(DemoPatients.ANA_GARCIA), STUDIES_DIRECTORY));
        return configs;
    }

    /** A demo patient as a FHIR Patient resource, its MRN typed {@code MR}. */
    public static String patientJson(DemoPatient patient) {
        return """
                {"resourceType": "Patient", "id": "%s",
                 "identifier": [{"type": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v2-0203", "code": "MR"}]},
                                 "system": "urn:smart-imaging-demo:mrn", "value": "%s"}],
                 "name": [{"family": "%s", "given": ["%s"]}], "gender": "%s", "birthDate": "%s"}"""
                .formatted(patient.fhirId(), patient.mrn(), patient.family(), patient.given(), patient.gender(), patient.birthDate());
    }
}
