package org.smartimaging.introspection;

import java.nio.charset.StandardCharsets;
import org.smartimaging.introspection.SmartOnFhirSettings.PrivateKeyClient;
import org.smartimaging.introspection.SmartOnFhirSettings.SecretClient;
import org.smartimaging.spi.Authorizer;
import org.smartimaging.spi.AuthorizerProvider;
import org.smartimaging.spi.ConfigSection;
import org.smartimaging.spi.HostEnvironment;

/** Builds the {@code smart-on-fhir-independent} authorizer ({@link IndependentAuthorizer}). */
public final class IndependentAuthorizerProvider implements AuthorizerProvider {

    @Override
    public String type() {
        return SmartOnFhirVariant.INDEPENDENT.type();
    }

    @Override
    public Authorizer create(ConfigSection authorization, HostEnvironment environment) {
        IndependentSettings settings = IndependentSettings.read(authorization, environment);
        EhrConnection ehr = EhrConnection.shared(settings.ehr(), environment);
        byte[] secret = settings.ehr().client() instanceof PrivateKeyClient key
                ? key.privateKey().toJSONString().getBytes(StandardCharsets.UTF_8)
                : ((SecretClient) settings.ehr().client()).secret().getBytes(StandardCharsets.UTF_8);
        String binding = String.join("\n", String.valueOf(environment.configKey()), settings.ehr().fhirBaseUrl().toString(),
                settings.ehr().client().clientId());
        ImagingAccessTokens tokens = new ImagingAccessTokens(secret, binding, environment.clock());
        return new IndependentAuthorizer(settings, new EhrSignIn(settings, ehr), tokens, new OAuthFlows(environment.clock()));
    }
}
