package org.smartimaging.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.smartimaging.engine.EngineFixture.get;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smartimaging.engine.EngineFixture.Answer;
import org.smartimaging.testing.TestStudies;

/** Browser apps from other origins: preflights need no token, real requests still do. */
class CorsTest {

    static final String APP = "https://app.example.org";

    @TempDir
    static Path data;
    static ImagingEngine anyOrigin;
    static ImagingEngine allowList;
    static TestStudies.Study study;
    static String wadoBase;

    static ServerOptions.Builder options() {
        return ServerOptions.builder().dataDirectory(data).studyTokenKey(EngineFixture.KEY)
                .builtInConfig("demo", ImagingEngineTest.config("\"type\": \"mock\", \"patient\": " + ImagingEngineTest.PATIENT_A,
                        "\"lookup\": \"studies-by-mrn\""));
    }

    @BeforeAll
    static void start() {
        study = TestStudies.write(data.resolve("studies"), "MRN-A", "CT", 1, 2, 8);
        anyOrigin = new ImagingEngine(options().build());
        allowList = new ImagingEngine(options().corsAllowedOrigins(Set.of("https://VIEWER.example.org")).build());
        Answer search = get(anyOrigin, "/demo/fhir/ImagingStudy?patient=pat-a", "any-token");
        wadoBase = EngineFixture.below(ImagingEngineTest.wadoAddress(search, study.studyInstanceUid()));
    }

    @AfterAll
    static void stop() {
        anyOrigin.close();
        allowList.close();
    }

    static ImagingResponse preflight(ImagingEngine engine, String path, String origin, String requestHeaders) {
        Map<String, String> headers = new HashMap<>();
        headers.put("Origin", origin);
        headers.put("Access-Control-Request-Method", "GET");
        if (requestHeaders != null) {
            headers.put("Access-Control-Request-Headers", requestHeaders);
        }
        ImagingResponse response = engine.handle(new ImagingRequest("OPTIONS", path, Map.of(),
                name -> headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                        .map(Map.Entry::getValue).findFirst().orElse(null), EngineFixture.BASE));
        org.smartimaging.testing.Bodies.read(response.body());
        return response;
    }

    @Test
    void preflightIsAnsweredWithoutATokenOnEveryRoute() {
        for (String path : List.of("/demo/fhir/ImagingStudy", "/demo/fhir/metadata", "/demo/fhir/.well-known/smart-configuration",
                wadoBase + "/studies/" + study.studyInstanceUid(), wadoBase + "/studies", "/nowhere")) {
            ImagingResponse answer = preflight(anyOrigin, path, APP, "authorization, accept");

            assertThat(answer.status()).as(path).isEqualTo(204);
            assertThat(answer.headers()).as(path)
                    .containsEntry("Access-Control-Allow-Origin", APP)
                    .containsEntry("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS")
                    .containsKey("Access-Control-Max-Age");
            assertThat(answer.headers().get("Access-Control-Allow-Headers")).as(path)
                    .contains("Authorization").contains("Accept");
            assertThat(answer.headers().get("Vary")).contains("Origin");
        }
    }

    @Test
    void preflightAllowsRequestedHeadersWithinReason() {
        ImagingResponse answer = preflight(anyOrigin, "/demo/fhir/metadata", APP,
                "x-requested-with, bad header\r\nx: y, " + "x".repeat(100));

        assertThat(answer.headers().get("Access-Control-Allow-Headers"))
                .contains("x-requested-with").doesNotContain("bad header").doesNotContain("xxxxxxxxxxxxxxxxxxxxxxxx");
    }

    @Test
    void realRequestsStillNeedTheirToken() {
        Answer search = get(anyOrigin, "/demo/fhir/ImagingStudy?patient=pat-a", Map.of("Origin", APP));
        Answer wado = get(anyOrigin, wadoBase + "/studies/" + study.studyInstanceUid() + "/metadata", Map.of("Origin", APP));

        assertThat(search.status()).isEqualTo(401);
        assertThat(wado.status()).isEqualTo(401);
        // the app can read why: the error carries the CORS headers too, and exposes WWW-Authenticate
        assertThat(wado.header("Access-Control-Allow-Origin")).isEqualTo(APP);
        assertThat(wado.header("Access-Control-Expose-Headers")).contains("WWW-Authenticate");
    }

    @Test
    void realAnswersCarryCorsHeadersOnEveryRoute() {
        Map<String, String> headers = Map.of("Origin", APP, "Authorization", "Bearer any-token");
        for (String path : List.of("/demo/fhir/ImagingStudy?patient=pat-a", "/demo/fhir/metadata",
                wadoBase + "/studies/" + study.studyInstanceUid() + "/metadata")) {
            Answer answer = get(anyOrigin, path, headers);

            assertThat(answer.status()).as(path).isEqualTo(200);
            assertThat(answer.header("Access-Control-Allow-Origin")).as(path).isEqualTo(APP);
            assertThat(answer.header("Access-Control-Expose-Headers")).as(path)
                    .contains("Retry-After", "WWW-Authenticate", "Content-Location", "Content-Length", "ETag");
            assertThat(answer.header("Vary")).as(path).contains("Origin");
        }
    }

    @Test
    void allowListAdmitsListedOriginsOnly() {
        ImagingResponse listed = preflight(allowList, "/demo/fhir/metadata", "https://viewer.example.org", null);
        ImagingResponse other = preflight(allowList, "/demo/fhir/metadata", APP, null);
        Answer realOther = get(allowList, "/demo/fhir/metadata", Map.of("Origin", APP));
        Answer realListed = get(allowList, "/demo/fhir/metadata", Map.of("Origin", "https://viewer.example.org"));

        assertThat(listed.headers()).containsEntry("Access-Control-Allow-Origin", "https://viewer.example.org");
        assertThat(other.headers()).doesNotContainKey("Access-Control-Allow-Origin").doesNotContainKey("Access-Control-Allow-Methods");
        assertThat(realOther.header("Access-Control-Allow-Origin")).isNull();
        assertThat(realListed.header("Access-Control-Allow-Origin")).isEqualTo("https://viewer.example.org");
        assertThat(realOther.header("Vary")).contains("Origin");
    }

    @Test
    void sameOriginRequestsGetNoAllowOrigin() {
        Answer answer = get(anyOrigin, "/demo/fhir/metadata", Map.of());

        assertThat(answer.header("Access-Control-Allow-Origin")).isNull();
        assertThat(answer.header("Vary")).contains("Origin");
    }

    @Test
    void capabilityStatementDeclaresCors() {
        Answer metadata = get(anyOrigin, "/demo/fhir/metadata", Map.of());

        assertThat(metadata.json().path("rest").get(0).path("security").path("cors").asBoolean()).isTrue();
    }

    @Test
    void fhirAnswersAreNotStored() {
        Answer search = get(anyOrigin, "/demo/fhir/ImagingStudy?patient=pat-a", "any-token");

        assertThat(search.header("Cache-Control")).isEqualTo("no-store");
    }
}
