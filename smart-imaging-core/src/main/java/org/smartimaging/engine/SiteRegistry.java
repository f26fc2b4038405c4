package org.smartimaging.engine;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smartimaging.config.ConfigParser;
import org.smartimaging.config.ProviderRegistry;
import org.smartimaging.fhir.MrnSelector;
import org.smartimaging.spi.AccessPolicy;
import org.smartimaging.spi.AccessPolicyProvider;
import org.smartimaging.spi.Authorization;
import org.smartimaging.spi.ConfigSection;
import org.smartimaging.spi.HostEnvironment;
import org.smartimaging.spi.HostEnvironment.UpstreamPolicy;
import org.smartimaging.spi.ImageSource;
import org.smartimaging.spi.ImagingException;

/**
 * The configurations the engine serves, by key: files {@code {key}.json} and built-in configs,
 * loaded and validated at start (a broken file stops the server with a message naming the field),
 * and dynamic configs, built on first use and kept in a small LRU.
 */
final class SiteRegistry implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SiteRegistry.class);
    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,63}");
    private static final int MAX_DYNAMIC_SITES = 64;
    /** File configs are small; a bigger file is a mistake, not a config. */
    private static final long MAX_CONFIG_FILE_BYTES = 1024 * 1024;

    private final ServerOptions options;
    private final ProviderRegistry providers;
    private final Map<String, Site> fileSites;
    private final Map<String, Site> dynamicSites = new LinkedHashMap<>(16, 0.75f, true);

    SiteRegistry(ServerOptions options, ProviderRegistry providers) {
        this.options = options;
        this.providers = providers;
        this.fileSites = loadFileSites();
    }

    /** @throws ImagingException.NotFound for an unknown key */
    Site site(String key) {
        Site site = fileSites.get(key);
        if (site == null) {
            throw new ImagingException.NotFound("No configuration named '" + (KEY.matcher(key).matches() ? key : "?") + "'");
        }
        return site;
    }

    /**
     * A dynamic configuration from its base64url(JSON) path segment.
     *
     * @throws ImagingException.NotFound when dynamic configs are disabled
     * @throws ImagingException.BadRequest when it is too large or not valid
     */
    synchronized Site dynamicSite(String encoded) {
        if (!options.dynamicConfigsEnabled()) {
            throw new ImagingException.NotFound("Dynamic configurations are not enabled on this server");
        }
        int maxEncoded = (options.maxDynamicConfigBytes() * 4 + 2) / 3;
        if (encoded.length() > maxEncoded) {
            throw new ImagingException.BadRequest(
                    "The dynamic configuration is larger than " + options.maxDynamicConfigBytes() + " bytes");
        }
        Site cached = dynamicSites.get(encoded);
        if (cached != null) {
            return cached;
        }
        byte[] json;
        try {
            json = Base64.getUrlDecoder().decode(encoded);
        } catch (IllegalArgumentException e) {
            throw new ImagingException.BadRequest("The dynamic configuration is not valid base64url");
        }
        Site site = build("dyn", "dyn:" + sha256(json), json, this::checkDynamicUpstream);
        dynamicSites.put(encoded, site);
        if (dynamicSites.size() > MAX_DYNAMIC_SITES) {
            var eldest = dynamicSites.entrySet().iterator();
            eldest.next().getValue().close();
            eldest.remove();
        }
        return site;
    }

    private void checkDynamicUpstream(URI upstream) {
        String host = upstream.getHost();
        if (host == null || !options.allowedUpstreamHosts().contains(host.toLowerCase(Locale.ROOT))) {
            throw new ImagingException.InvalidConfig("A dynamic configuration may not name the upstream "
                    + (host == null ? upstream.getScheme() + ":" : host) + "; allowed hosts: " + options.allowedUpstreamHosts());
        }
    }

    private Map<String, Site> loadFileSites() {
        Map<String, byte[]> sources = new TreeMap<>();
        options.builtInConfigs().forEach((key, json) -> sources.put(key, json.getBytes(StandardCharsets.UTF_8)));
        Path directory = options.configDirectory();
        if (directory != null) {
            try (var files = Files.list(directory)) {
                for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".json")).sorted().toList()) {
                    String name = file.getFileName().toString();
                    String key = name.substring(0, name.length() - ".json".length());
                    if (!KEY.matcher(key).matches()) {
                        throw new IllegalStateException("Config file " + file + ": the key must match " + KEY.pattern());
                    }
                    if (Files.size(file) > MAX_CONFIG_FILE_BYTES) {
                        throw new IllegalStateException("Config file " + file + " is larger than 1 MiB");
                    }
                    sources.put(key, Files.readAllBytes(file));
                }
            } catch (IOException e) {
                throw new IllegalStateException("Cannot read the config directory " + directory + ": " + e.getMessage(), e);
            }
        }
        Map<String, Site> sites = new TreeMap<>();
        for (var entry : sources.entrySet()) {
            try {
                sites.put(entry.getKey(), build(entry.getKey(), entry.getKey(), entry.getValue(), UpstreamPolicy.ALLOW_ALL));
            } catch (ImagingException e) {
                sites.values().forEach(Site::close);
                throw new IllegalStateException("Configuration '" + entry.getKey() + "': " + e.getMessage(), e);
            }
        }
        LOG.info("Serving configurations {}", sites.keySet());
        return Map.copyOf(sites);
    }

    private Site build(String key, String bindingId, byte[] json, UpstreamPolicy upstreamPolicy) {
        ConfigParser.Parsed parsed = ConfigParser.parse(key, bindingId, json);
        HostEnvironment environment = new HostEnvironment(options.dataDirectory(), options.clock(), upstreamPolicy, key);
        ConfigSection authorization = parsed.authorization();
        ConfigSection images = parsed.images();
        MrnSelector mrnSelector = new MrnSelector(parsed.config().mrnExpressions());
        // Built in order, and on any failure what was built is closed again.
        Authorization auth = providers.authorization(parsed.config().authorizationType()).create(authorization, environment);
        AccessPolicy policy = null;
        ImageSource source = null;
        try {
            authorization.rejectUnusedFields();
            policy = accessPolicy(parsed, environment);
            source = providers.imageSource(parsed.config().imagesType()).create(images, environment);
            images.rejectUnusedFields();
            return new Site(parsed.config(), auth, policy, source, mrnSelector);
        } catch (RuntimeException e) {
            try (auth; AutoCloseable p = policy; AutoCloseable s = source) {
                // closing
            } catch (Exception closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
    }

    private AccessPolicy accessPolicy(ConfigParser.Parsed parsed, HostEnvironment environment) {
        String type = parsed.config().accessType();
        ConfigSection access = parsed.access();
        AccessPolicyProvider provider = providers.accessPolicyOrNull(type);
        if (provider != null) {
            AccessPolicy policy = provider.create(access, environment);
            try {
                access.rejectUnusedFields();
            } catch (RuntimeException e) {
                policy.close();
                throw e;
            }
            return policy;
        }
        if (!type.equals(PatientContextPolicy.TYPE)) {
            throw new ImagingException.InvalidConfig("Config field access.type is '" + type
                    + "', which no provider handles; known types: " + PatientContextPolicy.TYPE
                    + (providers.accessPolicyTypes().isEmpty() ? "" : ", " + String.join(", ", providers.accessPolicyTypes())));
        }
        access.rejectUnusedFields();
        return PatientContextPolicy.INSTANCE;
    }

    private static String sha256(byte[] bytes) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public synchronized void close() {
        fileSites.values().forEach(Site::close);
        dynamicSites.values().forEach(Site::close);
        dynamicSites.clear();
    }
}
