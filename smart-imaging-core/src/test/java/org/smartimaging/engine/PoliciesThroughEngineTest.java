package org.smartimaging.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.smartimaging.engine.EngineFixture.get;
import static org.smartimaging.engine.ImagingEngineTest.studyUids;
import static org.smartimaging.engine.ImagingEngineTest.wadoAddress;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smartimaging.engine.EngineFixture.Answer;
import org.smartimaging.testing.TestStudies;

/**
 * The shipped policies chosen by configuration ({@code access.type: rules} from a file,
 * {@code decision-service} over HTTP), through the engine: what a search lists and what a
 * retrieval serves.
 */
class PoliciesThroughEngineTest {

    @TempDir
    static Path data;
    static ImagingEngine engine;
    static HttpServer decisions;
    static volatile boolean decisionServiceUp = true;
    static TestStudies.Study ankle;
    static TestStudies.Study pelvis;

    static final String GRANTS = """
            "type": "by-token", "grants": {
              "mom": {"patient": "pat-a", "client": "viewer", "user": "RelatedPerson/mom", "scopes": ["patient/ImagingStudy.rs"]},
              "referral": {"client": "referral", "scopes": ["system/ImagingStudy.rs"]}}""";

    @BeforeAll
    static void start() throws IOException {
        ankle = TestStudies.write(data.resolve("studies"), "MRN-A", "CR", 1, 1, 8);
        pelvis = TestStudies.write(data.resolve("studies"), "MRN-A", "US", 1, 1, 8);
        Files.writeString(data.resolve("rules.json"), """
                {"rules": [{"user": "RelatedPerson/mom", "patients": ["pat-a"], "exclude": {"confidential": true}},
                           {"client": "referral", "patients": ["pat-a"], "studies": ["%s"]}],
                 "confidential": {"studies": ["%s"]}}""".formatted(ankle.studyInstanceUid(), pelvis.studyInstanceUid()));
        decisions = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        decisions.createContext("/decide", exchange -> {
            String question = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            boolean permit = !question.contains(pelvis.studyInstanceUid());
            byte[] body = (decisionServiceUp ? "{\"decision\": \"" + (permit ? "permit" : "deny") + "\"}" : "{}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(decisionServiceUp ? 200 : 503, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        decisions.start();
        String images = "\"images\": {\"type\": \"folder\", \"directory\": \"studies\", \"lookup\": \"studies-by-mrn\"}";
        engine = new ImagingEngine(ServerOptions.builder()
                .dataDirectory(data)
                .studyTokenKey(EngineFixture.KEY)
                .provider(new TokenGrants())
                .builtInConfig("rules", "{\"authorization\": {" + GRANTS + "}, " + images
                        + ", \"access\": {\"type\": \"rules\", \"rules\": \"rules.json\", \"backendServices\": true}}")
                .builtInConfig("decide", "{\"authorization\": {" + GRANTS + "}, " + images
                        + ", \"access\": {\"type\": \"decision-service\", \"url\": \"http://127.0.0.1:"
                        + decisions.getAddress().getPort() + "/decide\", \"cacheSeconds\": 0, \"backendServices\": true}}")
                .build());
    }

    @AfterAll
    static void stop() {
        engine.close();
        decisions.stop(0);
    }

    @Test
    void rulesFileHidesTheConfidentialStudyFromTheProxyUser() {
        Answer search = get(engine, "/rules/fhir/ImagingStudy?patient=pat-a", "mom");

        assertThat(studyUids(search)).containsExactly(ankle.studyInstanceUid());
        String wado = "/rules/wado/" + ImagingEngineTest.signedToken("pat-a", "rules", pelvis.studyInstanceUid(), true);
        assertThat(get(engine, wado + "/studies/" + pelvis.studyInstanceUid(), "mom").status()).isEqualTo(403);
    }

    @Test
    void rulesFileGivesTheBackendClientItsStudyOnly() {
        Answer search = get(engine, "/rules/fhir/ImagingStudy?patient=pat-a", "referral");

        assertThat(studyUids(search)).containsExactly(ankle.studyInstanceUid());
        assertThat(get(engine, wadoAddress(search, ankle.studyInstanceUid()) + "/studies/" + ankle.studyInstanceUid(), "referral")
                .status()).isEqualTo(200);
        assertThat(get(engine, "/rules/fhir/ImagingStudy?patient=pat-b", "referral").status()).isEqualTo(403);
    }

    @Test
    void decisionServiceFiltersTheSearchAndGuardsRetrieval() {
        Answer search = get(engine, "/decide/fhir/ImagingStudy?patient=pat-a", "referral");

        assertThat(studyUids(search)).containsExactly(ankle.studyInstanceUid());
        String wado = "/decide/wado/" + ImagingEngineTest.signedToken("pat-a", "decide", pelvis.studyInstanceUid(), true);
        assertThat(get(engine, wado + "/studies/" + pelvis.studyInstanceUid(), "referral").status()).isEqualTo(403);
    }

    @Test
    void decisionServiceDownMeansNoDataWithAClearStatus() {
        decisionServiceUp = false;
        try {
            Answer search = get(engine, "/decide/fhir/ImagingStudy?patient=pat-a", "referral");

            assertThat(search.status()).isEqualTo(502);
            assertThat(search.text()).contains("access decision service").doesNotContain(ankle.studyInstanceUid());
            String wado = "/decide/wado/" + ImagingEngineTest.signedToken("pat-a", "decide", ankle.studyInstanceUid(), true);
            assertThat(get(engine, wado + "/studies/" + ankle.studyInstanceUid(), "referral").status()).isEqualTo(502);
        } finally {
            decisionServiceUp = true;
        }
    }
}
