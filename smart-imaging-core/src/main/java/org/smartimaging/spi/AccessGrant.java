package org.smartimaging.spi;

import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * What an access token allows, as an {@link Authorizer} established it: the patient in context, the
 * granted scopes and when the grant ends. Immutable; carries no token text.
 *
 * @param patientId FHIR id of the patient in context, or {@code null} when the token has none
 *     (backend services, or an open configuration)
 * @param scopes granted scopes, as the authorization server spelled them
 * @param expiresAt end of the grant, or {@code null} when the token does not expire (mock only)
 * @param clientId the app's client id when known, for audit; may be {@code null}
 */
public record AccessGrant(String patientId, Set<String> scopes, Instant expiresAt, String clientId) {

    public AccessGrant {
        scopes = Set.copyOf(Objects.requireNonNull(scopes, "scopes"));
    }

    public boolean hasPatient() {
        return patientId != null && !patientId.isBlank();
    }

    public boolean isExpiredAt(Instant now) {
        return expiresAt != null && !now.isBefore(expiresAt);
    }
}
