package org.smartimaging.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.smartimaging.spi.AccessDecision;
import org.smartimaging.spi.AccessGrant;
import org.smartimaging.spi.ImagingException;
import org.smartimaging.spi.StudyRecord;
import org.smartimaging.testing.MutableClock;

/**
 * The decision-service policy against a real HTTP decision service on loopback: permit, deny,
 * withheld series, a service that is down or answers nonsense (fail closed, 502), and cached
 * decisions that expire.
 */
class DecisionServicePolicyTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final StudyRecord ANKLE = RulesPolicyTest.ANKLE;
    static final StudyRecord CARDIAC = RulesPolicyTest.CARDIAC;
    static final AccessGrant REFERRAL = RulesPolicyTest.backend("referral");

    HttpServer server;
    final List<JsonNode> questions = new CopyOnWriteArrayList<>();
    volatile Function<JsonNode, String> answer = q -> "{\"decision\": \"permit\"}";
    volatile int status = 200;
    final MutableClock clock = new MutableClock();

    @BeforeEach
    void startDecisionService() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/decide", exchange -> {
            JsonNode question = JSON.readTree(exchange.getRequestBody());
            questions.add(question);
            byte[] body = answer.apply(question).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    DecisionServicePolicy policy(Duration cacheFor) {
        return new DecisionServicePolicy(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/decide"),
                Duration.ofSeconds(2), cacheFor, clock);
    }

    @Test
    void permitsWhenTheServiceSaysPermitAndAsksWithTheGrantNotTheToken() {
        assertThat(policy(Duration.ZERO).decide(REFERRAL, "daughter", ANKLE).permitsWholeStudy()).isTrue();

        JsonNode question = questions.get(0);
        assertThat(question.path("question").asText()).isEqualTo("study");
        assertThat(question.path("grant").path("mode").asText()).isEqualTo("backend-services");
        assertThat(question.path("grant").path("client_id").asText()).isEqualTo("referral");
        assertThat(question.path("patient").asText()).isEqualTo("daughter");
        assertThat(question.path("study").path("studyInstanceUid").asText()).isEqualTo(ANKLE.studyInstanceUid());
        assertThat(question.path("study").path("accessionNumber").asText()).isEqualTo("ACC-ANKLE");
        assertThat(question.path("study").path("series").get(0).path("modality").asText()).isEqualTo("CR");
    }

    @Test
    void deniesWhenTheServiceSaysDeny() {
        answer = q -> "{\"decision\": \"deny\", \"reason\": \"not enrolled\"}";

        AccessDecision decision = policy(Duration.ZERO).decide(REFERRAL, "daughter", ANKLE);
        assertThat(decision.permitted()).isFalse();
        assertThat(decision.reason()).isEqualTo("not enrolled");
        assertThat(policy(Duration.ZERO).permitsPatient(REFERRAL, "son")).isFalse();
    }

    @Test
    void withholdsTheSeriesTheServiceNames() {
        answer = q -> "{\"decision\": \"permit\", \"deniedSeries\": [\"1.2.3.2\"]}";

        AccessDecision decision = policy(Duration.ZERO).decide(REFERRAL, "daughter", CARDIAC);
        assertThat(decision.permitsSeries("1.2.3.1")).isTrue();
        assertThat(decision.permitsWholeStudy()).isFalse();
    }

    @Test
    void failsClosedWhenTheServiceIsDown() {
        DecisionServicePolicy policy = policy(Duration.ofSeconds(30));
        server.stop(0);

        assertThatThrownBy(() -> policy.decide(REFERRAL, "daughter", ANKLE))
                .isInstanceOf(ImagingException.UpstreamFailure.class)
                .hasMessageContaining("access decision service")
                .satisfies(e -> assertThat(((ImagingException) e).status()).isEqualTo(502));
        assertThatThrownBy(() -> policy.permitsPatient(REFERRAL, "daughter")).isInstanceOf(ImagingException.UpstreamFailure.class);
    }

    @Test
    void failsClosedOnAnErrorStatusOrAnAnswerWithoutDecision() {
        status = 500;
        assertThatThrownBy(() -> policy(Duration.ZERO).decide(REFERRAL, "daughter", ANKLE))
                .isInstanceOf(ImagingException.UpstreamFailure.class);
        status = 200;
        answer = q -> "{\"decision\": \"maybe\"}";
        assertThatThrownBy(() -> policy(Duration.ZERO).decide(REFERRAL, "daughter", ANKLE))
                .isInstanceOf(ImagingException.UpstreamFailure.class);
        answer = q -> "not json";
        assertThatThrownBy(() -> policy(Duration.ZERO).decide(REFERRAL, "daughter", ANKLE))
                .isInstanceOf(ImagingException.UpstreamFailure.class);
    }

    @Test
    void cachedDecisionsAreReusedUntilTheyExpire() {
        DecisionServicePolicy policy = policy(Duration.ofSeconds(30));

        policy.decide(REFERRAL, "daughter", ANKLE);
        answer = q -> "{\"decision\": \"deny\", \"reason\": \"revoked\"}";
        assertThat(policy.decide(REFERRAL, "daughter", ANKLE).permitted()).isTrue();
        assertThat(questions).hasSize(1);

        clock.advance(Duration.ofSeconds(31));
        assertThat(policy.decide(REFERRAL, "daughter", ANKLE).permitted()).isFalse();
        assertThat(questions).hasSize(2);
    }

    @Test
    void failuresAreNotCached() {
        DecisionServicePolicy policy = policy(Duration.ofSeconds(30));
        status = 503;
        assertThatThrownBy(() -> policy.decide(REFERRAL, "daughter", ANKLE)).isInstanceOf(ImagingException.UpstreamFailure.class);
        status = 200;

        assertThat(policy.decide(REFERRAL, "daughter", ANKLE).permitted()).isTrue();
    }

    @Test
    void differentGrantsAreDecidedApart() {
        DecisionServicePolicy policy = policy(Duration.ofSeconds(30));
        answer = q -> q.path("grant").path("client_id").asText().equals("referral")
                ? "{\"decision\": \"permit\"}" : "{\"decision\": \"deny\"}";

        assertThat(policy.decide(REFERRAL, "daughter", ANKLE).permitted()).isTrue();
        assertThat(policy.decide(RulesPolicyTest.backend("other"), "daughter", ANKLE).permitted()).isFalse();
        assertThat(Set.copyOf(questions)).hasSize(2);
    }
}
