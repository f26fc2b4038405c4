package org.smartimaging.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smartimaging.testing.Bodies;
import org.smartimaging.testing.TestStudies;

/**
 * Absolute URLs come from configuration, never from a client's {@code Host} alone: a forged host
 * or a DNS-rebinding page gets a 421 and no URL on the host it chose.
 */
class HostTrustTest {

    static final String PUBLIC = "https://imaging.example.org:8443/api";

    @TempDir
    static Path data;
    static ImagingEngine loopbackOnly;
    static ImagingEngine withPublicBase;
    static ImagingEngine withAllowedHosts;
    static TestStudies.Study study;

    static ServerOptions.Builder options() {
        return ServerOptions.builder().dataDirectory(data).studyTokenKey(EngineFixture.KEY)
                .builtInConfig("demo", ImagingEngineTest.config("\"type\": \"mock\", \"patient\": " + ImagingEngineTest.PATIENT_A,
                        "\"lookup\": \"studies-by-mrn\""));
    }

    @BeforeAll
    static void start() {
        study = TestStudies.write(data.resolve("studies"), "MRN-A", "CT", 1, 1, 8);
        loopbackOnly = new ImagingEngine(options().build());
        withPublicBase = new ImagingEngine(options().publicBaseUrl(PUBLIC + "/").allowedHosts(Set.of("10.0.0.7")).build());
        withAllowedHosts = new ImagingEngine(options().allowedHosts(Set.of("Imaging.Example.org", "[2001:db8::1]")).build());
    }

    @AfterAll
    static void stop() {
        loopbackOnly.close();
        withPublicBase.close();
        withAllowedHosts.close();
    }

    static ImagingResponse get(ImagingEngine engine, String baseUrl, String path, Map<String, List<String>> query) {
        return engine.handle(ImagingRequest.get(path, query, Map.of("Authorization", "Bearer any"), baseUrl));
    }

    static String text(ImagingResponse response) {
        return new String(Bodies.read(response.body()), StandardCharsets.UTF_8);
    }

    static final Map<String, List<String>> SEARCH = Map.of("patient", List.of("pat-a"));

    @Test
    void forgedHostGetsNoUrlOnIt() {
        for (String path : List.of("/demo/fhir/metadata", "/demo/fhir/ImagingStudy", "/demo/fhir/.well-known/smart-configuration")) {
            ImagingResponse answer = get(loopbackOnly, "http://evil.example/api", path, SEARCH);
            String body = text(answer);

            assertThat(answer.status()).as(path).isEqualTo(421);
            assertThat(body).as(path).doesNotContain("evil.example").contains("OperationOutcome");
        }
    }

    @Test
    void dnsRebindingRequestsAreRefusedOnEveryRoute() {
        // A rebinding page reaches 127.0.0.1 but its requests name the attacker's host.
        String wadoBase = EngineFixture.below(ImagingEngineTest.wadoAddress(
                EngineFixture.get(loopbackOnly, "/demo/fhir/ImagingStudy?patient=pat-a", "any"), study.studyInstanceUid()));
        for (String path : List.of(wadoBase + "/studies/" + study.studyInstanceUid() + "/metadata", wadoBase + "/studies",
                "/.well-known/jwks.json", "/demo/fhir/metadata")) {
            assertThat(get(loopbackOnly, "http://rebind.attacker.example:8080/api", path, Map.of()).status()).as(path).isEqualTo(421);
        }
        ImagingResponse preflight = loopbackOnly.handle(new ImagingRequest("OPTIONS", "/demo/fhir/metadata", Map.of(),
                name -> name.equalsIgnoreCase("Origin") ? "http://rebind.attacker.example:8080"
                        : name.equalsIgnoreCase("Access-Control-Request-Method") ? "GET" : null,
                "http://rebind.attacker.example:8080/api"));
        assertThat(preflight.status()).isEqualTo(421);
        assertThat(preflight.headers()).doesNotContainKey("Access-Control-Allow-Origin");
    }

    @Test
    void loopbackNamesAreAdmittedByDefaultIpv6Included() {
        for (String base : List.of("http://localhost:8080/api", "http://127.0.0.1:8080/api", "http://[::1]:8080/api",
                "http://LOCALHOST.:8080/api")) {
            ImagingResponse answer = get(loopbackOnly, base, "/demo/fhir/metadata", Map.of());
            String body = text(answer);

            assertThat(answer.status()).as(base).isEqualTo(200);
            assertThat(body).as(base).contains(base + "/demo/fhir").doesNotContain("[[");
        }
    }

    @Test
    void publicBaseNamesEveryAbsoluteUrl() {
        // The node is reached by its own address behind a proxy; answers still name the public base.
        for (String base : List.of("http://10.0.0.7:8080/internal", PUBLIC)) {
            String metadata = text(get(withPublicBase, base, "/demo/fhir/metadata", Map.of()));
            String search = text(get(withPublicBase, base, "/demo/fhir/ImagingStudy", SEARCH));

            assertThat(metadata).as(base).contains("\"url\":\"" + PUBLIC + "/demo/fhir\"");
            assertThat(search).as(base)
                    .contains("\"url\":\"" + PUBLIC + "/demo/fhir/ImagingStudy?patient=pat-a\"")
                    .contains("\"fullUrl\":\"" + PUBLIC + "/demo/fhir/ImagingStudy/" + study.studyInstanceUid() + "\"")
                    .contains("\"address\":\"" + PUBLIC + "/demo/wado/")
                    .doesNotContain("10.0.0.7").doesNotContain("/internal");
        }
        assertThat(get(withPublicBase, "http://localhost:8080/api", "/demo/fhir/metadata", Map.of()).status())
                .as("loopback is not admitted once hosts are configured").isEqualTo(421);
        assertThat(get(withPublicBase, "https://evil.example:8443/api", "/demo/fhir/metadata", Map.of()).status()).isEqualTo(421);
    }

    @Test
    void allowedHostsAreComparedWithoutCaseOrBrackets() {
        assertThat(get(withAllowedHosts, "https://imaging.EXAMPLE.org/api", "/demo/fhir/metadata", Map.of()).status()).isEqualTo(200);
        ImagingResponse ipv6 = get(withAllowedHosts, "https://[2001:db8::1]:9443/api", "/demo/fhir/metadata", Map.of());
        assertThat(ipv6.status()).isEqualTo(200);
        assertThat(text(ipv6)).contains("https://[2001:db8::1]:9443/api/demo/fhir");
        assertThat(get(withAllowedHosts, "https://imaging.example.org.evil.example/api", "/demo/fhir/metadata", Map.of()).status())
                .isEqualTo(421);
        assertThat(get(withAllowedHosts, "https://[[2001:db8::1]]/api", "/demo/fhir/metadata", Map.of()).status()).isEqualTo(421);
    }

    @Test
    void publicBaseMustBeAPlainHttpUrl() {
        for (String bad : List.of("ftp://imaging.example.org/api", "/api", "https://user@imaging.example.org/api",
                "https://imaging.example.org/api?x=1")) {
            assertThatThrownBy(() -> ServerOptions.builder().publicBaseUrl(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
