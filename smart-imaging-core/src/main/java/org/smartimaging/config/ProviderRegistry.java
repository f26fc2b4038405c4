package org.smartimaging.config;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.function.Function;
import org.smartimaging.spi.AccessPolicyProvider;
import org.smartimaging.spi.AuthorizationProvider;
import org.smartimaging.spi.ImageSourceProvider;
import org.smartimaging.spi.ImagingException.InvalidConfig;

/**
 * The providers the engine builds configurations with, by config {@code type}: those a host
 * handed in code, then those found on the class path with {@link ServiceLoader} (a host's own
 * provider wins over a class-path one of the same type). An unknown type is a configuration error
 * that lists the types known.
 */
public final class ProviderRegistry {

    private final Map<String, AuthorizationProvider> authorizations;
    private final Map<String, ImageSourceProvider> imageSources;
    private final Map<String, AccessPolicyProvider> accessPolicies;

    /**
     * @param given providers the host built, each an {@link AuthorizationProvider},
     *     {@link ImageSourceProvider} or {@link AccessPolicyProvider}
     * @param classPath whether to add the providers {@link ServiceLoader} finds
     */
    public ProviderRegistry(Collection<?> given, boolean classPath) {
        ClassLoader loader = ProviderRegistry.class.getClassLoader();
        authorizations = load(AuthorizationProvider.class, AuthorizationProvider::type, given, classPath, loader);
        imageSources = load(ImageSourceProvider.class, ImageSourceProvider::type, given, classPath, loader);
        accessPolicies = load(AccessPolicyProvider.class, AccessPolicyProvider::type, given, classPath, loader);
    }

    public static ProviderRegistry fromClassPath() {
        return new ProviderRegistry(List.of(), true);
    }

    public AuthorizationProvider authorization(String type) {
        return find(authorizations, type, "authorization.type");
    }

    public ImageSourceProvider imageSource(String type) {
        return find(imageSources, type, "images.type");
    }

    /** The access policy provider of a type, or {@code null} when none is registered for it. */
    public AccessPolicyProvider accessPolicyOrNull(String type) {
        return accessPolicies.get(type);
    }

    /** The access policy types known, for an error message. */
    public Collection<String> accessPolicyTypes() {
        return accessPolicies.keySet();
    }

    private static <P> P find(Map<String, P> providers, String type, String field) {
        P provider = providers.get(type);
        if (provider == null) {
            throw new InvalidConfig("Config field " + field + " is '" + type + "', which no provider handles; known types: "
                    + String.join(", ", providers.keySet()));
        }
        return provider;
    }

    private static <P> Map<String, P> load(Class<P> spi, Function<P, String> type, Collection<?> given, boolean classPath,
            ClassLoader loader) {
        Map<String, P> byType = new TreeMap<>();
        for (Object candidate : given) {
            if (spi.isInstance(candidate)) {
                P provider = spi.cast(candidate);
                P previous = byType.putIfAbsent(type.apply(provider), provider);
                if (previous != null) {
                    throw new IllegalStateException("Two " + spi.getSimpleName() + "s handed in for type " + type.apply(provider));
                }
            }
        }
        if (classPath) {
            Map<String, P> found = new TreeMap<>();
            for (P provider : ServiceLoader.load(spi, loader)) {
                P previous = found.putIfAbsent(type.apply(provider), provider);
                if (previous != null) {
                    throw new IllegalStateException("Two " + spi.getSimpleName() + "s for type " + type.apply(provider) + ": "
                            + previous.getClass().getName() + " and " + provider.getClass().getName());
                }
            }
            found.forEach(byType::putIfAbsent);
        }
        return Map.copyOf(byType);
    }
}
