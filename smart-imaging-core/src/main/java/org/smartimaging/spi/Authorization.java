package org.smartimaging.spi;

/**
 * One configuration's authorization: the {@link Authorizer} that checks tokens and the
 * {@link PatientResolver} that reads the granted patient, built together because they share one
 * connection to the authorization server. The engine closes it with the configuration.
 */
public interface Authorization extends AutoCloseable {

    Authorizer authorizer();

    PatientResolver patientResolver();

    /** Releases connections and caches; the default holds none. */
    @Override
    default void close() {}

    /** An authorization holding nothing to close. */
    static Authorization of(Authorizer authorizer, PatientResolver patientResolver) {
        return new Authorization() {
            @Override
            public Authorizer authorizer() {
                return authorizer;
            }

            @Override
            public PatientResolver patientResolver() {
                return patientResolver;
            }
        };
    }
}
