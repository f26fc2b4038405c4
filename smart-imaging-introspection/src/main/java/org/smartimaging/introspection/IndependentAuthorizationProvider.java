package org.smartimaging.introspection;

import java.nio.charset.StandardCharsets;
import org.smartimaging.introspection.SmartOnFhirSettings.PrivateKeyClient;
import org.smartimaging.introspection.SmartOnFhirSettings.SecretClient;
import org.smartimaging.spi.Authorization;
import org.smartimaging.spi.AuthorizationProvider;
import org.smartimaging.spi.ConfigSection;
import org.smartimaging.spi.HostEnvironment;

/**
 * {@code smart-on-fhir-independent}: the imaging server as its own authorization server
 * ({@link IndependentAuthorizer}) and a {@link FhirPatientResolver} that reads the granted patient
 * from the EHR with the imaging server's backend token ({@code scope}); both share one
 * {@link EhrConnection}.
 */
public final class IndependentAuthorizationProvider implements AuthorizationProvider {

    @Override
    public String type() {
        return SmartOnFhirVariant.INDEPENDENT.type();
    }

    @Override
    public Authorization create(ConfigSection authorization, HostEnvironment environment) {
        IndependentSettings settings = IndependentSettings.read(authorization, environment);
        EhrConnection ehr = new EhrConnection(settings.ehr(), environment);
        IndependentAuthorizer authorizer = new IndependentAuthorizer(settings, new EhrSignIn(settings, ehr),
                tokens(settings, environment), new OAuthFlows(environment.clock()));
        FhirPatientResolver resolver = new FhirPatientResolver(ehr, environment.clock());
        return SmartOnFhirAuthorizationProvider.authorization(authorizer, resolver, resolver::close);
    }

    /** The access-token codec, keyed by the configuration's own secret and bound to this configuration. */
    static ImagingAccessTokens tokens(IndependentSettings settings, HostEnvironment environment) {
        byte[] secret = settings.ehr().client() instanceof PrivateKeyClient key
                ? key.privateKey().toJSONString().getBytes(StandardCharsets.UTF_8)
                : ((SecretClient) settings.ehr().client()).secret().getBytes(StandardCharsets.UTF_8);
        String binding = String.join("\n", String.valueOf(environment.configKey()), settings.ehr().fhirBaseUrl().toString(),
                settings.ehr().client().clientId());
        return new ImagingAccessTokens(secret, binding, environment.clock());
    }
}
