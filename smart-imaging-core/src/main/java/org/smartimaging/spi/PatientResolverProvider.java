package org.smartimaging.spi;

/**
 * Builds the {@link PatientResolver} for configurations whose {@code authorization.type} is
 * {@link #type()} (the resolver follows the authorization: a mock grant has a mock patient, a
 * SMART grant a patient at the EHR). Found with {@link java.util.ServiceLoader}.
 */
public interface PatientResolverProvider {

    String type();

    PatientResolver create(ConfigSection authorization, HostEnvironment environment);
}
