package org.smartimaging.engine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.smartimaging.dicom.Attributes;
import org.smartimaging.dicom.DicomJson;
import org.smartimaging.dicom.Tag;
import org.smartimaging.dicom.VR;
import org.smartimaging.spi.ImagingException;
import org.smartimaging.spi.InstanceRecord;
import org.smartimaging.spi.SeriesRecord;
import org.smartimaging.spi.StudyQuery;
import org.smartimaging.spi.StudyRecord;
import org.smartimaging.token.StudyToken;
import org.smartimaging.wado.AcceptedMediaTypes;

/**
 * QIDO-RS below a WADO base ({@code {wado base}/studies[...]}), answered from the study records
 * every {@link org.smartimaging.spi.ImageSource} already gives, so every source answers it. The
 * token's studies are the whole universe of a search: the source is only ever asked for those, and
 * what it answers is kept only if the token grants it, whatever the matching keys say.
 */
final class QidoSearch {

    static final String CONTENT_TYPE = "application/dicom+json";
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyyMMdd").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HHmmss").withZone(ZoneOffset.UTC);

    private final WadoRetrieval access;
    private final int maxResults;
    private final Clock clock;

    QidoSearch(WadoRetrieval access, int maxResults, Clock clock) {
        this.access = access;
        this.maxResults = maxResults;
        this.clock = clock;
    }

    ImagingResponse search(Site site, Route.Qido route, ImagingRequest request, RequestAudit audit) {
        WadoRetrieval.Admission admission = access.admit(site, route.studyToken(), route.study(), request, audit);
        StudyToken token = admission.token();
        AcceptedMediaTypes.requireDicomJson(request.header().apply("Accept"));
        QidoQuery query = QidoQuery.parse(request.query(), route.level(), maxResults);
        Duration wait = site.config().delay().lookupWait(clock.instant());
        if (!wait.isZero()) {
            throw new ImagingException.RetryLater(wait, "The image source is still preparing the study list");
        }

        List<StudyRecord> studies = new ArrayList<>();
        for (String uid : studiesToAsk(token, route, query)) {
            site.imageSource().findStudies(new StudyQuery(null, uid, 1)).stream()
                    .filter(study -> study.studyInstanceUid().equals(uid)) // a source may answer more than asked
                    .findFirst()
                    .flatMap(study -> AccessCheck.visible(study, admission.decide(study)))
                    .ifPresent(studies::add);
        }
        if (route.study() != null && studies.isEmpty()) {
            throw new ImagingException.NotFound("No such study");
        }
        // the request reached this WADO base, so retrieve URLs are built from it
        String wadoBase = Urls.of(request, route.site(), null).wadoBase(route.studyToken());
        List<Attributes> matches = switch (route.level()) {
            case STUDY -> studies.stream()
                    .sorted(Comparator.comparing(StudyRecord::started, Comparator.nullsLast(Comparator.reverseOrder()))
                            .thenComparing(StudyRecord::studyInstanceUid))
                    .filter(study -> matchesStudy(query, study))
                    .map(study -> studyAttributes(study, wadoBase))
                    .toList();
            case SERIES -> series(studies.get(0), query, wadoBase);
            case INSTANCE -> instances(studies.get(0), route.series(), query, wadoBase);
        };
        return answer(matches, query, request);
    }

    /**
     * The studies a search may look at: the token's, narrowed to those the path or a
     * StudyInstanceUID key names. A UID the token does not grant is never asked for.
     */
    private static Set<String> studiesToAsk(StudyToken token, Route.Qido route, QidoQuery query) {
        Set<String> named = route.study() != null ? Set.of(route.study())
                : new LinkedHashSet<>(query.keys().getOrDefault(QidoKey.STUDY_INSTANCE_UID, List.of()));
        Set<String> granted = new TreeSet<>(token.studyInstanceUids());
        if (!named.isEmpty()) {
            granted.retainAll(named);
        }
        return granted;
    }

    private static boolean matchesStudy(QidoQuery query, StudyRecord study) {
        return query.matches(QidoKey.STUDY_INSTANCE_UID, study.studyInstanceUid())
                && query.matches(QidoKey.PATIENT_ID, study.patientId())
                && query.matches(QidoKey.PATIENT_NAME, study.patientName())
                && query.matches(QidoKey.ACCESSION_NUMBER, study.accessionNumber())
                && query.matches(QidoKey.STUDY_DESCRIPTION, study.description())
                && query.matches(QidoKey.STUDY_DATE, format(DATE, study.started()))
                && query.matches(QidoKey.STUDY_TIME, format(TIME, study.started()))
                && query.matchesAny(QidoKey.MODALITIES_IN_STUDY, study.modalities());
    }

    private static boolean matchesSeries(QidoQuery query, SeriesRecord series) {
        return query.matches(QidoKey.SERIES_INSTANCE_UID, series.seriesInstanceUid())
                && query.matches(QidoKey.MODALITY, series.modality())
                && query.matches(QidoKey.SERIES_NUMBER, series.number() == null ? null : series.number().toString())
                && query.matches(QidoKey.SERIES_DESCRIPTION, series.description());
    }

    private static boolean matchesInstance(QidoQuery query, InstanceRecord instance) {
        return query.matches(QidoKey.SOP_INSTANCE_UID, instance.sopInstanceUid())
                && query.matches(QidoKey.SOP_CLASS_UID, instance.sopClassUid())
                && query.matches(QidoKey.INSTANCE_NUMBER, instance.number() == null ? null : instance.number().toString());
    }

    private static List<Attributes> series(StudyRecord study, QidoQuery query, String wadoBase) {
        if (!matchesStudy(query, study)) {
            return List.of();
        }
        List<Attributes> matches = new ArrayList<>();
        for (SeriesRecord series : study.series()) {
            if (matchesSeries(query, series)) {
                Attributes attributes = seriesAttributes(study, series, wadoBase);
                includeStudyAttributes(attributes, study, query, wadoBase);
                matches.add(attributes);
            }
        }
        return matches;
    }

    private static List<Attributes> instances(StudyRecord study, String seriesUid, QidoQuery query, String wadoBase) {
        if (seriesUid != null && study.series().stream().noneMatch(s -> s.seriesInstanceUid().equals(seriesUid))) {
            throw new ImagingException.NotFound("No such series in this study");
        }
        if (!matchesStudy(query, study)) {
            return List.of();
        }
        List<Attributes> matches = new ArrayList<>();
        for (SeriesRecord series : study.series()) {
            if ((seriesUid != null && !series.seriesInstanceUid().equals(seriesUid)) || !matchesSeries(query, series)) {
                continue;
            }
            for (InstanceRecord instance : series.instances()) {
                if (!matchesInstance(query, instance)) {
                    continue;
                }
                String url = wadoBase + "/studies/" + study.studyInstanceUid() + "/series/" + series.seriesInstanceUid()
                        + "/instances/" + instance.sopInstanceUid();
                Attributes attributes = utf8();
                setString(attributes, Tag.SOPClassUID, VR.UI, instance.sopClassUid());
                setString(attributes, Tag.SOPInstanceUID, VR.UI, instance.sopInstanceUid());
                attributes.setString(Tag.InstanceAvailability, VR.CS, "ONLINE");
                attributes.setString(Tag.RetrieveURL, VR.UR, url);
                if (instance.number() != null) {
                    attributes.setInt(Tag.InstanceNumber, VR.IS, instance.number());
                }
                attributes.setString(Tag.StudyInstanceUID, VR.UI, study.studyInstanceUid());
                attributes.setString(Tag.SeriesInstanceUID, VR.UI, series.seriesInstanceUid());
                setString(attributes, Tag.Modality, VR.CS, series.modality());
                includeStudyAttributes(attributes, study, query, wadoBase);
                matches.add(attributes);
            }
        }
        return matches;
    }

    private static Attributes studyAttributes(StudyRecord study, String wadoBase) {
        Attributes attributes = utf8();
        setString(attributes, Tag.StudyDate, VR.DA, format(DATE, study.started()));
        setString(attributes, Tag.StudyTime, VR.TM, format(TIME, study.started()));
        setString(attributes, Tag.AccessionNumber, VR.SH, study.accessionNumber());
        attributes.setString(Tag.InstanceAvailability, VR.CS, "ONLINE");
        if (!study.modalities().isEmpty()) {
            attributes.setString(Tag.ModalitiesInStudy, VR.CS, study.modalities().toArray(String[]::new));
        }
        setString(attributes, Tag.StudyDescription, VR.LO, study.description());
        setString(attributes, Tag.PatientName, VR.PN, study.patientName());
        setString(attributes, Tag.PatientID, VR.LO, study.patientId());
        attributes.setString(Tag.RetrieveURL, VR.UR, wadoBase + "/studies/" + study.studyInstanceUid());
        attributes.setString(Tag.StudyInstanceUID, VR.UI, study.studyInstanceUid());
        attributes.setInt(Tag.NumberOfStudyRelatedSeries, VR.IS, study.series().size());
        attributes.setInt(Tag.NumberOfStudyRelatedInstances, VR.IS, study.numberOfInstances());
        return attributes;
    }

    private static Attributes seriesAttributes(StudyRecord study, SeriesRecord series, String wadoBase) {
        Attributes attributes = utf8();
        setString(attributes, Tag.Modality, VR.CS, series.modality());
        setString(attributes, Tag.SeriesDescription, VR.LO, series.description());
        attributes.setString(Tag.RetrieveURL, VR.UR,
                wadoBase + "/studies/" + study.studyInstanceUid() + "/series/" + series.seriesInstanceUid());
        attributes.setString(Tag.StudyInstanceUID, VR.UI, study.studyInstanceUid());
        attributes.setString(Tag.SeriesInstanceUID, VR.UI, series.seriesInstanceUid());
        if (series.number() != null) {
            attributes.setInt(Tag.SeriesNumber, VR.IS, series.number());
        }
        attributes.setInt(Tag.NumberOfSeriesRelatedInstances, VR.IS, series.instances().size());
        return attributes;
    }

    /** Study attributes on a series or instance answer, when {@code includefield} asks for them. */
    private static void includeStudyAttributes(Attributes attributes, StudyRecord study, QidoQuery query, String wadoBase) {
        Attributes studyLevel = studyAttributes(study, wadoBase);
        for (int tag : studyLevel.tags()) {
            boolean asked = query.includeAll() || query.included().stream().anyMatch(key -> key.tag() == tag);
            if (!asked || attributes.contains(tag)) {
                studyLevel.remove(tag);
            }
        }
        attributes.addAll(studyLevel);
    }

    /** A data set whose text is UTF-8 (names and descriptions may be in any script). */
    private static Attributes utf8() {
        return new Attributes().setString(Tag.SpecificCharacterSet, VR.CS, "ISO_IR 192");
    }

    private ImagingResponse answer(List<Attributes> matches, QidoQuery query, ImagingRequest request) {
        List<Attributes> page = matches.stream().skip(query.offset()).limit(query.limit()).toList();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            DicomJson.writeArray(page, out, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> headers = new LinkedHashMap<>();
        List<String> warnings = new ArrayList<>();
        if (!query.ignored().isEmpty()) {
            warnings.add("The following query parameters are not supported for matching and were ignored: "
                    + String.join(", ", new TreeSet<>(query.ignored())));
        }
        if (matches.size() > query.offset() + page.size()) {
            warnings.add("There are more matches than the limit; ask again with offset=" + (query.offset() + page.size()));
        }
        if (!warnings.isEmpty()) {
            headers.put("Warning", "299 smart-imaging: \"" + String.join("; ", warnings) + "\"");
        }
        return ImagingResponse.text(200, CONTENT_TYPE, out.toString(StandardCharsets.UTF_8), headers);
    }

    private static void setString(Attributes attributes, int tag, VR vr, String value) {
        if (value != null && !value.isEmpty()) {
            attributes.setString(tag, vr, value);
        }
    }

    private static String format(DateTimeFormatter format, Instant instant) {
        return instant == null ? null : format.format(instant);
    }
}
