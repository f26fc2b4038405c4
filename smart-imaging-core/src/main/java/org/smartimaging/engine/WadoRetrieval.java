package org.smartimaging.engine;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.smartimaging.config.ImagingConfig;
import org.smartimaging.engine.ScopePolicy.Access;
import org.smartimaging.spi.AccessGrant;
import org.smartimaging.spi.ImagingException;
import org.smartimaging.spi.Retrieval;
import org.smartimaging.spi.RetrieveRequest;
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
     * A request that passed: its study token, and until when what it was given may be reused
     * (the capability's expiry, or the access token's when that comes first).
     */
    record Admission(StudyToken token, Instant until) {}

    /**
     * Everything below a WADO base passes here first: the study token verifies, binds this
     * configuration and (when {@code study} is given) grants that study, and, when it is
     * token-bound, the access token is for the same patient.
     *
     * @param study the study of the path, or {@code null} for a QIDO-RS search across the token's studies
     */
    Admission admit(Site site, String studyToken, String study, ImagingRequest request, RequestAudit audit) {
        ImagingConfig config = site.config();
        StudyToken token = study == null ? studyTokens.verify(config, studyToken) : studyTokens.verify(config, studyToken, study);
        audit.capability(token);
        Instant until = token.expiresAt();
        // A config switched to token-bound stops honouring its older capability URLs.
        if (token.requiresAccessToken() || config.requiresAccessToken()) {
            AccessGrant grant = site.authorizer().authorize(BearerToken.from(request.header().apply("Authorization")));
            audit.grant(grant);
            if (!config.disableAuthzChecks()) {
                ScopePolicy.require(grant, Access.READ);
                if (grant.hasPatient() && !grant.patientId().equals(token.patientId())) {
                    throw new ImagingException.Forbidden("The access token is not for the patient this study URL was issued to");
                }
            }
            if (grant.expiresAt() != null && grant.expiresAt().isBefore(until)) {
                until = grant.expiresAt();
            }
        }
        return new Admission(token, until);
    }
}
