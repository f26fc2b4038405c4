package org.smartimaging.spi;

/**
 * Builds the {@link Authorization} (authorizer and patient resolver together) for configurations
 * whose {@code authorization.type} is {@link #type()}. Found with {@link java.util.ServiceLoader},
 * or handed to the engine in code ({@code ServerOptions.Builder.provider}).
 */
public interface AuthorizationProvider {

    /** The {@code authorization.type} this provider handles, e.g. {@code smart-on-fhir}. */
    String type();

    /**
     * @param authorization the {@code authorization} section; read every field you accept, reject
     *     invalid values with {@link ConfigSection#invalid}
     * @return the configuration's authorization, closed with the configuration
     */
    Authorization create(ConfigSection authorization, HostEnvironment environment);
}
