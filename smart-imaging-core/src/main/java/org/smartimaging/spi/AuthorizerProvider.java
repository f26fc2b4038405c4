package org.smartimaging.spi;

/**
 * Builds the {@link Authorizer} for configurations whose {@code authorization.type} is
 * {@link #type()}. Found with {@link java.util.ServiceLoader}.
 */
public interface AuthorizerProvider {

    /** The {@code authorization.type} this provider handles, e.g. {@code smart-on-fhir}. */
    String type();

    /**
     * @param authorization the {@code authorization} section; read every field you accept, reject
     *     invalid values with {@link ConfigSection#invalid}
     */
    Authorizer create(ConfigSection authorization, HostEnvironment environment);
}
