package org.smartimaging.engine;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.smartimaging.config.ImagingConfig;
import org.smartimaging.engine.ScopePolicy.Access;
import org.smartimaging.spi.AccessDecision;
import org.smartimaging.spi.ImagingException;
import org.smartimaging.spi.Retrieval;
import org.smartimaging.spi.RetrieveRequest;
import org.smartimaging.spi.StudyQuery;
import org.smartimaging.spi.StudyRecord;
import org.smartimaging.token.StudyToken;

/**
 * {@code GET {wado base}/studies/...}: verify the study token (and, when it is token-bound, the
 * access token for the same patient), then stream what the image source answers.
 */
final class WadoRetrieval {

    private final StudyTokens studyTokens;
    private final Clock clock;

    WadoRetrieval(StudyTokens studyTokens, Clock clock) {
        this.studyTokens = studyTokens;
        this.clock = clock;
    }

    ImagingResponse retrieve(Site site, Route.Wado route, ImagingRequest request, RequestAudit audit) {
        ImagingConfig config = site.config();
        Admission admission = admit(site, route.studyToken(), route.study(), request, audit);
        admission.requirePermitted(site, route.study(), route.series());

        Duration wait = config.delay().retrieveWait(clock.instant());
        if (!wait.isZero()) {
            throw new ImagingException.RetryLater(wait, "The image source is still retrieving the study");
        }
        RetrieveRequest retrieveRequest = new RetrieveRequest(route.study(), route.series(), route.instance(), route.resource(),
                route.frames(), request.header().apply("Accept"), request.query(), route.attributePath(),
                Urls.of(request, route.site(), null).wadoBase(route.studyToken()));
        Retrieval retrieval = site.imageSource().retrieve(retrieveRequest);
        if (retrieval instanceof Retrieval.Pending pending) {
            throw new ImagingException.RetryLater(pending.retryAfter(), "The study is being retrieved from the archive; try again shortly");
        }
        return Caching.apply(ImagingResponse.of(((Retrieval.Ready) retrieval).body()), request, route.instance() != null,
                admission.until(), clock.instant());
    }

    /**
     * A request that passed: its study token, until when what it was given may be reused (the
     * capability's expiry, or the access token's when that comes first), and, when it is
     * token-bound, the admitted grant whose policy decides each study.
     *
     * @param admitted {@code null} for a bearer capability, whose studies the policy bounded when it was issued
     */
    record Admission(StudyToken token, Instant until, AccessCheck.Admitted admitted) {

        /** The policy's decision on a study, or "permit" when none is asked (bearer capabilities, default policy). */
        AccessDecision decide(StudyRecord study) {
            return admitted == null ? AccessDecision.permit() : admitted.decide(study);
        }

        /** Refuses the retrieval when the policy denies the study, or the part of it asked for. */
        void requirePermitted(Site site, String study, String series) {
            // The default policy permits every study of a permitted patient: no need to look the study up.
            if (admitted == null || admitted.policy() == PatientContextPolicy.INSTANCE) {
                return;
            }
            StudyRecord record = site.imageSource().findStudies(new StudyQuery(null, study, 1)).stream()
                    .filter(found -> found.studyInstanceUid().equals(study))
                    .findFirst()
                    .orElseThrow(() -> new ImagingException.NotFound("No such study"));
            AccessCheck.requirePermitted(decide(record), series);
        }
    }

    /**
     * Everything below a WADO base passes here first: the study token verifies, binds this
     * configuration and (when {@code study} is given) grants that study, and, when it is
     * token-bound, the access token passes the access check for the patient it was issued for.
     *
     * @param study the study of the path, or {@code null} for a QIDO-RS search across the token's studies
     */
    Admission admit(Site site, String studyToken, String study, ImagingRequest request, RequestAudit audit) {
        ImagingConfig config = site.config();
        StudyToken token = study == null ? studyTokens.verify(config, studyToken) : studyTokens.verify(config, studyToken, study);
        audit.capability(token);
        Instant until = token.expiresAt();
        AccessCheck.Admitted admitted = null;
        // A config switched to token-bound stops honouring its older capability URLs.
        if (token.requiresAccessToken() || config.requiresAccessToken()) {
            admitted = AccessCheck.admit(site, request, token.patientId(), Access.READ, audit);
            Instant grantEnds = admitted.grant().expiresAt();
            if (grantEnds != null && grantEnds.isBefore(until)) {
                until = grantEnds;
            }
        }
        return new Admission(token, until, admitted);
    }
}
