package org.smartimaging.engine;

import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
import org.smartimaging.spi.StudyQuery;
import org.smartimaging.spi.StudyRecord;

/**
 * {@code GET {fhir base}/ImagingStudy?patient=...}: authorise, bind the patient, find the studies,
 * and answer a searchset Bundle whose endpoints carry study tokens.
 */
final class ImagingStudySearch {

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

        List<StudyRecord> studies = params.identifierMatchesNothing() ? List.of() : findStudies(site, admitted, params);
        audit.studies(studies.stream().map(StudyRecord::studyInstanceUid).toList());
        return ImagingResponse.text(200, Fhir.JSON_CONTENT_TYPE, Fhir.toJson(bundle(site, urls, request, grant, patientId, params, studies)),
                Map.of());
    }

    private List<StudyRecord> findStudies(Site site, AccessCheck.Admitted admitted, SearchParameters params) {
        AccessGrant grant = admitted.grant();
        String patientId = admitted.patientId();
        int limit = params.count() == null ? maxStudies : Math.min(params.count(), maxStudies);
        if (limit == 0) {
            return List.of();
        }
        StudyQuery query;
        if (site.config().lookup() == Lookup.ALL_STUDIES_ON_SERVER) {
            query = StudyQuery.allStudies(limit);
        } else {
            if (patientId == null) {
                throw new ImagingException.BadRequest("The search needs a patient parameter: ImagingStudy?patient={id}");
            }
            Patient patient = site.patientResolver().resolve(patientId, grant);
            Optional<String> mrn = site.mrnSelector().mrnOf(patient);
            if (mrn.isEmpty()) {
                return List.of();
            }
            query = StudyQuery.byMrn(mrn.get(), limit);
        }
        if (params.studyInstanceUid() != null) {
            query = query.withStudyInstanceUid(params.studyInstanceUid());
        }
        StudyQuery asked = query;
        return site.imageSource().findStudies(query).stream()
                // a source that answers more than asked never widens the search to another patient
                .filter(study -> asked.allStudiesOnServer() || asked.patientMrn().equals(study.patientId()))
                .filter(study -> params.studyInstanceUid() == null || params.studyInstanceUid().equals(study.studyInstanceUid()))
                .filter(study -> params.matchesLastUpdated(study.lastUpdatedOrStarted()))
                // the policy last: omitted studies take their Endpoints with them; denied series are left out
                .map(study -> AccessCheck.visible(study, admitted.decide(study)))
                .flatMap(Optional::stream)
                .sorted(Comparator.comparing(StudyRecord::started, Comparator.nullsLast(Comparator.reverseOrder()))
                        .thenComparing(StudyRecord::studyInstanceUid))
                .limit(limit)
                .toList();
    }

    private Bundle bundle(Site site, Urls urls, ImagingRequest request, AccessGrant grant, String patientId,
            SearchParameters params, List<StudyRecord> studies) {
        Bundle bundle = new Bundle();
        bundle.setType(BundleType.SEARCHSET);
        bundle.setTotal(studies.size());
        bundle.getMeta().setLastUpdated(Date.from(clock.instant()));
        bundle.addLink().setRelation("self").setUrl(urls.requestUrl(request));
        for (StudyRecord study : studies) {
            String token = studyTokens.issue(site.config(), patientId, grant, study.studyInstanceUid());
            Endpoint endpoint = ImagingStudyMapper.wadoEndpoint(study.studyInstanceUid(), urls.wadoBase(token),
                    site.config().requiresAccessToken());
            // With checks off and every study on the server, ?patient named no owner: each study keeps its own.
            boolean ownedByPatient = patientId != null
                    && !(site.config().disableAuthzChecks() && site.config().lookup() == Lookup.ALL_STUDIES_ON_SERVER);
            Reference subject = ownedByPatient ? new Reference("Patient/" + patientId) : logicalSubject(study);
            ImagingStudy imagingStudy;
            if (params.includeEndpoints()) {
                imagingStudy = ImagingStudyMapper.imagingStudy(study, subject, new Reference("Endpoint/" + endpoint.getIdPart()));
            } else {
                endpoint.setId("wado");
                imagingStudy = ImagingStudyMapper.imagingStudy(study, subject, new Reference("#wado"));
                imagingStudy.addContained(endpoint);
            }
            bundle.addEntry().setFullUrl(urls.fhirBase() + "/ImagingStudy/" + study.studyInstanceUid())
                    .setResource(imagingStudy).getSearch().setMode(SearchEntryMode.MATCH);
            if (params.includeEndpoints()) {
                bundle.addEntry().setFullUrl(urls.fhirBase() + "/Endpoint/" + endpoint.getIdPart())
                        .setResource(endpoint).getSearch().setMode(SearchEntryMode.INCLUDE);
            }
        }
        return bundle;
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
