package org.smartimaging.config;

import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.function.Function;
import org.smartimaging.spi.AuthorizerProvider;
import org.smartimaging.spi.ImageSourceProvider;
import org.smartimaging.spi.ImagingException.InvalidConfig;
import org.smartimaging.spi.PatientResolverProvider;

/**
 * The providers found on the class path with {@link ServiceLoader}, by config {@code type}. An
 * unknown type is a configuration error that lists the types found.
 */
public final class ProviderRegistry {

    private final Map<String, AuthorizerProvider> authorizers;
    private final Map<String, PatientResolverProvider> resolvers;
    private final Map<String, ImageSourceProvider> imageSources;

    private ProviderRegistry(ClassLoader loader) {
        authorizers = load(AuthorizerProvider.class, AuthorizerProvider::type, loader);
        resolvers = load(PatientResolverProvider.class, PatientResolverProvider::type, loader);
        imageSources = load(ImageSourceProvider.class, ImageSourceProvider::type, loader);
    }

    public static ProviderRegistry fromClassPath() {
        return new ProviderRegistry(ProviderRegistry.class.getClassLoader());
    }

    public AuthorizerProvider authorizer(String type) {
        return find(authorizers, type, "authorization.type");
    }

    public PatientResolverProvider patientResolver(String type) {
        return find(resolvers, type, "authorization.type");
    }

    public ImageSourceProvider imageSource(String type) {
        return find(imageSources, type, "images.type");
    }

    private static <P> P find(Map<String, P> providers, String type, String field) {
        P provider = providers.get(type);
        if (provider == null) {
            throw new InvalidConfig("Config field " + field + " is '" + type + "', which no provider on the class path handles; known types: "
                    + String.join(", ", providers.keySet()));
        }
        return provider;
    }

    private static <P> Map<String, P> load(Class<P> spi, Function<P, String> type, ClassLoader loader) {
        Map<String, P> byType = new TreeMap<>();
        for (P provider : ServiceLoader.load(spi, loader)) {
            P previous = byType.putIfAbsent(type.apply(provider), provider);
            if (previous != null) {
                throw new IllegalStateException("Two " + spi.getSimpleName() + "s for type " + type.apply(provider) + ": "
                        + previous.getClass().getName() + " and " + provider.getClass().getName());
            }
        }
        return Map.copyOf(byType);
    }
}
