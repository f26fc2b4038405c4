package org.smartimaging.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import ca.uhn.fhir.validation.ValidationResult;
import java.nio.file.Path;
import java.util.List;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.r4.model.Bundle;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smartimaging.engine.ImagingEngine;
import org.smartimaging.engine.ImagingRequest;
import org.smartimaging.engine.ServerOptions;
import org.smartimaging.testing.Bodies;
import org.smartimaging.testing.TestStudies;

/** What the engine writes is valid FHIR R4, checked by HAPI's instance validator. */
class R4ValidationTest {

    @TempDir
    static Path data;
    static ImagingEngine engine;
    static FhirValidator validator;

    @BeforeAll
    static void start() {
        TestStudies.write(data.resolve("studies"), "MRN-V", "CT", 2, 2, 4);
        TestStudies.write(data.resolve("studies"), "MRN-V", "MR", 1, 3, 4);
        engine = new ImagingEngine(ServerOptions.builder().dataDirectory(data).randomStudyTokenKey()
                .builtInConfig("v", """
                        {"authorization": {"type": "mock", "patient": {"resourceType": "Patient", "id": "pv",
                           "identifier": [{"type": {"coding": [{"code": "MR"}]}, "value": "MRN-V"}]}},
                         "images": {"type": "folder", "directory": "studies", "lookup": "studies-by-mrn"}}""")
                .builtInConfig("open", """
                        {"authorization": {"type": "mock", "disableAuthzChecks": true},
                         "images": {"type": "folder", "directory": "studies", "lookup": "all-studies-on-server"}}""")
                .build());
        FhirInstanceValidator module = new FhirInstanceValidator(new ValidationSupportChain(
                new DefaultProfileValidationSupport(Fhir.context()),
                new InMemoryTerminologyServerValidationSupport(Fhir.context()),
                new CommonCodeSystemsTerminologyService(Fhir.context())));
        // The IG's profiles are not packaged for the validator here; the base R4 rules all apply.
        module.setErrorForUnknownProfiles(false);
        validator = Fhir.context().newValidator().registerValidatorModule(module);
    }

    private static String get(String path, String query) {
        var response = engine.handle(ImagingRequest.get(path, query == null ? java.util.Map.of()
                : java.util.Map.of("patient", List.of(query)), java.util.Map.of("Authorization", "Bearer x"), "http://localhost/api"));
        return new String(Bodies.read(response.body()), java.nio.charset.StandardCharsets.UTF_8);
    }

    private static List<SingleValidationMessage> errors(String json) {
        ValidationResult result = validator.validateWithResult(json);
        return result.getMessages().stream()
                .filter(m -> m.getSeverity().ordinal() >= ResultSeverityEnum.ERROR.ordinal())
                .toList();
    }

    @Test
    void searchBundleIsValidR4() {
        String json = get("/v/fhir/ImagingStudy", "pv");

        assertThat(Fhir.jsonParser().parseResource(Bundle.class, json).getEntry()).hasSize(2);
        assertThat(errors(json)).isEmpty();
    }

    private static String search(java.util.Map<String, List<String>> query) {
        var response = engine.handle(ImagingRequest.get("/v/fhir/ImagingStudy", query, java.util.Map.of("Authorization", "Bearer x"),
                "http://localhost/api"));
        return new String(Bodies.read(response.body()), java.nio.charset.StandardCharsets.UTF_8);
    }

    @Test
    void searchBundleWithResponseLocalEndpointsIsValidR4() {
        String json = search(java.util.Map.of("patient", List.of("pv"), "_include", List.of("ImagingStudy:endpoint")));

        assertThat(json).contains("\"fullUrl\":\"urn:uuid:");
        assertThat(errors(json)).isEmpty();
    }

    @Test
    void pagedSearchBundleWithNextLinkIsValidR4() {
        String json = search(java.util.Map.of("patient", List.of("pv"), "_count", List.of("1")));

        assertThat(json).contains("\"relation\":\"next\"");
        assertThat(errors(json)).isEmpty();
    }

    @Test
    void searchBundleWithoutKnownPatientIsValidR4() {
        assertThat(errors(get("/open/fhir/ImagingStudy", "anyone"))).isEmpty();
    }

    @Test
    void capabilityStatementIsValidR4() {
        String json = get("/v/fhir/metadata", null);

        assertThat(json).contains("\"instantiates\":[\"http://fhir.org/argonaut/smart-imaging/CapabilityStatement/smart-imaging-server\"]");
        assertThat(errors(json)).isEmpty();
    }

    @Test
    void operationOutcomeIsValidR4() {
        assertThat(errors(get("/v/fhir/ImagingStudy", "someone-else"))).isEmpty();
    }

    @Test
    void validatorCatchesAnImagingStudyMissingRequiredElements() {
        // Guards the checks above: an ImagingStudy without status and subject must fail.
        assertThat(errors("{\"resourceType\": \"ImagingStudy\", \"id\": \"x\"}")).isNotEmpty();
    }
}
