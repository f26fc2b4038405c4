package org.smartimaging.engine;

import java.time.Clock;
import java.time.Duration;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleType;
import org.hl7.fhir.r4.model.Bundle.SearchEntryMode;
import org.hl7.fhir.r4.model.Endpoint;
import org.hl7.fhir.r4.model.ImagingStudy;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.smartimaging.config.ImagingConfig;
import org.smartimaging.config.Lookup;
import org.smartimaging.engine.ScopePolicy.Access;
import org.smartimaging.fhir.Fhir;
import org.smartimaging.fhir.ImagingStudyMapper;
import org.smartimaging.spi.AccessGrant;
import org.smartimaging.spi.ImagingException;
import org.smartimaging.spi.StudyCursor;
import org.smartimaging.spi.StudyQuery;
import org.smartimaging.spi.StudyRecord;

/**
 * {@code GET {fhir base}/ImagingStudy?patient=...}: authorise, bind the patient, find the studies,
 * and answer a searchset Bundle whose endpoints carry study tokens.
 */
final class ImagingStudySearch {

    /** How often one page asks the source again for studies the conditions or the policy dropped. */
    static final int MAX_ROUNDS = 8;

    private final StudyTokens studyTokens;
    private final int maxStudies;
    private final Clock clock;

    ImagingStudySearch(StudyTokens studyTokens, int maxStudies, Clock clock) {
        this.studyTokens = studyTokens;
        this.maxStudies = maxStudies;
        this.clock = clock;
    }

    ImagingResponse search(Site site, Urls urls, ImagingRequest request, RequestAudit audit) {
        ImagingConfig config = site.config();
        SearchParameters params = SearchParameters.parse(request.query());
        audit.patient(params.patientId());
        AccessCheck.Admitted admitted = AccessCheck.admit(site, request, params.patientId(), Access.SEARCH, audit);
        AccessGrant grant = admitted.grant();
        String patientId = admitted.patientId();
        audit.patient(patientId);

        Duration wait = config.delay().lookupWait(clock.instant());
        if (!wait.isZero()) {
            throw new ImagingException.RetryLater(wait, "The image source is still preparing the study list");
        }

        Page page = params.identifierMatchesNothing() ? Page.LAST_EMPTY : findStudies(site, admitted, params);
        audit.studies(page.studies().stream().map(StudyRecord::studyInstanceUid).toList());
        return ImagingResponse.text(200, Fhir.JSON_CONTENT_TYPE,
                Fhir.toJson(bundle(site, urls, request, grant, patientId, params, page)), Map.of());
    }

    /**
     * One page of a search.
     *
     * @param next where the next page starts, or {@code null} when nothing follows
     */
    record Page(List<StudyRecord> studies, StudyCursor next) {
        static final Page LAST_EMPTY = new Page(List.of(), null);
    }

    /**
     * The page: the newest studies after the cursor that pass {@code identifier}, the exact
     * {@code _lastUpdated} conditions and the policy. The source is asked for one more than a page,
     * so the answer knows whether a next page exists; what the conditions or the policy drop is
     * made up by asking again after the last study seen, a bounded number of times.
     */
    private Page findStudies(Site site, AccessCheck.Admitted admitted, SearchParameters params) {
        AccessGrant grant = admitted.grant();
        String patientId = admitted.patientId();
        int pageSize = params.count() == null ? maxStudies : Math.min(params.count(), maxStudies);
        if (pageSize == 0) {
            return Page.LAST_EMPTY;
        }
        StudyQuery query;
        if (site.config().lookup() == Lookup.ALL_STUDIES_ON_SERVER) {
            query = StudyQuery.allStudies(pageSize + 1);
        } else {
            if (patientId == null) {
                throw new ImagingException.BadRequest("The search needs a patient parameter: ImagingStudy?patient={id}");
            }
            Patient patient = site.patientResolver().resolve(patientId, grant);
            Optional<String> mrn = site.mrnSelector().mrnOf(patient);
            if (mrn.isEmpty()) {
                return Page.LAST_EMPTY;
            }
            query = StudyQuery.byMrn(mrn.get(), pageSize + 1);
        }
        query = query.withStudyInstanceUid(params.studyInstanceUid()).withUpdated(params.updatedFrom(), params.updatedBefore());

        List<StudyRecord> kept = new ArrayList<>();
        StudyCursor seen = params.cursor();
        boolean exhausted = false;
        for (int round = 0; round < MAX_ROUNDS && kept.size() <= pageSize; round++) {
            int want = pageSize + 1 - kept.size();
            List<StudyRecord> found = site.imageSource().findStudies(query.withLimit(want).after(seen)).stream()
                    .sorted(StudyCursor.NEWEST_FIRST)
                    .toList();
            boolean progressed = false;
            for (StudyRecord study : found) {
                // a source that ignores the cursor must not repeat earlier pages
                if (seen != null && !seen.precedes(study)) {
                    continue;
                }
                progressed = true;
                seen = StudyCursor.after(study);
                // a source that answers more than asked never widens the search to another patient
                boolean patientsStudy = query.allStudiesOnServer() || query.patientMrn().equals(study.patientId());
                if (patientsStudy
                        && (params.studyInstanceUid() == null || params.studyInstanceUid().equals(study.studyInstanceUid()))
                        && params.matchesLastUpdated(study.lastUpdatedOrStarted())) {
                    // the policy last: omitted studies take their Endpoints with them; denied series are left out
                    AccessCheck.visible(study, admitted.decide(study)).ifPresent(kept::add);
                }
            }
            if (found.size() < want || !progressed) {
                exhausted = true;
                break;
            }
        }
        if (kept.size() > pageSize) {
            List<StudyRecord> studies = List.copyOf(kept.subList(0, pageSize));
            return new Page(studies, StudyCursor.after(studies.get(pageSize - 1)));
        }
        return new Page(List.copyOf(kept), exhausted ? null : seen);
    }

    private Bundle bundle(Site site, Urls urls, ImagingRequest request, AccessGrant grant, String patientId,
            SearchParameters params, Page page) {
        Bundle bundle = new Bundle();
        bundle.setType(BundleType.SEARCHSET);
        // The total is known only when this one page holds every match; otherwise it is left out
        // (counting would mean deciding every study of the patient).
        if (params.cursor() == null && page.next() == null) {
            bundle.setTotal(page.studies().size());
        }
        bundle.getMeta().setLastUpdated(Date.from(clock.instant()));
        bundle.addLink().setRelation("self").setUrl(urls.requestUrl(request));
        if (page.next() != null) {
            bundle.addLink().setRelation("next").setUrl(nextUrl(urls, request, page.next()));
        }
        for (StudyRecord study : page.studies()) {
            String token = studyTokens.issue(site.config(), patientId, grant, study.studyInstanceUid());
            Endpoint endpoint = ImagingStudyMapper.wadoEndpoint(study.studyInstanceUid(), urls.wadoBase(token),
                    site.config().requiresAccessToken());
            // With checks off and every study on the server, ?patient named no owner: each study keeps its own.
            boolean ownedByPatient = patientId != null
                    && !(site.config().disableAuthzChecks() && site.config().lookup() == Lookup.ALL_STUDIES_ON_SERVER);
            Reference subject = ownedByPatient ? new Reference("Patient/" + patientId) : logicalSubject(study);
            ImagingStudy imagingStudy;
            // A token-specific Endpoint exists only in this answer: a response-local entry with a
            // urn:uuid fullUrl, never a {base}/Endpoint/{id} that no server would answer.
            String endpointId = UUID.randomUUID().toString();
            String endpointUrn = "urn:uuid:" + endpointId;
            if (params.includeEndpoints()) {
                endpoint.setId(endpointId);
                imagingStudy = ImagingStudyMapper.imagingStudy(study, subject, new Reference(endpointUrn));
            } else {
                endpoint.setId("wado");
                imagingStudy = ImagingStudyMapper.imagingStudy(study, subject, new Reference("#wado"));
                imagingStudy.addContained(endpoint);
            }
            bundle.addEntry().setFullUrl(urls.fhirBase() + "/ImagingStudy/" + study.studyInstanceUid())
                    .setResource(imagingStudy).getSearch().setMode(SearchEntryMode.MATCH);
            if (params.includeEndpoints()) {
                bundle.addEntry().setFullUrl(endpointUrn)
                        .setResource(endpoint).getSearch().setMode(SearchEntryMode.INCLUDE);
            }
        }
        return bundle;
    }

    /** This search's URL with {@code _cursor} set to where the next page starts. */
    private static String nextUrl(Urls urls, ImagingRequest request, StudyCursor next) {
        StringBuilder url = new StringBuilder(urls.fhirBase()).append("/ImagingStudy?");
        new TreeMap<>(request.query()).forEach((name, values) -> {
            if (!name.equals(SearchParameters.CURSOR)) {
                values.forEach(value -> url.append(encode(name)).append('=').append(encode(value)).append('&'));
            }
        });
        return url.append(SearchParameters.CURSOR).append('=').append(next.encode()).toString();
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    /** Without a FHIR patient (open configurations), the subject is named by its DICOM PatientID. */
    private static Reference logicalSubject(StudyRecord study) {
        Reference subject = new Reference();
        if (study.patientId() != null) {
            subject.getIdentifier().setValue(study.patientId());
        }
        subject.setDisplay(study.patientName() != null ? study.patientName() : "Unknown patient");
        return subject;
    }
}
