package org.smartimaging.introspection;

import org.smartimaging.spi.Authorizer;
import org.smartimaging.spi.AuthorizerProvider;
import org.smartimaging.spi.ConfigSection;
import org.smartimaging.spi.HostEnvironment;

/**
 * Builds {@link SmartOnFhirAuthorizer}s for {@code smart-on-fhir}; the nested classes serve the
 * Epic and Meditech variants (see {@link SmartOnFhirVariant}).
 */
public class SmartOnFhirAuthorizerProvider implements AuthorizerProvider {

    private final SmartOnFhirVariant variant;

    public SmartOnFhirAuthorizerProvider() {
        this(SmartOnFhirVariant.STANDARD);
    }

    SmartOnFhirAuthorizerProvider(SmartOnFhirVariant variant) {
        this.variant = variant;
    }

    @Override
    public String type() {
        return variant.type();
    }

    @Override
    public Authorizer create(ConfigSection authorization, HostEnvironment environment) {
        SmartOnFhirSettings settings = SmartOnFhirSettings.read(authorization, variant, environment);
        return new SmartOnFhirAuthorizer(EhrConnection.shared(settings, environment), environment.clock());
    }

    /** {@code smart-on-fhir-with-epic-bugfixes}. */
    public static final class Epic extends SmartOnFhirAuthorizerProvider {
        public Epic() {
            super(SmartOnFhirVariant.EPIC);
        }
    }

    /** {@code smart-on-fhir-with-meditech-bugfixes}. */
    public static final class Meditech extends SmartOnFhirAuthorizerProvider {
        public Meditech() {
            super(SmartOnFhirVariant.MEDITECH);
        }
    }
}
