package org.smartimaging.introspection;

import org.smartimaging.spi.PatientResolver;
import org.smartimaging.spi.PatientResolverProvider;
import org.smartimaging.spi.ConfigSection;
import org.smartimaging.spi.HostEnvironment;

/**
 * Builds {@link FhirPatientResolver}s for {@code smart-on-fhir}; the nested classes serve the
 * Epic and Meditech variants (see {@link SmartOnFhirVariant}).
 */
public class FhirPatientResolverProvider implements PatientResolverProvider {

    private final SmartOnFhirVariant variant;

    public FhirPatientResolverProvider() {
        this(SmartOnFhirVariant.STANDARD);
    }

    FhirPatientResolverProvider(SmartOnFhirVariant variant) {
        this.variant = variant;
    }

    @Override
    public String type() {
        return variant.type();
    }

    @Override
    public PatientResolver create(ConfigSection authorization, HostEnvironment environment) {
        SmartOnFhirSettings settings = SmartOnFhirSettings.read(authorization, variant, environment);
        return new FhirPatientResolver(EhrConnection.shared(settings, environment), environment.clock());
    }

    /** {@code smart-on-fhir-with-epic-bugfixes}. */
    public static final class Epic extends FhirPatientResolverProvider {
        public Epic() {
            super(SmartOnFhirVariant.EPIC);
        }
    }

    /**
     * {@code smart-on-fhir-independent}: the patient named in the imaging server's own token, read
     * from the EHR with the imaging server's backend-services token ({@code scope}).
     */
    public static final class Independent extends FhirPatientResolverProvider {
        public Independent() {
            super(SmartOnFhirVariant.INDEPENDENT);
        }
    }

    /** {@code smart-on-fhir-with-meditech-bugfixes}. */
    public static final class Meditech extends FhirPatientResolverProvider {
        public Meditech() {
            super(SmartOnFhirVariant.MEDITECH);
        }
    }
}
