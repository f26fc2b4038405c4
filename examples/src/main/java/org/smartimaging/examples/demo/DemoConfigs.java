package org.smartimaging.examples.demo;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The demo's built-in configurations, in the reference stack's format: {@code open} (every token,
 * every study), {@code demo} (a mock grant for one patient, checks on, studies by MRN).
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

    /**
     * The {@code ehr} configuration: SMART on FHIR against the demo EHR (the given {@code authorization}
     * section), studies by the MRN of the patient in context.
     */
    public static String ehr(String authorizationJson) {
        return """
                {
                  "authorization": %s,
                  "images": {"type": "folder", "directory": "%s", "lookup": "studies-by-mrn"}
                }""".formatted(authorizationJson, STUDIES_DIRECTORY);
    }

    /**
     * The viewer's registration at an imaging server that is its own authorization server
     * ({@code authorization.clients}): a public client with its exact redirect URIs on this port.
     */
    public static String viewerClientJson(int port) {
        return """
                [{"client_id": "smart-imaging-viewer",
                  "redirect_uris": ["http://localhost:%d/viewer/index.html", "http://127.0.0.1:%d/viewer/index.html"]}]"""
                .formatted(port, port);
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
