package org.smartimaging.introspection;

import java.time.Duration;
import java.util.List;
import org.smartimaging.spi.ConfigSection;
import org.smartimaging.spi.HostEnvironment;

/**
 * The {@code authorization} section of a {@code smart-on-fhir-independent} configuration: the
 * reference stack's fields (read by {@link SmartOnFhirSettings}: the EHR, the imaging server's
 * client there and its key) plus our optional ones.
 *
 * @param ehr the EHR connection settings
 * @param clients the apps allowed to ask this server for tokens ({@code clients}; empty: loopback
 *     redirect URIs only, for development)
 * @param accessTokenLifetime lifetime of an imaging access token ({@code accessTokenLifetimeSeconds})
 * @param refreshTokenLifetime lifetime of a refresh token ({@code refreshTokenLifetimeSeconds})
 * @param ehrScope the scopes of the nested launch at the EHR ({@code ehrScope})
 */
record IndependentSettings(SmartOnFhirSettings ehr, AppClients clients, Duration accessTokenLifetime,
        Duration refreshTokenLifetime, String ehrScope) {

    static final long DEFAULT_ACCESS_TOKEN_SECONDS = 3600;
    static final long DEFAULT_REFRESH_TOKEN_SECONDS = 86_400;
    /** What the nested launch asks the EHR for: who signed in, and the patient in context. */
    static final String DEFAULT_EHR_SCOPE = "openid fhirUser launch/patient patient/Patient.read";

    static IndependentSettings read(ConfigSection authorization, HostEnvironment environment) {
        SmartOnFhirSettings ehr = SmartOnFhirSettings.read(authorization, SmartOnFhirVariant.INDEPENDENT, environment);
        AppClients clients = AppClients.read(authorization, environment);
        long access = authorization.optionalLong("accessTokenLifetimeSeconds", DEFAULT_ACCESS_TOKEN_SECONDS, 60, 86_400);
        long refresh = authorization.optionalLong("refreshTokenLifetimeSeconds", DEFAULT_REFRESH_TOKEN_SECONDS, 60, 90L * 86_400);
        String scope = authorization.optionalString("ehrScope").orElse(DEFAULT_EHR_SCOPE);
        if (!List.of(scope.split(" ")).contains("openid")) {
            throw authorization.invalid("ehrScope", "must include openid (the user is signed in with an ID token)");
        }
        return new IndependentSettings(ehr, clients, Duration.ofSeconds(access), Duration.ofSeconds(refresh), scope);
    }
}
