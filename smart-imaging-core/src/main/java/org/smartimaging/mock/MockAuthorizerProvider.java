package org.smartimaging.mock;

import java.util.List;
import java.util.Set;
import org.hl7.fhir.r4.model.Patient;
import org.smartimaging.spi.AccessGrant;
import org.smartimaging.spi.Authorizer;
import org.smartimaging.spi.AuthorizerProvider;
import org.smartimaging.spi.ConfigSection;
import org.smartimaging.spi.HostEnvironment;
import org.smartimaging.spi.ImagingException;

/**
 * {@code authorization.type: mock}: every bearer token gets the configured grant, for demos and
 * debugging. The grant is for {@code authorization.patient} (when set) with the scopes
 * {@code authorization.scopes} (ours; default {@code patient/*.rs} and {@code system/*.rs}). Unless
 * {@code disableAuthzChecks} is on, a request must still carry some bearer token.
 */
public final class MockAuthorizerProvider implements AuthorizerProvider {

    static final List<String> DEFAULT_SCOPES = List.of("patient/*.rs", "system/*.rs");

    @Override
    public String type() {
        return "mock";
    }

    @Override
    public Authorizer create(ConfigSection authorization, HostEnvironment environment) {
        boolean checksDisabled = authorization.optionalBoolean("disableAuthzChecks", false);
        Patient patient = MockPatient.parse(authorization).orElse(null);
        List<String> scopes = authorization.optionalStringList("scopes");
        AccessGrant grant = new AccessGrant(patient == null ? null : patient.getIdPart(),
                Set.copyOf(scopes.isEmpty() ? DEFAULT_SCOPES : scopes), null, "mock");
        return token -> {
            if (token == null && !checksDisabled) {
                throw ImagingException.Unauthorized.missingToken();
            }
            return grant;
        };
    }
}
