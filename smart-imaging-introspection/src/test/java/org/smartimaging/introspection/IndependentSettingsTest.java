package org.smartimaging.introspection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.smartimaging.spi.AuthorizationEndpoints;
import org.smartimaging.spi.ConfigSection;
import org.smartimaging.spi.ImagingException;

/** {@code smart-on-fhir-independent}: the reference's files load unchanged; our fields; the token codec. */
class IndependentSettingsTest {

    private static ObjectNode referenceSection(String file) throws Exception {
        return (ObjectNode) TestEhr.JSON.readTree(Files.readString(Path.of("src/test/resources/reference-configs", file)))
                .get("authorization");
    }

    private static ConfigSection build(ObjectNode section) {
        ConfigSection config = new ConfigSection("authorization", section);
        var authorization = new IndependentAuthorizationProvider().create(config, TestEhr.environment(Clock.systemUTC()));
        config.rejectUnusedFields();
        assertThat(authorization.authorizer()).isInstanceOf(AuthorizationEndpoints.class);
        authorization.close();
        return config;
    }

    @Test
    void theReferencesIndependentConfigsLoadUnchanged() throws Exception {
        build(referenceSection("smart-sandbox-independent.json"));
        build(referenceSection("epic-sandbox-independent.json"));
    }

    @Test
    void readsOurOptionalFields() throws Exception {
        ObjectNode section = referenceSection("smart-sandbox-independent.json");
        var key = new ECKeyGenerator(Curve.P_384).keyID("app").algorithm(JWSAlgorithm.ES384).generate();
        section.set("clients", TestEhr.JSON.readTree("""
                [{"client_id": "viewer", "redirect_uris": ["https://viewer.example.org/index.html"]},
                 {"client_id": "app", "redirect_uris": ["https://app.example.org/cb"], "jwks": {"keys": [%s]}},
                 {"client_id": "remote", "redirect_uris": ["https://remote.example.org/cb"], "jwks_uri": "https://remote.example.org/jwks"}]"""
                .formatted(key.toPublicJWK().toJSONString())));
        section.put("accessTokenLifetimeSeconds", 600).put("refreshTokenLifetimeSeconds", 3600);
        IndependentSettings settings = IndependentSettings.read(new ConfigSection("authorization", section),
                TestEhr.environment(Clock.systemUTC()));

        assertThat(settings.accessTokenLifetime()).isEqualTo(Duration.ofMinutes(10));
        assertThat(settings.refreshTokenLifetime()).isEqualTo(Duration.ofHours(1));
        assertThat(settings.ehrScope()).isEqualTo(IndependentSettings.DEFAULT_EHR_SCOPE);
        AppClients clients = settings.clients();
        assertThat(clients.admit("viewer", URI.create("https://viewer.example.org/index.html"))).isPresent();
        assertThat(clients.admit("viewer", URI.create("https://viewer.example.org/index.html?x"))).isEmpty();
        assertThat(clients.admit("viewer", URI.create("http://localhost/cb"))).as("a registry admits only its URIs").isEmpty();
        assertThat(clients.isPublic("viewer")).isTrue();
        assertThat(clients.isPublic("app")).isFalse();
        assertThat(clients.isPublic("remote")).isFalse();
        assertThat(clients.isPublic("unknown")).isFalse();
    }

    @Test
    void withoutRegistryOnlyLoopbackRedirectsAreAdmitted() throws Exception {
        AppClients clients = IndependentSettings.read(new ConfigSection("authorization",
                referenceSection("smart-sandbox-independent.json")), TestEhr.environment(Clock.systemUTC())).clients();
        assertThat(clients.admit("any", URI.create("http://localhost:8080/app/"))).isPresent();
        assertThat(clients.admit("any", URI.create("http://127.0.0.1:9/cb"))).isPresent();
        assertThat(clients.admit("any", URI.create("https://app.example.org/cb"))).isEmpty();
        assertThat(clients.admit("any", URI.create("http://localhost.example.org/cb"))).isEmpty();
    }

    @Test
    void rejectsBrokenRegistrations() throws Exception {
        ObjectNode noRedirect = referenceSection("smart-sandbox-independent.json");
        noRedirect.set("clients", TestEhr.JSON.readTree("[{\"client_id\": \"app\"}]"));
        assertThatThrownBy(() -> build(noRedirect)).isInstanceOf(ImagingException.InvalidConfig.class)
                .hasMessageContaining("authorization.clients[0].redirect_uris");

        ObjectNode privateKey = referenceSection("smart-sandbox-independent.json");
        var key = new ECKeyGenerator(Curve.P_384).keyID("app").generate();
        privateKey.set("clients", TestEhr.JSON.readTree("[{\"client_id\": \"app\", \"redirect_uris\": [\"https://a/cb\"], \"jwks\": {\"keys\": ["
                + key.toJSONString() + "]}}]"));
        assertThatThrownBy(() -> build(privateKey)).hasMessageContaining("no private key");

        ObjectNode typo = referenceSection("smart-sandbox-independent.json");
        typo.put("acessTokenLifetimeSeconds", 60);
        assertThatThrownBy(() -> build(typo)).hasMessageContaining("acessTokenLifetimeSeconds");

        ObjectNode noOpenid = referenceSection("smart-sandbox-independent.json");
        noOpenid.put("ehrScope", "launch/patient");
        assertThatThrownBy(() -> build(noOpenid)).hasMessageContaining("ehrScope");
    }

    @Test
    void accessTokensVerifyOnlyWithTheSameConfigurationUntilTheyExpire() {
        byte[] secret = "the imaging server's private key".getBytes(StandardCharsets.UTF_8);
        Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
        ImagingAccessTokens issuer = new ImagingAccessTokens(secret, "a\nehr\nclient", Clock.fixed(t0, ZoneOffset.UTC));
        String token = issuer.issue("https://imaging/a/fhir", "123", Set.of("patient/ImagingStudy.rs"), "viewer", null,
                Duration.ofMinutes(5));

        ImagingAccessTokens.Claims claims = new ImagingAccessTokens(secret, "a\nehr\nclient",
                Clock.fixed(t0.plusSeconds(299), ZoneOffset.UTC)).verify(token);
        assertThat(claims.patient()).isEqualTo("123");
        assertThat(claims.grant().scopes()).containsExactly("patient/ImagingStudy.rs");
        assertThat(claims.clientId()).isEqualTo("viewer");

        assertThatThrownBy(() -> new ImagingAccessTokens(secret, "a\nehr\nclient", Clock.fixed(t0.plusSeconds(300), ZoneOffset.UTC))
                .verify(token)).isInstanceOf(ImagingException.Unauthorized.class).hasMessageContaining("expired");
        assertThatThrownBy(() -> new ImagingAccessTokens(secret, "b\nehr\nclient", Clock.fixed(t0, ZoneOffset.UTC)).verify(token))
                .as("another configuration with the same key").isInstanceOf(ImagingException.Unauthorized.class);
    }
}
