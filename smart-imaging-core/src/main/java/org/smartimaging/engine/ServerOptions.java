package org.smartimaging.engine;

import com.nimbusds.jose.jwk.ECKey;
import java.net.MalformedURLException;
import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.smartimaging.audit.LogAuditSink;
import org.smartimaging.spi.AccessPolicyProvider;
import org.smartimaging.spi.AuditSink;
import org.smartimaging.spi.AuthorizationProvider;
import org.smartimaging.spi.ImageSourceProvider;
import org.smartimaging.token.StudyTokenKeys;

/**
 * How a host runs the engine. Every limit has a default a host rarely needs to change.
 * Build with {@link #builder()}.
 */
public final class ServerOptions {

    /**
     * Default bound on a dynamic configuration's JSON, before base64url: 4 KiB encodes to about
     * 5.5 KiB of path, inside the 8 KiB request line that servers (and {@link #maxPathLength()}) allow.
     */
    public static final int DEFAULT_MAX_DYNAMIC_CONFIG_BYTES = 4 * 1024;

    /** A client on a poor mobile link still reads tens of KiB/s; below 1 KiB/s it is holding a slot, not reading. */
    public static final long DEFAULT_MIN_RESPONSE_BYTES_PER_SECOND = 1024;
    public static final Duration DEFAULT_MIN_RESPONSE_RATE_GRACE = Duration.ofSeconds(30);

    private final Path configDirectory;
    private final Map<String, String> builtInConfigs;
    private final Path dataDirectory;
    private final boolean dynamicConfigsEnabled;
    private final int maxDynamicConfigBytes;
    private final Set<String> allowedUpstreamHosts;
    private final Supplier<StudyTokenKeys> studyTokenKeys;
    private final boolean wadoOnly;
    private final String wadoNodeBase;
    private final List<AuditSink> auditSinks;
    private final Duration studyTokenLifetime;
    private final int maxStudiesPerSearch;
    private final int maxPathLength;
    private final Optional<Set<String>> corsAllowedOrigins;
    private final String publicBaseUrl;
    private final Set<String> allowedHosts;
    private final long minResponseBytesPerSecond;
    private final Duration minResponseRateGrace;
    private final Clock clock;
    private final List<Object> providers;
    private final boolean classPathProviders;

    private ServerOptions(Builder builder) {
        this.configDirectory = builder.configDirectory;
        this.builtInConfigs = Map.copyOf(builder.builtInConfigs);
        this.dataDirectory = builder.dataDirectory.toAbsolutePath().normalize();
        this.dynamicConfigsEnabled = builder.dynamicConfigsEnabled;
        this.maxDynamicConfigBytes = builder.maxDynamicConfigBytes;
        this.allowedUpstreamHosts = Set.copyOf(builder.allowedUpstreamHosts);
        this.studyTokenKeys = Objects.requireNonNull(builder.studyTokenKeys,
                "studyTokenKey: configure a shared key (at least 32 bytes), ES256 signing keys, a WADO-only node's issuer JWKS,"
                        + " or call randomStudyTokenKey() for a single-node demo");
        this.wadoOnly = builder.wadoOnly;
        this.wadoNodeBase = builder.wadoNodeBase;
        this.auditSinks = builder.auditSinks != null ? builder.auditSinks : List.of(new LogAuditSink());
        this.studyTokenLifetime = builder.studyTokenLifetime;
        this.maxStudiesPerSearch = builder.maxStudiesPerSearch;
        this.maxPathLength = builder.maxPathLength;
        this.corsAllowedOrigins = builder.corsAllowedOrigins;
        this.publicBaseUrl = builder.publicBaseUrl;
        this.allowedHosts = Set.copyOf(builder.allowedHosts);
        this.minResponseBytesPerSecond = builder.minResponseBytesPerSecond;
        this.minResponseRateGrace = builder.minResponseRateGrace;
        this.clock = builder.clock;
        this.providers = List.copyOf(builder.providers);
        this.classPathProviders = builder.classPathProviders;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Where {@code {key}.json} files live; {@code null} for built-in configs only. */
    public Path configDirectory() {
        return configDirectory;
    }

    /** Configurations given in code, by key (JSON text); files in {@link #configDirectory()} win over them. */
    public Map<String, String> builtInConfigs() {
        return builtInConfigs;
    }

    public Path dataDirectory() {
        return dataDirectory;
    }

    public boolean dynamicConfigsEnabled() {
        return dynamicConfigsEnabled;
    }

    public int maxDynamicConfigBytes() {
        return maxDynamicConfigBytes;
    }

    /** Hosts a dynamic configuration may name as upstreams (exact, case-insensitive). */
    public Set<String> allowedUpstreamHosts() {
        return allowedUpstreamHosts;
    }

    /** New keys for one engine (a remote key set's cache belongs to the engine that closes it). */
    StudyTokenKeys studyTokenKeys() {
        return studyTokenKeys.get();
    }

    /**
     * Whether this node only serves WADO-RS routes, verifying capabilities that another node issued
     * (see {@link Builder#wadoOnlyNode(URI, Duration)}).
     */
    public boolean wadoOnly() {
        return wadoOnly;
    }

    /** The base URL of the WADO-only node that Endpoint addresses point at; {@code null}: this server. */
    public String wadoNodeBase() {
        return wadoNodeBase;
    }

    /** Where each search and retrieval decision is recorded; the engine closes them when it closes. */
    public List<AuditSink> auditSinks() {
        return auditSinks;
    }

    public Duration studyTokenLifetime() {
        return studyTokenLifetime;
    }

    public int maxStudiesPerSearch() {
        return maxStudiesPerSearch;
    }

    public int maxPathLength() {
        return maxPathLength;
    }

    /**
     * The browser origins (e.g. {@code https://viewer.example.org}) whose pages may read answers;
     * empty (the default) admits any origin. See {@link Builder#corsAllowedOrigins}.
     */
    public Optional<Set<String>> corsAllowedOrigins() {
        return corsAllowedOrigins;
    }

    /**
     * The absolute URL of the engine's mount point as clients reach it (e.g.
     * {@code https://imaging.example.org/api}); when set, every absolute URL in an answer is built
     * from it, never from the request. {@code null} when not configured.
     */
    public String publicBaseUrl() {
        return publicBaseUrl;
    }

    /**
     * The host names a request may name in its {@code Host} (lower case; IPv6 literals without
     * brackets). Requests for any other host are refused. When neither these nor a
     * {@link #publicBaseUrl()} are configured, only loopback names are admitted.
     */
    public Set<String> allowedHosts() {
        return allowedHosts;
    }

    /**
     * The slowest a client may read an answer, on average since it began, once the grace period is
     * over; a transport drops slower readers (0: no minimum). A client that reads nothing at all is
     * dropped by the container's idle timeout.
     */
    public long minResponseBytesPerSecond() {
        return minResponseBytesPerSecond;
    }

    /** How long a slow reader is tolerated before {@link #minResponseBytesPerSecond()} applies. */
    public Duration minResponseRateGrace() {
        return minResponseRateGrace;
    }

    public Clock clock() {
        return clock;
    }

    /** Providers the host built and handed in, before those {@link java.util.ServiceLoader} finds. */
    public List<Object> providers() {
        return providers;
    }

    /** Whether providers on the class path ({@code META-INF/services}) are used too. */
    public boolean classPathProviders() {
        return classPathProviders;
    }

    public static final class Builder {
        private Path configDirectory;
        private final Map<String, String> builtInConfigs = new LinkedHashMap<>();
        private Path dataDirectory = Path.of(".");
        private boolean dynamicConfigsEnabled;
        private int maxDynamicConfigBytes = DEFAULT_MAX_DYNAMIC_CONFIG_BYTES;
        private Set<String> allowedUpstreamHosts = Set.of();
        private Supplier<StudyTokenKeys> studyTokenKeys;
        private boolean wadoOnly;
        private String wadoNodeBase;
        private List<AuditSink> auditSinks;
        private Duration studyTokenLifetime = Duration.ofHours(1);
        private int maxStudiesPerSearch = 1000;
        private int maxPathLength = 8 * 1024;
        private Optional<Set<String>> corsAllowedOrigins = Optional.empty();
        private String publicBaseUrl;
        private Set<String> allowedHosts = Set.of();
        private long minResponseBytesPerSecond = DEFAULT_MIN_RESPONSE_BYTES_PER_SECOND;
        private Duration minResponseRateGrace = DEFAULT_MIN_RESPONSE_RATE_GRACE;
        private Clock clock = Clock.systemUTC();
        private final List<Object> providers = new ArrayList<>();
        private boolean classPathProviders = true;

        private Builder() {}

        public Builder configDirectory(Path directory) {
            this.configDirectory = directory;
            return this;
        }

        public Builder builtInConfig(String key, String json) {
            builtInConfigs.put(key, json);
            return this;
        }

        public Builder dataDirectory(Path directory) {
            this.dataDirectory = Objects.requireNonNull(directory);
            return this;
        }

        /** Enables {@code /dyn/{base64url(JSON)}} configurations (off by default). */
        public Builder dynamicConfigs(boolean enabled, Set<String> allowedUpstreamHosts) {
            this.dynamicConfigsEnabled = enabled;
            this.allowedUpstreamHosts = Set.copyOf(allowedUpstreamHosts);
            return this;
        }

        public Builder maxDynamicConfigBytes(int bytes) {
            this.maxDynamicConfigBytes = bytes;
            return this;
        }

        /** The HMAC key for study tokens (HS256, the default); every node of a deployment must share it. */
        public Builder studyTokenKey(byte[] key) {
            byte[] copy = key.clone();
            StudyTokenKeys.hmac(copy); // fail at build time, not at the first request
            this.studyTokenKeys = () -> StudyTokenKeys.hmac(copy);
            this.wadoOnly = false;
            return this;
        }

        /** A random key: tokens die with the process and other nodes reject them. Demo use only. */
        public Builder randomStudyTokenKey() {
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            return studyTokenKey(key);
        }

        /**
         * Signs study tokens with ES256 and publishes the public keys at
         * {@code {base}/.well-known/jwks.json}, so that a DICOMweb server run apart from this one
         * (another party's, or our {@link #wadoOnlyNode WADO-only node}) verifies them without a
         * shared secret.
         *
         * <p>Rotation: put a new key first and the old one in {@code previousKeys}; new tokens are
         * signed with the new key, tokens signed with the old one keep working. Drop the old key
         * once {@link #studyTokenLifetime(Duration)} has passed since the rotation.
         *
         * @param signingKey an EC P-256 key pair with a {@code kid}
         * @param previousKeys earlier keys (public halves suffice), still verified and published
         */
        public Builder studyTokenSigningKeys(ECKey signingKey, List<ECKey> previousKeys) {
            List<ECKey> previous = List.copyOf(previousKeys);
            StudyTokenKeys.ec(signingKey, previous);
            this.studyTokenKeys = () -> StudyTokenKeys.ec(signingKey, previous);
            this.wadoOnly = false;
            return this;
        }

        /**
         * Runs this engine as a WADO-only node: it serves only WADO-RS routes (FHIR routes answer
         * 404) and verifies study tokens with the public keys another node publishes, fetched
         * from {@code issuerJwks}, cached, and refetched when a token names an unknown key, at
         * most once per {@code minRefreshInterval}. Configurations must use the same keys (or the
         * same dynamic JSON) as the issuer's, as tokens are bound to them.
         */
        public Builder wadoOnlyNode(URI issuerJwks, Duration minRefreshInterval) {
            java.net.URL url;
            try {
                url = issuerJwks.toURL();
            } catch (MalformedURLException | IllegalArgumentException e) {
                throw new IllegalArgumentException("The issuer JWKS must be an absolute http(s) URL: " + issuerJwks);
            }
            Duration interval = Objects.requireNonNull(minRefreshInterval);
            this.studyTokenKeys = () -> StudyTokenKeys.remoteJwks(url, interval);
            this.wadoOnly = true;
            return this;
        }

        /**
         * Endpoint addresses point at this base (where a {@link #wadoOnlyNode WADO-only node} or
         * another party's DICOMweb server is mounted) instead of this server:
         * {@code {wadoNodeBase}/{key}/wado/{studyToken}}.
         */
        public Builder wadoNodeBase(URI base) {
            String text = base.toString();
            if (!base.isAbsolute() || base.getRawQuery() != null || base.getRawFragment() != null) {
                throw new IllegalArgumentException("The WADO node base must be an absolute URL without query: " + text);
            }
            this.wadoNodeBase = text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
            return this;
        }

        /**
         * Where access decisions are recorded, one record per search and per retrieval. Default: a
         * {@link LogAuditSink} (one JSON line per record on the logger {@code org.smartimaging.audit});
         * add an {@link org.smartimaging.audit.FhirAuditEventSink} to post IHE BALP AuditEvents to a
         * FHIR server; none ({@code List.of()}) turns audit off.
         */
        public Builder auditSinks(List<AuditSink> sinks) {
            this.auditSinks = List.copyOf(sinks);
            return this;
        }

        public Builder studyTokenLifetime(Duration lifetime) {
            this.studyTokenLifetime = lifetime;
            return this;
        }

        public Builder maxStudiesPerSearch(int max) {
            this.maxStudiesPerSearch = max;
            return this;
        }

        /**
         * Restricts cross-origin (CORS) access to these origins, each {@code scheme://host[:port]},
         * compared case-insensitively; an empty set admits no other origin. By default any origin
         * may call the server: access tokens travel in the {@code Authorization} header, never in
         * cookies, so a page from another origin gains nothing it could not send itself. Narrow it
         * when a policy asks that only known apps run in browsers.
         */
        public Builder corsAllowedOrigins(Set<String> origins) {
            this.corsAllowedOrigins = Optional.of(Set.copyOf(origins));
            return this;
        }

        /** Admits any origin again (the default). */
        public Builder corsAnyOrigin() {
            this.corsAllowedOrigins = Optional.empty();
            return this;
        }

        /**
         * Where clients reach the engine's mount point, e.g. {@code https://imaging.example.org/api}
         * (behind a proxy: the public URL, not the node's). Every absolute URL in answers (Endpoint
         * addresses, {@code fullUrl}, self links, the CapabilityStatement) is built from it, and
         * requests naming another host than its own (or one of {@link #allowedHosts}) are refused,
         * so a forged {@code Host} header or a DNS-rebinding page gets nothing.
         */
        public Builder publicBaseUrl(String url) {
            this.publicBaseUrl = HostCheck.validBase(url);
            return this;
        }

        /**
         * Host names (without port; IPv6 literals with or without brackets) whose requests the
         * engine answers, building absolute URLs from the request. Default, when no
         * {@link #publicBaseUrl} is set either: loopback only ({@code localhost}, {@code 127.0.0.1},
         * {@code ::1}).
         */
        public Builder allowedHosts(Set<String> hosts) {
            this.allowedHosts = hosts.stream().map(HostCheck::normalise).collect(java.util.stream.Collectors.toUnmodifiableSet());
            return this;
        }

        /**
         * Drops clients that read slower than {@code bytesPerSecond} on average once {@code grace}
         * has passed (defaults: 1 KiB/s after 30 s); 0 turns the minimum off.
         */
        public Builder minResponseRate(long bytesPerSecond, Duration grace) {
            if (bytesPerSecond < 0 || grace.isNegative()) {
                throw new IllegalArgumentException("minResponseRate: bytesPerSecond and grace must not be negative");
            }
            this.minResponseBytesPerSecond = bytesPerSecond;
            this.minResponseRateGrace = grace;
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock);
            return this;
        }

        /**
         * A provider the host built (a Spring bean, a vendor's own client), used for its
         * {@code type} before any found on the class path.
         */
        public Builder provider(AuthorizationProvider provider) {
            providers.add(Objects.requireNonNull(provider));
            return this;
        }

        /** As {@link #provider(AuthorizationProvider)}, for an {@code images.type}. */
        public Builder provider(ImageSourceProvider provider) {
            providers.add(Objects.requireNonNull(provider));
            return this;
        }

        /** As {@link #provider(AuthorizationProvider)}, for an {@code access.type}. */
        public Builder provider(AccessPolicyProvider provider) {
            providers.add(Objects.requireNonNull(provider));
            return this;
        }

        /** Whether to use the providers {@link java.util.ServiceLoader} finds too (default true). */
        public Builder classPathProviders(boolean enabled) {
            this.classPathProviders = enabled;
            return this;
        }

        public ServerOptions build() {
            return new ServerOptions(this);
        }
    }
}
