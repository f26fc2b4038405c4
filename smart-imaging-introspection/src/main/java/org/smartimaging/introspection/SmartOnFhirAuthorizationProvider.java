package org.smartimaging.introspection;

import org.smartimaging.spi.Authorization;
import org.smartimaging.spi.AuthorizationProvider;
import org.smartimaging.spi.Authorizer;
import org.smartimaging.spi.ConfigSection;
import org.smartimaging.spi.HostEnvironment;
import org.smartimaging.spi.PatientResolver;

/**
 * {@code smart-on-fhir}: a {@link SmartOnFhirAuthorizer} and a {@link FhirPatientResolver} that
 * share one {@link EhrConnection} (one discovery, one backend token) per configuration; the nested
 * classes serve the Epic and Meditech variants (see {@link SmartOnFhirVariant}).
 */
public class SmartOnFhirAuthorizationProvider implements AuthorizationProvider {

    private final SmartOnFhirVariant variant;

    public SmartOnFhirAuthorizationProvider() {
        this(SmartOnFhirVariant.STANDARD);
    }

    SmartOnFhirAuthorizationProvider(SmartOnFhirVariant variant) {
        this.variant = variant;
    }

    @Override
    public String type() {
        return variant.type();
    }

    @Override
    public Authorization create(ConfigSection authorization, HostEnvironment environment) {
        SmartOnFhirSettings settings = SmartOnFhirSettings.read(authorization, variant, environment);
        EhrConnection ehr = new EhrConnection(settings, environment);
        SmartOnFhirAuthorizer authorizer = new SmartOnFhirAuthorizer(ehr, environment.clock());
        FhirPatientResolver resolver = new FhirPatientResolver(ehr, environment.clock());
        return authorization(authorizer, resolver, () -> {
            authorizer.close();
            resolver.close();
        });
    }

    /** An authorization whose {@code close} runs {@code close} (both providers hold an EHR connection). */
    static Authorization authorization(Authorizer authorizer, PatientResolver resolver, Runnable close) {
        return new Authorization() {
            @Override
            public Authorizer authorizer() {
                return authorizer;
            }

            @Override
            public PatientResolver patientResolver() {
                return resolver;
            }

            @Override
            public void close() {
                close.run();
            }
        };
    }

    /** {@code smart-on-fhir-with-epic-bugfixes}. */
    public static final class Epic extends SmartOnFhirAuthorizationProvider {
        public Epic() {
            super(SmartOnFhirVariant.EPIC);
        }
    }

    /** {@code smart-on-fhir-with-meditech-bugfixes}. */
    public static final class Meditech extends SmartOnFhirAuthorizationProvider {
        public Meditech() {
            super(SmartOnFhirVariant.MEDITECH);
        }
    }
}
