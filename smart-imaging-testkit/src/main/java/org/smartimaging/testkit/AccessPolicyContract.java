package org.smartimaging.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.smartimaging.spi.AccessDecision;
import org.smartimaging.spi.AccessGrant;
import org.smartimaging.spi.AccessPolicy;
import org.smartimaging.spi.SeriesRecord;
import org.smartimaging.spi.StudyRecord;

/**
 * What every {@link AccessPolicy} must do, as the SPI documents it: answer every question (never
 * {@code null}), deny with a reason, fail closed for a backend client it knows nothing of, answer
 * the same question the same way, from many threads at once, and close twice. Implement
 * {@link #createPolicy()} and {@link #permittedCase()}; give {@link #deniedCase()} and
 * {@link #partlyDeniedCase()} when your policy can deny a study or some of its series.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class AccessPolicyContract {

    /** One question to a policy: a grant, the patient, and one of the patient's studies. */
    public record Case(AccessGrant grant, String patientId, StudyRecord study) {}

    private AccessPolicy policy;

    protected abstract AccessPolicy createPolicy() throws Exception;

    /** A patient and study the policy permits whole to the grant. */
    protected abstract Case permittedCase() throws Exception;

    /** A study of a permitted patient the policy denies; {@code null} if it never denies one. */
    protected Case deniedCase() throws Exception {
        return null;
    }

    /** A study the policy permits except some series; {@code null} if it never does. */
    protected Case partlyDeniedCase() throws Exception {
        return null;
    }

    @BeforeAll
    final void start() throws Exception {
        policy = createPolicy();
    }

    @AfterAll
    final void stop() {
        policy.close();
    }

    @Test
    public void permitsThePermittedStudyWhole() throws Exception {
        Case permitted = permittedCase();

        assertThat(policy.permitsPatient(permitted.grant(), permitted.patientId())).isTrue();
        AccessDecision decision = policy.decide(permitted.grant(), permitted.patientId(), permitted.study());
        assertThat(decision).isNotNull();
        assertThat(decision.permitsWholeStudy()).isTrue();
    }

    @Test
    public void deniesTheDeniedStudyAndSaysWhy() throws Exception {
        Case denied = deniedCase();
        if (denied == null) {
            return;
        }
        AccessDecision decision = policy.decide(denied.grant(), denied.patientId(), denied.study());

        assertThat(decision.permitted()).isFalse();
        assertThat(decision.permitsWholeStudy()).isFalse();
        assertThat(decision.reason()).isNotBlank();
    }

    @Test
    public void partlyDeniedStudyIsNotPermittedWholeAndNamesOnlyItsOwnSeries() throws Exception {
        Case partly = partlyDeniedCase();
        if (partly == null) {
            return;
        }
        AccessDecision decision = policy.decide(partly.grant(), partly.patientId(), partly.study());

        assertThat(decision.permitsWholeStudy()).isFalse();
        assertThat(decision.reason()).isNotBlank();
        assertThat(partly.study().series()).extracting(SeriesRecord::seriesInstanceUid).containsAll(decision.deniedSeries());
    }

    @Test
    public void aBackendClientThePolicyKnowsNothingOfReachesNoPatient() throws Exception {
        AccessGrant stranger = new AccessGrant(AccessGrant.Mode.BACKEND_SERVICES, null, Set.of("system/ImagingStudy.rs"),
                Instant.now().plusSeconds(300), "kit-unknown-client-" + UUID.randomUUID(), null);

        assertThat(policy.permitsPatient(stranger, permittedCase().patientId())).isFalse();
    }

    @Test
    public void answersTheSameQuestionTheSameWayFromManyThreads() throws Exception {
        List<Case> cases = new ArrayList<>();
        cases.add(permittedCase());
        if (deniedCase() != null) {
            cases.add(deniedCase());
        }
        if (partlyDeniedCase() != null) {
            cases.add(partlyDeniedCase());
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            for (Case c : cases) {
                AccessDecision expected = policy.decide(c.grant(), c.patientId(), c.study());
                List<Future<AccessDecision>> answers = new ArrayList<>();
                for (int i = 0; i < 32; i++) {
                    answers.add(pool.submit(() -> policy.decide(c.grant(), c.patientId(), c.study())));
                }
                for (Future<AccessDecision> answer : answers) {
                    assertThat(answer.get(60, TimeUnit.SECONDS)).isEqualTo(expected);
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    public void closeIsIdempotent() throws Exception {
        AccessPolicy another = createPolicy();

        assertThatCode(() -> {
            another.close();
            another.close();
        }).doesNotThrowAnyException();
    }
}
