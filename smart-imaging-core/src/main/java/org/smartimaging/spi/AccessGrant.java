package org.smartimaging.spi;

import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * What an access token allows, as an {@link Authorizer} established it: how it was obtained, for
 * whom, the patient in context, the granted scopes and when the grant ends. Immutable; carries no
 * token text.
 *
 * @param mode how the client was authorized; it decides which scopes count ({@code patient/} for
 *     {@link Mode#APP_LAUNCH}, {@code system/} for {@link Mode#BACKEND_SERVICES}), so one grant's
 *     context is never combined with another grant's scope
 * @param patientId FHIR id of the patient in context, or {@code null} when the token has none
 *     (backend services, or an open configuration)
 * @param scopes granted scopes, as the authorization server spelled them
 * @param expiresAt end of the grant, or {@code null} when the token does not expire (mock only)
 * @param clientId the client's id when known; access policies and audit use it; may be {@code null}
 * @param user the user the client acts for ({@code fhirUser} or {@code sub}), when known; may be
 *     {@code null}
 */
public record AccessGrant(Mode mode, String patientId, Set<String> scopes, Instant expiresAt, String clientId, String user) {

    /** How the client obtained the token (SMART App Launch or SMART Backend Services). */
    public enum Mode {
        /** A user launched or authorized an app: patient context and {@code patient/} scopes. */
        APP_LAUNCH,
        /** A pre-authorized client with {@code client_credentials}: {@code system/} scopes, no patient context. */
        BACKEND_SERVICES
    }

    public AccessGrant {
        Objects.requireNonNull(mode, "mode");
        scopes = Set.copyOf(Objects.requireNonNull(scopes, "scopes"));
    }

    /**
     * A grant without a named user, whose mode follows its context: with a patient, app launch;
     * without one, backend services (which still needs a site in that mode and a policy for the client).
     */
    public AccessGrant(String patientId, Set<String> scopes, Instant expiresAt, String clientId) {
        this(patientId != null && !patientId.isBlank() ? Mode.APP_LAUNCH : Mode.BACKEND_SERVICES,
                patientId, scopes, expiresAt, clientId, null);
    }

    public boolean hasPatient() {
        return patientId != null && !patientId.isBlank();
    }

    public boolean isExpiredAt(Instant now) {
        return expiresAt != null && !now.isBefore(expiresAt);
    }
}
