package org.smartimaging.engine;

import org.smartimaging.config.ImagingConfig;
import org.smartimaging.fhir.MrnSelector;
import org.smartimaging.spi.AccessPolicy;
import org.smartimaging.spi.Authorization;
import org.smartimaging.spi.Authorizer;
import org.smartimaging.spi.ImageSource;
import org.smartimaging.spi.PatientResolver;

/** One configuration, built: its settings and the provider instances that serve it, closed together. */
record Site(ImagingConfig config, Authorization authorization, AccessPolicy accessPolicy, ImageSource imageSource,
        MrnSelector mrnSelector) implements AutoCloseable {

    Authorizer authorizer() {
        return authorization.authorizer();
    }

    PatientResolver patientResolver() {
        return authorization.patientResolver();
    }

    @Override
    public void close() {
        try (authorization; accessPolicy; imageSource) {
            // closed in reverse order, each even when another fails
        }
    }
}
