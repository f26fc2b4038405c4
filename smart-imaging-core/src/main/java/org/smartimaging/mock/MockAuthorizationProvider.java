package org.smartimaging.mock;

import java.util.List;
import java.util.Set;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Patient;
import org.smartimaging.spi.AccessGrant;
import org.smartimaging.spi.Authorization;
import org.smartimaging.spi.AuthorizationProvider;
import org.smartimaging.spi.Authorizer;
import org.smartimaging.spi.ConfigSection;
import org.smartimaging.spi.HostEnvironment;
import org.smartimaging.spi.ImagingException;
import org.smartimaging.spi.PatientResolver;

/**
 * {@code authorization.type: mock}, for demos and debugging. The authorizer gives every bearer
 * token the configured grant: for {@code authorization.patient} (when set; an app-launch grant)
 * with the scopes {@code authorization.scopes} (ours; default {@code patient/*.rs} and
 * {@code system/*.rs}); without a patient it is a backend-services grant. Unless
 * {@code disableAuthzChecks} is on, a request must still carry some bearer token.
 *
 * <p>The resolver answers the configured patient when it is the one asked for; otherwise (checks
 * disabled, no patient configured) a patient whose id doubles as its MRN, so that
 * {@code ?patient=MRN} finds that MRN's studies.
 */
public final class MockAuthorizationProvider implements AuthorizationProvider {

    static final List<String> DEFAULT_SCOPES = List.of("patient/*.rs", "system/*.rs");
    private static final String V2_0203 = "http://terminology.hl7.org/CodeSystem/v2-0203";

    @Override
    public String type() {
        return "mock";
    }

    @Override
    public Authorization create(ConfigSection authorization, HostEnvironment environment) {
        boolean checksDisabled = authorization.optionalBoolean("disableAuthzChecks", false);
        Patient patient = MockPatient.parse(authorization).orElse(null);
        List<String> scopes = authorization.optionalStringList("scopes");
        AccessGrant grant = new AccessGrant(patient == null ? null : patient.getIdPart(),
                Set.copyOf(scopes.isEmpty() ? DEFAULT_SCOPES : scopes), null, "mock");
        Authorizer authorizer = token -> {
            if (token == null && !checksDisabled) {
                throw ImagingException.Unauthorized.missingToken();
            }
            return grant;
        };
        PatientResolver resolver = (patientId, ignored) -> {
            if (patient != null && patient.getIdPart().equals(patientId)) {
                return patient;
            }
            Patient stand = new Patient();
            stand.setId(patientId);
            stand.addIdentifier().setValue(patientId).setType(new CodeableConcept(new Coding(V2_0203, "MR", null)));
            return stand;
        };
        return Authorization.of(authorizer, resolver);
    }
}
