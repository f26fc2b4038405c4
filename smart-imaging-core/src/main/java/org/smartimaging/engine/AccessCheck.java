package org.smartimaging.engine;

import java.util.List;
import java.util.Optional;
import org.smartimaging.config.ImagingConfig;
import org.smartimaging.engine.ScopePolicy.Access;
import org.smartimaging.spi.AccessDecision;
import org.smartimaging.spi.AccessGrant;
import org.smartimaging.spi.AccessPolicy;
import org.smartimaging.spi.ImagingException;
import org.smartimaging.spi.SeriesRecord;
import org.smartimaging.spi.StudyRecord;

/**
 * The one access-check step that searches and retrievals share (DESIGN.md section 1, step 3),
 * in this order: the token becomes a grant; the grant's mode is one this site serves; it carries
 * an ImagingStudy scope of its own context; the patient is the one in context (app launch) and the
 * access policy permits the patient (both modes). What passes is an {@link Admitted} request,
 * which asks the policy about each study.
 */
final class AccessCheck {

    private AccessCheck() {}

    /**
     * What of a study a decision lets a client see: nothing, the study minus its denied series, or
     * all of it.
     */
    static Optional<StudyRecord> visible(StudyRecord study, AccessDecision decision) {
        if (!decision.permitted()) {
            return Optional.empty();
        }
        if (decision.deniedSeries().isEmpty()) {
            return Optional.of(study);
        }
        List<SeriesRecord> series = study.series().stream()
                .filter(s -> decision.permitsSeries(s.seriesInstanceUid()))
                .toList();
        return Optional.of(new StudyRecord(study.studyInstanceUid(), study.patientId(), study.patientName(), study.started(),
                study.lastUpdated(), study.description(), study.accessionNumber(), series));
    }

    /**
     * Refuses a retrieval that touches anything the decision denies: a study-level request needs
     * the whole study permitted ("a full-study request SHALL NOT return a successful partial
     * study"), a series- or instance-level request its series.
     *
     * @param series the series of the request, or {@code null} for a study-level request
     */
    static void requirePermitted(AccessDecision decision, String series) {
        if (!decision.permitted()) {
            throw new ImagingException.Forbidden("Access to this study is not permitted"
                    + (decision.reason() != null ? ": " + decision.reason() : ""));
        }
        if (series == null ? !decision.permitsWholeStudy() : !decision.permitsSeries(series)) {
            throw new ImagingException.Forbidden(series == null
                    ? "Part of this study is not permitted, so the whole-study request is refused"
                    : "Access to this series is not permitted");
        }
    }

    /** A request that passed the grant and patient checks; studies are decided one by one. */
    record Admitted(AccessGrant grant, String patientId, AccessPolicy policy) {

        AccessDecision decide(StudyRecord study) {
            return policy.decide(grant, patientId, study);
        }
    }

    /**
     * @param requestedPatient the FHIR patient the request is about: the search's {@code patient},
     *     or the patient a capability was issued for
     * @throws ImagingException.Unauthorized for a missing, inactive or expired token
     * @throws ImagingException.Forbidden when the grant does not reach the patient
     */
    static Admitted admit(Site site, ImagingRequest request, String requestedPatient, Access access, RequestAudit audit) {
        ImagingConfig config = site.config();
        AccessGrant grant = site.authorizer().authorize(BearerToken.from(request.header().apply("Authorization")));
        audit.grant(grant); // before any refusal, so that a denial names the client and user
        if (config.disableAuthzChecks()) {
            return new Admitted(grant, requestedPatient != null ? requestedPatient : grant.patientId(), site.accessPolicy());
        }
        if (grant.mode() == AccessGrant.Mode.BACKEND_SERVICES && !config.backendServices()) {
            throw new ImagingException.Forbidden("This server does not run SMART Backend Services mode: "
                    + "a token without patient context grants no imaging access here");
        }
        ScopePolicy.require(grant, access);
        if (requestedPatient == null) {
            throw new ImagingException.BadRequest("The search needs a patient parameter: ImagingStudy?patient={id}");
        }
        if (grant.mode() == AccessGrant.Mode.APP_LAUNCH
                && (!grant.hasPatient() || !grant.patientId().equals(requestedPatient))) {
            throw new ImagingException.Forbidden("The access token is not for this patient");
        }
        if (!site.accessPolicy().permitsPatient(grant, requestedPatient)) {
            throw new ImagingException.Forbidden("This patient is outside the client's authorized access");
        }
        return new Admitted(grant, requestedPatient, site.accessPolicy());
    }
}
