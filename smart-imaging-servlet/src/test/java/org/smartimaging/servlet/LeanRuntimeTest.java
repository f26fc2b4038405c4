package org.smartimaging.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smartimaging.engine.ImagingEngine;
import org.smartimaging.engine.ImagingRequest;
import org.smartimaging.engine.ServerOptions;
import org.smartimaging.testing.Bodies;
import org.smartimaging.testing.TestStudies;

/**
 * This module's test class path is core's runtime closure (plus Jetty and JUnit): what a host that
 * depends on smart-imaging-core gets. The engine works on it, {@code images.mrn} included, and
 * the libraries HAPI would drag in for features we do not use stay out.
 */
class LeanRuntimeTest {

    @TempDir
    Path data;

    @Test
    void mrnExpressionsSelectThePatientsStudiesOnCoresRuntimeClassPath() {
        TestStudies.Study study = TestStudies.write(data.resolve("studies"), "MRN-L", "CT", 1, 1, 4);
        TestStudies.write(data.resolve("studies"), "SSN-OTHER", "CT", 1, 1, 4);
        String patient = """
                {"resourceType": "Patient", "id": "pl", "identifier": [
                   {"system": "urn:ssn", "value": "SSN-OTHER"},
                   {"type": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v2-0203", "code": "MR"}]},
                    "system": "urn:mrn", "value": "MRN-L"}]}""";
        try (ImagingEngine engine = new ImagingEngine(ServerOptions.builder().dataDirectory(data).randomStudyTokenKey()
                .auditSinks(List.of())
                .builtInConfig("bytype", config(patient, "[\"identifier.where(type.coding.code='MR').value\"]"))
                .builtInConfig("bysystem", config(patient,
                        "[\"identifier.where(system='urn:nowhere').value\", \"identifier.where(system='urn:mrn').value\"]"))
                .build())) {
            for (String key : List.of("bytype", "bysystem")) {
                var response = engine.handle(ImagingRequest.get("/" + key + "/fhir/ImagingStudy", Map.of("patient", List.of("pl")),
                        Map.of("Authorization", "Bearer t"), "http://localhost/api"));
                String bundle = new String(Bodies.read(response.body()), StandardCharsets.UTF_8);
                assertThat(response.status()).as(key).isEqualTo(200);
                assertThat(bundle).as(key).contains(study.studyInstanceUid()).contains("\"total\":1");
            }
        }
    }

    @Test
    void heavyLibrariesNoFeatureUsesAreNotOnTheClassPath() {
        for (String absent : List.of("org.apache.jena.rdf.model.Model", "net.sf.saxon.s9api.Processor", "com.ibm.icu.text.Collator",
                "com.google.protobuf.Message", "org.apache.thrift.TBase", "com.apicatalog.jsonld.JsonLd",
                "org.apache.hc.client5.http.classic.HttpClient")) {
            assertThat(present(absent)).as(absent).isFalse();
        }
    }

    private static String config(String patient, String mrn) {
        return """
                {"authorization": {"type": "mock", "patient": %s},
                 "images": {"type": "folder", "directory": "studies", "lookup": "studies-by-mrn", "mrn": %s}}"""
                .formatted(patient, mrn);
    }

    private static boolean present(String className) {
        try {
            Class.forName(className, false, LeanRuntimeTest.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }
}
