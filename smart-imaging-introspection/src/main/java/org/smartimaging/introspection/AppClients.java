package org.smartimaging.introspection;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyConverter;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.oauth2.sdk.auth.ClientAuthenticationMethod;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.auth.verifier.ClientCredentialsSelector;
import com.nimbusds.oauth2.sdk.auth.verifier.Context;
import com.nimbusds.oauth2.sdk.auth.verifier.InvalidClientException;
import com.nimbusds.oauth2.sdk.id.ClientID;
import java.net.MalformedURLException;
import java.net.URI;
import java.security.PublicKey;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smartimaging.spi.ConfigSection;
import org.smartimaging.spi.HostEnvironment;

/**
 * The apps allowed to ask the imaging server for tokens ({@code authorization.clients}): public
 * clients (no keys) with their exact redirect URIs, and confidential clients that authenticate
 * with {@code private_key_jwt}, their keys given inline ({@code jwks}) or by {@code jwks_uri}.
 * Also the Nimbus {@link ClientCredentialsSelector} that hands those keys to the verifier.
 *
 * <p>Without a registry (the reference's configs have none) only redirect URIs on a loopback host
 * ({@code localhost}, {@code 127.0.0.1}, {@code [::1]}) are admitted, for development: a code can
 * then only reach a program on the user's own machine.
 */
final class AppClients implements ClientCredentialsSelector<Void> {

    private static final Logger LOG = LoggerFactory.getLogger(AppClients.class);
    private static final Set<String> LOOPBACK = Set.of("localhost", "127.0.0.1", "[::1]", "::1");
    private static final int JWKS_TIMEOUT_MILLIS = 5_000;
    private static final int JWKS_SIZE_LIMIT = 64 * 1024;

    /** One registered app. {@code jwks} or {@code jwksUri} makes it confidential. */
    record AppClient(ClientID clientId, List<URI> redirectUris, JWKSet jwks, JWKSource<SecurityContext> jwksUri) {
        boolean confidential() {
            return jwks != null || jwksUri != null;
        }
    }

    private final Map<String, AppClient> clients;

    private AppClients(Map<String, AppClient> clients) {
        this.clients = Map.copyOf(clients);
    }

    static AppClients read(ConfigSection authorization, HostEnvironment environment) {
        Optional<JsonNode> json = authorization.optionalJson("clients");
        Map<String, AppClient> clients = new LinkedHashMap<>();
        if (json.isEmpty()) {
            LOG.warn("Config {}: smart-on-fhir-independent without authorization.clients admits apps with loopback"
                    + " redirect URIs only (development); list the apps for production", environment.configKey());
            return new AppClients(clients);
        }
        if (!json.get().isArray()) {
            throw authorization.invalid("clients", "must be an array of client registrations");
        }
        int i = 0;
        for (JsonNode item : json.get()) {
            if (!item.isObject()) {
                throw authorization.invalid("clients", "must contain only objects");
            }
            ConfigSection entry = new ConfigSection("authorization.clients[" + i++ + "]", (ObjectNode) item);
            AppClient client = readClient(entry, environment);
            entry.rejectUnusedFields();
            if (clients.putIfAbsent(client.clientId().getValue(), client) != null) {
                throw entry.invalid("client_id", "is registered twice");
            }
        }
        return new AppClients(clients);
    }

    private static AppClient readClient(ConfigSection entry, HostEnvironment environment) {
        ClientID id = new ClientID(entry.requireString("client_id"));
        List<URI> redirects = new ArrayList<>();
        for (String text : entry.optionalStringList("redirect_uris")) {
            URI uri;
            try {
                uri = new URI(text);
            } catch (java.net.URISyntaxException e) {
                throw entry.invalid("redirect_uris", "holds an invalid URI");
            }
            if (!uri.isAbsolute() || uri.getRawFragment() != null) {
                throw entry.invalid("redirect_uris", "must hold absolute URIs without fragment");
            }
            redirects.add(uri);
        }
        if (redirects.isEmpty()) {
            throw entry.invalid("redirect_uris", "is required (at least one exact redirect URI)");
        }
        JWKSet jwks = null;
        if (entry.has("jwks")) {
            try {
                jwks = JWKSet.parse(entry.optionalJson("jwks").orElseThrow().toString());
            } catch (ParseException e) {
                throw entry.invalid("jwks", "is not a JWK set");
            }
            if (jwks.getKeys().isEmpty() || jwks.getKeys().stream().anyMatch(JWK::isPrivate)) {
                throw entry.invalid("jwks", "must hold the client's public keys (and no private key)");
            }
        }
        JWKSource<SecurityContext> remote = null;
        Optional<URI> jwksUri = entry.optionalUri("jwks_uri");
        if (jwksUri.isPresent()) {
            environment.upstreamPolicy().check(jwksUri.get());
            try {
                remote = JWKSourceBuilder.<SecurityContext>create(jwksUri.get().toURL(),
                        new DefaultResourceRetriever(JWKS_TIMEOUT_MILLIS, JWKS_TIMEOUT_MILLIS, JWKS_SIZE_LIMIT)).build();
            } catch (MalformedURLException | IllegalArgumentException e) {
                throw entry.invalid("jwks_uri", "is not a URL");
            }
        }
        if (jwks != null && remote != null) {
            throw entry.invalid("jwks_uri", "and jwks exclude each other");
        }
        return new AppClient(id, List.copyOf(redirects), jwks, remote);
    }

    Optional<AppClient> find(String clientId) {
        return clientId == null ? Optional.empty() : Optional.ofNullable(clients.get(clientId));
    }

    /**
     * The client, if {@code redirectUri} is one of its registered URIs (exact string match), or,
     * without a registry, a loopback URI of an unregistered public client.
     */
    Optional<AppClient> admit(String clientId, URI redirectUri) {
        if (clientId == null || redirectUri == null) {
            return Optional.empty();
        }
        if (clients.isEmpty()) {
            return isLoopback(redirectUri)
                    ? Optional.of(new AppClient(new ClientID(clientId), List.of(redirectUri), null, null))
                    : Optional.empty();
        }
        return find(clientId).filter(c -> c.redirectUris().stream().anyMatch(u -> u.toString().equals(redirectUri.toString())));
    }

    /** Whether the token endpoint may treat {@code clientId} as a public client (no authentication). */
    boolean isPublic(String clientId) {
        return clients.isEmpty() || find(clientId).map(c -> !c.confidential()).orElse(false);
    }

    private static boolean isLoopback(URI uri) {
        return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null
                && LOOPBACK.contains(uri.getHost()) && uri.getRawFragment() == null;
    }

    @Override
    public List<Secret> selectClientSecrets(ClientID clientId, ClientAuthenticationMethod method, Context<Void> context)
            throws InvalidClientException {
        throw new InvalidClientException("This server authenticates clients with private_key_jwt only");
    }

    @Override
    public List<? extends PublicKey> selectPublicKeys(ClientID clientId, ClientAuthenticationMethod method, JWSHeader header,
            boolean forceRefresh, Context<Void> context) throws InvalidClientException {
        AppClient client = find(clientId.getValue()).filter(AppClient::confidential)
                .orElseThrow(() -> new InvalidClientException("Unknown client or not registered for private_key_jwt"));
        List<JWK> keys;
        JWKSelector selector = new JWKSelector(JWKMatcher.forJWSHeader(header));
        if (client.jwks() != null) {
            keys = selector.select(client.jwks());
        } else {
            try {
                keys = client.jwksUri().get(selector, null);
            } catch (KeySourceException e) {
                throw new InvalidClientException("The client's jwks_uri cannot be read");
            }
        }
        List<PublicKey> publicKeys = new ArrayList<>();
        for (var key : KeyConverter.toJavaKeys(keys)) {
            if (key instanceof PublicKey publicKey) {
                publicKeys.add(publicKey);
            }
        }
        return publicKeys;
    }
}
