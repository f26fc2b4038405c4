package org.smartimaging.engine;

import org.smartimaging.config.ImagingConfig;
import org.smartimaging.fhir.MrnSelector;
import org.smartimaging.spi.Authorizer;
import org.smartimaging.spi.ImageSource;
import org.smartimaging.spi.PatientResolver;

/** One configuration, built: its settings and the provider instances that serve it. */
record Site(ImagingConfig config, Authorizer authorizer, PatientResolver patientResolver, ImageSource imageSource,
        MrnSelector mrnSelector) implements AutoCloseable {

    @Override
    public void close() {
        imageSource.close();
    }
}
