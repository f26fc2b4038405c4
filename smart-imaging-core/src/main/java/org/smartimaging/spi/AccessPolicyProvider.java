package org.smartimaging.spi;

/**
 * Builds the {@link AccessPolicy} for configurations whose {@code access.type} is {@link #type()}.
 * Found with {@link java.util.ServiceLoader}, or handed to the engine in code
 * ({@code ServerOptions.Builder.provider}). A configuration without an {@code access} section
 * gets the built-in {@code patient-context} policy.
 */
public interface AccessPolicyProvider {

    /** The {@code access.type} this provider handles, e.g. {@code rules}. */
    String type();

    /** @param access the {@code access} section; read every field you accept */
    AccessPolicy create(ConfigSection access, HostEnvironment environment);
}
