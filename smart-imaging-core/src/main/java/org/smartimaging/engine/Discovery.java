package org.smartimaging.engine;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.smartimaging.fhir.CapabilityStatements;
import org.smartimaging.fhir.Fhir;
import org.smartimaging.fhir.Profiles;

/** The two discovery documents of a configuration: FHIR {@code metadata} and SMART's well-known JSON. */
final class Discovery {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Scopes a site lists when its authorization server does not say which it offers. */
    private static final List<String> APP_SCOPES = List.of("patient/ImagingStudy.rs", "patient/ImagingStudy.read",
            "patient/*.rs", "patient/*.read");

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

    /**
     * The authorization server's document as the authorizer gives it, with the capabilities it
     * lists kept (never replaced) and the IG's added: {@code smart-imaging-access}, the App Launch
     * mode where there is an authorization server to launch with, the Backend Services mode where
     * the site runs it. A site without an authorization server claims no {@code launch-*} capability.
     */
    ImagingResponse smartConfiguration(Site site, Urls urls) {
        Map<String, Object> document = new LinkedHashMap<>(site.authorizer().smartConfiguration());
        // An authorization server of the configuration's own names its endpoints and capabilities.
        document.putAll(AuthorizationServerRoutes.discovery(site, urls));
        Set<String> capabilities = new LinkedHashSet<>();
        if (document.get("capabilities") instanceof Collection<?> listed) {
            listed.forEach(capability -> capabilities.add(String.valueOf(capability)));
        }
        capabilities.add(Profiles.CAPABILITY_CODE);
        if (document.get("authorization_endpoint") != null) {
            capabilities.add(Profiles.APP_LAUNCH);
        }
        if (site.config().backendServices()) {
            capabilities.add(Profiles.BACKEND_SERVICES);
        }
        document.put("capabilities", List.copyOf(capabilities));
        if (!document.containsKey("scopes_supported")) {
            List<String> scopes = new ArrayList<>(APP_SCOPES);
            if (site.config().backendServices()) {
                scopes.add("system/ImagingStudy.rs");
            }
            document.put("scopes_supported", scopes);
        }
        try {
            return ImagingResponse.text(200, "application/json", JSON.writeValueAsString(document), Map.of());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write the SMART configuration", e);
        }
    }
}
