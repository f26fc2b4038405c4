package org.smartimaging.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.smartimaging.engine.EngineFixture.get;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smartimaging.spi.AccessGrant;
import org.smartimaging.spi.Authorization;
import org.smartimaging.spi.AuthorizationProvider;
import org.smartimaging.spi.Authorizer;
import org.smartimaging.spi.ConfigSection;
import org.smartimaging.spi.HostEnvironment;

/**
 * SMART discovery as the IG asks: the authorization server's own capabilities kept, the IG's mode
 * capabilities added where the site serves that mode, and no launch capability without an
 * authorization server.
 */
class DiscoveryTest {

    static final String APP_LAUNCH = "http://fhir.org/argonaut/smart-imaging/capabilities/app-launch";
    static final String BACKEND = "http://fhir.org/argonaut/smart-imaging/capabilities/backend-services";

    @TempDir
    static Path data;
    static ImagingEngine engine;

    /** An authorization whose server publishes a SMART document of its own, as an EHR does. */
    static final class EhrLike implements AuthorizationProvider {
        @Override
        public String type() {
            return "ehr-like";
        }

        @Override
        public Authorization create(ConfigSection section, HostEnvironment environment) {
            Authorizer authorizer = new Authorizer() {
                @Override
                public AccessGrant authorize(String bearerToken) {
                    throw new UnsupportedOperationException();
                }

                @Override
                public Map<String, Object> smartConfiguration() {
                    return Map.of("authorization_endpoint", "https://ehr.example.org/authorize",
                            "token_endpoint", "https://ehr.example.org/token",
                            "grant_types_supported", List.of("authorization_code", "client_credentials"),
                            "capabilities", List.of("launch-standalone", "client-public", "sso-openid-connect"));
                }
            };
            return Authorization.of(authorizer, (id, grant) -> null);
        }
    }

    @BeforeAll
    static void start() throws java.io.IOException {
        java.nio.file.Files.createDirectories(data.resolve("studies"));
        String images = "\"images\": {\"type\": \"folder\", \"directory\": \"studies\"}";
        engine = new ImagingEngine(ServerOptions.builder().dataDirectory(data).studyTokenKey(EngineFixture.KEY)
                .provider(new EhrLike())
                .builtInConfig("ehr", "{\"authorization\": {\"type\": \"ehr-like\"}, " + images + "}")
                .builtInConfig("ehr-backend", "{\"authorization\": {\"type\": \"ehr-like\"}, " + images
                        + ", \"access\": {\"backendServices\": true}}")
                .builtInConfig("open", "{\"authorization\": {\"type\": \"mock\", \"disableAuthzChecks\": true}, " + images + "}")
                .build());
    }

    @AfterAll
    static void stop() {
        engine.close();
    }

    static List<String> capabilities(String site) {
        List<String> capabilities = new ArrayList<>();
        for (JsonNode c : get(engine, "/" + site + "/fhir/.well-known/smart-configuration", (String) null).json().path("capabilities")) {
            capabilities.add(c.asText());
        }
        return capabilities;
    }

    @Test
    void keepsTheAuthorizationServersCapabilitiesAndAddsTheImagingOnes() {
        assertThat(capabilities("ehr")).contains("launch-standalone", "client-public", "sso-openid-connect",
                "smart-imaging-access", APP_LAUNCH).doesNotContain(BACKEND);
    }

    @Test
    void advertisesBackendServicesOnlyWhereTheSiteRunsIt() {
        assertThat(capabilities("ehr-backend")).contains("smart-imaging-access", APP_LAUNCH, BACKEND);
    }

    @Test
    void openClaimsNoLaunchCapabilityItCannotServe() {
        List<String> open = capabilities("open");

        assertThat(open).containsExactly("smart-imaging-access");
        assertThat(open).noneMatch(c -> c.startsWith("launch-"));
    }

    @Test
    void backendSitesListTheSystemScopeWhenTheServerListsNone() {
        JsonNode open = get(engine, "/open/fhir/.well-known/smart-configuration", (String) null).json();

        assertThat(open.path("scopes_supported").toString()).doesNotContain("system/");
    }
}
