package org.smartimaging.engine;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.smartimaging.fhir.CapabilityStatements;
import org.smartimaging.fhir.Fhir;
import org.smartimaging.fhir.Profiles;

/** The two discovery documents of a configuration: FHIR {@code metadata} and SMART's well-known JSON. */
final class Discovery {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> CAPABILITIES = List.of(Profiles.CAPABILITY_CODE, "launch-standalone",
            "client-public", "client-confidential-symmetric", "context-standalone-patient", "permission-patient",
            "permission-v1", "permission-v2");

    private final Clock clock;

    Discovery(Clock clock) {
        this.clock = clock;
    }

    ImagingResponse capabilityStatement(Site site, Urls urls) {
        Map<String, Object> smart = new LinkedHashMap<>(site.authorizer().smartConfiguration());
        smart.putAll(AuthorizationServerRoutes.discovery(site, urls));
        var statement = CapabilityStatements.imagingServer(urls.fhirBase(), smart, Date.from(clock.instant()));
        return ImagingResponse.text(200, Fhir.JSON_CONTENT_TYPE, Fhir.toJson(statement), Map.of());
    }

    ImagingResponse smartConfiguration(Site site, Urls urls) {
        Map<String, Object> document = new LinkedHashMap<>(site.authorizer().smartConfiguration());
        document.put("capabilities", CAPABILITIES);
        // An authorization server of the configuration's own names its endpoints and capabilities.
        document.putAll(AuthorizationServerRoutes.discovery(site, urls));
        document.putIfAbsent("scopes_supported", List.of("patient/ImagingStudy.rs", "patient/ImagingStudy.read",
                "patient/*.rs", "patient/*.read"));
        try {
            return ImagingResponse.text(200, "application/json", JSON.writeValueAsString(document), Map.of());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write the SMART configuration", e);
        }
    }
}
