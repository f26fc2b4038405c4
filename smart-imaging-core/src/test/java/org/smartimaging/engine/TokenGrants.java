package org.smartimaging.engine;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Patient;
import org.smartimaging.spi.AccessGrant;
import org.smartimaging.spi.Authorization;
import org.smartimaging.spi.AuthorizationProvider;
import org.smartimaging.spi.ConfigSection;
import org.smartimaging.spi.HostEnvironment;
import org.smartimaging.spi.ImagingException;
import org.smartimaging.spi.PatientResolver;

/**
 * A test authorization ({@code type: by-token}) that looks each bearer token up in
 * {@code authorization.grants} ({@code {token: {patient, client, user, scopes}}}; no patient means
 * a backend-services grant), and resolves patient {@code pat-x} to MRN {@code MRN-X}.
 */
final class TokenGrants implements AuthorizationProvider {

    @Override
    public String type() {
        return "by-token";
    }

    @Override
    public Authorization create(ConfigSection section, HostEnvironment environment) {
        Map<String, AccessGrant> grants = new HashMap<>();
        JsonNode all = section.optionalJson("grants").orElseThrow();
        all.fields().forEachRemaining(entry -> {
            JsonNode g = entry.getValue();
            Set<String> scopes = new HashSet<>();
            g.path("scopes").forEach(s -> scopes.add(s.asText()));
            String patient = g.hasNonNull("patient") ? g.get("patient").asText() : null;
            grants.put(entry.getKey(), new AccessGrant(patient != null ? AccessGrant.Mode.APP_LAUNCH : AccessGrant.Mode.BACKEND_SERVICES,
                    patient, scopes, null, g.path("client").asText(null), g.path("user").asText(null)));
        });
        PatientResolver resolver = (patientId, grant) -> {
            Patient patient = new Patient();
            patient.setId(patientId);
            patient.addIdentifier().setValue("MRN-" + patientId.substring(patientId.indexOf('-') + 1).toUpperCase())
                    .setType(new CodeableConcept(new Coding("http://terminology.hl7.org/CodeSystem/v2-0203", "MR", null)));
            return patient;
        };
        return Authorization.of(token -> {
            AccessGrant grant = token == null ? null : grants.get(token);
            if (grant == null) {
                throw ImagingException.Unauthorized.invalidToken("unknown test token");
            }
            return grant;
        }, resolver);
    }
}
