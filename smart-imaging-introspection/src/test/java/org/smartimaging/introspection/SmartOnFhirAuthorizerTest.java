package org.smartimaging.introspection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.smartimaging.spi.AccessGrant;
import org.smartimaging.spi.Authorizer;
import org.smartimaging.spi.ImagingException;
import org.smartimaging.testing.MutableClock;

/** {@code smart-on-fhir} against a real oidc-provider and a real HAPI FHIR server. */
class SmartOnFhirAuthorizerTest {

    private static TestEhr ehr;

    @BeforeAll
    static void startEhr() throws Exception {
        ehr = TestEhr.start(SmartOnFhirVariant.STANDARD);
    }

    @AfterAll
    static void stopEhr() throws Exception {
        if (ehr != null) {
            ehr.close();
        }
    }

    /** A fresh clock gives a fresh EHR connection (no backend token held yet), for counting. */
    private static Authorizer freshAuthorizer(ObjectNode section) {
        return TestEhr.authorizer(section, new MutableClock());
    }

    @Test
    void grantsThePatientOfAnActiveToken() {
        // given
        Authorizer authorizer = freshAuthorizer(ehr.authorizationSection());
        String token = ehr.tokenFor("A");

        // when
        AccessGrant grant = authorizer.authorize(token);

        // then
        assertThat(grant.patientId()).isEqualTo("A");
        assertThat(grant.scopes()).contains("patient/ImagingStudy.rs", "launch/patient");
        assertThat(grant.clientId()).isEqualTo(TestEhr.VIEWER);
        assertThat(grant.expiresAt()).isBetween(Instant.now().plusSeconds(3500), Instant.now().plusSeconds(3700));
    }

    @Test
    void normalisesPatientReferencesToTheFhirId() {
        Authorizer authorizer = freshAuthorizer(ehr.authorizationSection());

        assertThat(authorizer.authorize(ehr.tokenFor("Patient/A")).patientId()).isEqualTo("A");
        assertThat(authorizer.authorize(ehr.tokenFor(ehr.fhir.baseUrl() + "/Patient/B")).patientId()).isEqualTo("B");
    }

    @Test
    void signsTheBackendTokenRequestWithAnRs384KeyToo() {
        Authorizer authorizer = freshAuthorizer(ehr.rsaAuthorizationSection());

        assertThat(authorizer.authorize(ehr.tokenFor("A")).patientId()).isEqualTo("A");
    }

    @Test
    void authenticatesWithAClientSecretWhenConfiguredSo() {
        ObjectNode section = ehr.authorizationSection();
        section.putObject("client").put("client_id", TestEhr.IMAGING_SECRET_CLIENT).put("client_secret", TestEhr.IMAGING_SECRET);

        assertThat(freshAuthorizer(section).authorize(ehr.tokenFor("A")).patientId()).isEqualTo("A");
    }

    @Test
    void acceptsTheConfiguredIssuerAndAudience() {
        ObjectNode section = ehr.authorizationSection()
                .put("issuer", ehr.oauth.issuer().toString())
                .put("audience", ehr.fhir.baseUrl().toString());

        assertThat(freshAuthorizer(section).authorize(ehr.tokenFor("A")).patientId()).isEqualTo("A");
    }

    @Test
    void rejectsATokenOfAnotherIssuer() {
        ObjectNode section = ehr.authorizationSection().put("issuer", "https://other-as.example.org");

        var refused = catchThrowableOfType(() -> freshAuthorizer(section).authorize(ehr.tokenFor("A")),
                ImagingException.Unauthorized.class);
        assertThat(refused.error()).isEqualTo("invalid_token");
        assertThat(refused.getMessage()).contains("not issued by this server's authorization server");
    }

    @Test
    void rejectsATokenForAnotherResourceServer() {
        ObjectNode section = ehr.authorizationSection().put("audience", "https://imaging.example.org/fhir");

        var refused = catchThrowableOfType(() -> freshAuthorizer(section).authorize(ehr.tokenFor("A")),
                ImagingException.Unauthorized.class);
        assertThat(refused.getMessage()).contains("not issued for use at this server");
    }

    @Test
    void byDefaultAnAudienceMustBeTheEhrsFhirBase() {
        // the test EHR issues its tokens for its FHIR base, so a config naming another EHR base refuses them
        ObjectNode section = ehr.authorizationSection();

        assertThat(freshAuthorizer(section).authorize(ehr.tokenFor("A")).patientId()).isEqualTo("A");
    }

    @Test
    void rejectsARequestWithoutToken() {
        Authorizer authorizer = freshAuthorizer(ehr.authorizationSection());

        var missing = catchThrowableOfType(() -> authorizer.authorize(null), ImagingException.Unauthorized.class);
        assertThat(missing.status()).isEqualTo(401);
        assertThat(missing.error()).isNull();
        assertThatThrownBy(() -> authorizer.authorize(" ")).isInstanceOf(ImagingException.Unauthorized.class);
    }

    @Test
    void rejectsATokenTheServerDoesNotKnow() {
        Authorizer authorizer = freshAuthorizer(ehr.authorizationSection());

        var unknown = catchThrowableOfType(() -> authorizer.authorize("not-a-token-it-ever-issued"), ImagingException.Unauthorized.class);
        assertThat(unknown.error()).isEqualTo("invalid_token");
    }

    @Test
    void remembersAnInactiveAnswerBriefly() {
        MutableClock clock = new MutableClock();
        Authorizer authorizer = TestEhr.authorizer(ehr.authorizationSection(), clock);
        ehr.oauth.resetCounts();

        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> authorizer.authorize("dead-token")).isInstanceOf(ImagingException.Unauthorized.class);
        }
        assertThat(ehr.oauth.count("introspection")).isEqualTo(1);

        clock.advance(SmartOnFhirAuthorizer.INACTIVE_TTL.plusSeconds(1));
        assertThatThrownBy(() -> authorizer.authorize("dead-token")).isInstanceOf(ImagingException.Unauthorized.class);
        assertThat(ehr.oauth.count("introspection")).isEqualTo(2);
    }

    @Test
    void reusesAnActiveAnswerAtMostTheConfiguredTime() {
        MutableClock clock = new MutableClock();
        Authorizer authorizer = TestEhr.authorizer(ehr.authorizationSection().put("introspectionCacheSeconds", 60), clock);
        String token = ehr.tokenFor("A");
        ehr.oauth.resetCounts();

        authorizer.authorize(token);
        clock.advance(Duration.ofSeconds(30));
        authorizer.authorize(token);
        assertThat(ehr.oauth.count("introspection")).isEqualTo(1);

        clock.advance(Duration.ofSeconds(31));
        authorizer.authorize(token);
        assertThat(ehr.oauth.count("introspection")).isEqualTo(2);
    }

    @Test
    void rejectsAMalformedTokenWithoutAskingTheServer() {
        Authorizer authorizer = freshAuthorizer(ehr.authorizationSection());
        int before = ehr.oauth.count("introspection");

        var malformed = catchThrowableOfType(() -> authorizer.authorize("two words"), ImagingException.Unauthorized.class);

        assertThat(malformed.error()).isEqualTo("invalid_request");
        assertThat(ehr.oauth.count("introspection")).isEqualTo(before);
    }

    @Test
    void rejectsARevokedToken() {
        Authorizer authorizer = freshAuthorizer(ehr.authorizationSection());
        String token = ehr.tokenFor("A");
        ehr.oauth.revoke(token, TestEhr.VIEWER, null);

        var revoked = catchThrowableOfType(() -> authorizer.authorize(token), ImagingException.Unauthorized.class);

        assertThat(revoked.error()).isEqualTo("invalid_token");
    }

    @Test
    void rejectsATokenTheServerReportsExpired() throws Exception {
        Authorizer authorizer = freshAuthorizer(ehr.authorizationSection());
        String token = ehr.oauth.issue(TestEhr.VIEWER, "alice", TestEhr.IMAGING_SCOPES, "A", 1);
        Thread.sleep(1_500);

        assertThatThrownBy(() -> authorizer.authorize(token)).isInstanceOf(ImagingException.Unauthorized.class);
    }

    @Test
    void rejectsACachedTokenOnceItsExpPasses() {
        // given a token valid for 2 minutes, checked once
        MutableClock clock = new MutableClock();
        Authorizer authorizer = TestEhr.authorizer(ehr.authorizationSection(), clock);
        String token = ehr.oauth.issue(TestEhr.VIEWER, "alice", TestEhr.IMAGING_SCOPES, "A", 120);
        assertThat(authorizer.authorize(token).patientId()).isEqualTo("A");

        // when its exp passes
        clock.advance(Duration.ofSeconds(125));

        // then
        var expired = catchThrowableOfType(() -> authorizer.authorize(token), ImagingException.Unauthorized.class);
        assertThat(expired.error()).isEqualTo("invalid_token");
    }

    @Test
    void refusesATokenWithoutPatientContext() {
        Authorizer authorizer = freshAuthorizer(ehr.authorizationSection());
        String token = ehr.oauth.issue(TestEhr.VIEWER, "carol-without-patient", "patient/ImagingStudy.rs", null, 600);

        var forbidden = catchThrowableOfType(() -> authorizer.authorize(token), ImagingException.Forbidden.class);

        assertThat(forbidden.status()).isEqualTo(403);
    }

    @Test
    void grantsATokenWithoutPatientWhenBackendServicesAreAllowed() {
        ObjectNode section = ehr.authorizationSection().put("allowBackendServices", true);
        String token = ehr.oauth.issue(TestEhr.VIEWER, "carol-without-patient", "patient/ImagingStudy.rs", null, 600);

        AccessGrant grant = freshAuthorizer(section).authorize(token);

        assertThat(grant.hasPatient()).isFalse();
        assertThat(grant.scopes()).containsExactly("patient/ImagingStudy.rs");
    }

    @Test
    void twoHundredRequestsWithOneTokenCostOneIntrospectionAndOneBackendToken() {
        // given
        Authorizer authorizer = freshAuthorizer(ehr.authorizationSection());
        String token = ehr.tokenFor("A");
        ehr.oauth.resetCounts();

        // when
        for (int i = 0; i < 200; i++) {
            assertThat(authorizer.authorize(token).patientId()).isEqualTo("A");
        }

        // then, counted at the authorization server
        assertThat(ehr.oauth.count("introspection")).isEqualTo(1);
        assertThat(ehr.oauth.count("token")).isEqualTo(1);
    }

    @Test
    void concurrentRequestsWithOneTokenShareOneIntrospection() throws Exception {
        // given
        Authorizer authorizer = freshAuthorizer(ehr.authorizationSection());
        authorizer.authorize(ehr.tokenFor("B")); // discovery and backend token out of the way
        String token = ehr.tokenFor("A");
        ehr.oauth.resetCounts();
        int threads = 16;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        try {
            // when
            List<Future<AccessGrant>> grants = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                grants.add(pool.submit(() -> {
                    start.await();
                    return authorizer.authorize(token);
                }));
            }
            start.countDown();

            // then
            for (Future<AccessGrant> grant : grants) {
                assertThat(grant.get().patientId()).isEqualTo("A");
            }
            assertThat(ehr.oauth.count("introspection")).isEqualTo(1);
            assertThat(ehr.oauth.count("token")).isZero();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void reusesTheBackendTokenAcrossAppTokens() {
        Authorizer authorizer = freshAuthorizer(ehr.authorizationSection());
        ehr.oauth.resetCounts();

        for (int i = 0; i < 5; i++) {
            authorizer.authorize(ehr.tokenFor("A"));
        }

        assertThat(ehr.oauth.count("introspection")).isEqualTo(5);
        assertThat(ehr.oauth.count("token")).isEqualTo(1);
    }

    @Test
    void fetchesANewBackendTokenShortlyBeforeTheOldOneExpires() {
        MutableClock clock = new MutableClock();
        Authorizer authorizer = TestEhr.authorizer(ehr.authorizationSection(), clock);
        ehr.oauth.resetCounts();
        authorizer.authorize(ehr.tokenFor("A"));

        clock.advance(Duration.ofSeconds(3600 - 10)); // the server's backend tokens live an hour
        authorizer.authorize(ehr.oauth.issue(TestEhr.VIEWER, "alice", TestEhr.IMAGING_SCOPES, "A", 7200));

        assertThat(ehr.oauth.count("token")).isEqualTo(2);
    }

    @Test
    void passesTheEhrsEndpointsOnToApps() {
        Authorizer authorizer = freshAuthorizer(ehr.authorizationSection());

        var configuration = authorizer.smartConfiguration();

        assertThat(configuration.get("authorization_endpoint")).isEqualTo(ehr.oauth.uri("/auth").toString());
        assertThat(configuration.get("token_endpoint")).isEqualTo(ehr.oauth.uri("/token").toString());
        assertThat(configuration).containsKey("capabilities").doesNotContainKey("introspection_endpoint");
    }

    @Test
    void failsWithUpstreamFailureNeverAGrantWhenTheBackendClientIsRefused() throws Exception {
        ObjectNode section = ehr.authorizationSection();
        var otherKey = TestEhr.anotherKey();
        ((ObjectNode) section.get("client")).set("jwk", TestEhr.JSON.valueToTree(otherKey.toPublicJWK().toJSONObject()));
        ((ObjectNode) section.get("client")).set("jwkPrivate", TestEhr.JSON.valueToTree(otherKey.toJSONObject()));

        var failure = catchThrowableOfType(
                () -> freshAuthorizer(section).authorize(ehr.tokenFor("A")), ImagingException.UpstreamFailure.class);

        assertThat(failure.status()).isEqualTo(502);
        assertThat(failure.getMessage()).contains("backend token").doesNotContain("eyJ");
    }

    @Test
    void failsQuicklyWithUpstreamFailureWhenTheEhrIsDown() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        ObjectNode section = ehr.authorizationSection().put("fhirBaseUrl", "http://127.0.0.1:" + closedPort + "/fhir");
        Authorizer authorizer = freshAuthorizer(section);

        long started = System.nanoTime();
        var failure = catchThrowableOfType(() -> authorizer.authorize("some-token"), ImagingException.UpstreamFailure.class);

        assertThat(failure.status()).isEqualTo(502);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
    }
}
