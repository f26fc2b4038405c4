package org.smartimaging.dicomweb;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;
import org.smartimaging.spi.ImagingException;
import org.smartimaging.spi.InstanceRecord;
import org.smartimaging.spi.SeriesRecord;
import org.smartimaging.spi.StudyQuery;
import org.smartimaging.spi.StudyRecord;

/**
 * A search as QIDO-RS: the studies (paged with {@code limit}/{@code offset} up to the cap), then
 * per study its series and per series its instances, those requests running concurrently on a
 * bounded pool. Matches are checked against the query again, because QIDO-RS treats {@code *},
 * {@code ?} and {@code \} in a value as wildcards and multiple values: an MRN containing one must
 * never widen the search to other patients.
 */
final class StudySearch {

    static final int SERIES_PAGE = 1000;
    static final int INSTANCE_PAGE = 1000;
    /** Per series; past it a PACS that ignores paging would make the search endless. */
    static final int MAX_INSTANCES_PER_SERIES = 100_000;
    static final int MAX_SERIES_PER_STUDY = 10_000;

    static final List<String> STUDY_FIELDS = List.of(DicomJson.STUDY_DATE, DicomJson.STUDY_TIME,
            DicomJson.TIMEZONE_OFFSET, DicomJson.STUDY_DESCRIPTION, DicomJson.ACCESSION_NUMBER,
            DicomJson.MODALITIES_IN_STUDY, DicomJson.PATIENT_NAME, DicomJson.PATIENT_ID);
    static final List<String> SERIES_FIELDS = List.of(DicomJson.SERIES_NUMBER, DicomJson.MODALITY,
            DicomJson.SERIES_DESCRIPTION);
    static final List<String> INSTANCE_FIELDS = List.of(DicomJson.SOP_CLASS_UID, DicomJson.INSTANCE_NUMBER);

    private final Upstream upstream;
    private final Executor pool;
    private final int maxStudies;

    StudySearch(Upstream upstream, Executor pool, int maxStudies) {
        this.upstream = upstream;
        this.pool = pool;
        this.maxStudies = maxStudies;
    }

    List<StudyRecord> find(StudyQuery query) {
        List<JsonNode> studies = studies(query);
        List<CompletableFuture<StudyRecord>> complete = new ArrayList<>(studies.size());
        for (JsonNode study : studies) {
            String uid = DicomJson.string(study, DicomJson.STUDY_INSTANCE_UID);
            complete.add(async(() -> series(uid)).thenCompose(series -> withInstances(study, uid, series)));
        }
        List<StudyRecord> records = new ArrayList<>(complete.size());
        for (CompletableFuture<StudyRecord> future : complete) {
            StudyRecord record = join(future);
            if (record != null) {
                records.add(record);
            }
        }
        return records;
    }

    /** The study-level matches, exact on PatientID and StudyInstanceUID, distinct, at most the cap. */
    private List<JsonNode> studies(StudyQuery query) {
        int cap = Math.min(query.limit(), maxStudies);
        List<Map.Entry<String, String>> filter = new ArrayList<>();
        if (query.patientMrn() != null) {
            filter.add(Map.entry("PatientID", query.patientMrn()));
        }
        if (query.studyInstanceUid() != null) {
            filter.add(Map.entry("StudyInstanceUID", query.studyInstanceUid()));
        }
        STUDY_FIELDS.forEach(tag -> filter.add(Map.entry("includefield", tag)));
        Map<String, JsonNode> byUid = new LinkedHashMap<>();
        int offset = 0;
        while (byUid.size() < cap) {
            int limit = cap - byUid.size();
            Upstream.QidoAnswer answer;
            try {
                answer = upstream.search("/studies", paged(filter, limit, offset));
            } catch (ImagingException.NotFound e) {
                break; // some servers answer 404 for "no match"
            }
            for (JsonNode study : answer.matches()) {
                String uid = DicomJson.string(study, DicomJson.STUDY_INSTANCE_UID);
                if (uid != null && matches(study, query) && byUid.size() < cap) {
                    byUid.putIfAbsent(uid, study);
                }
            }
            offset += answer.matches().size();
            if (answer.matches().isEmpty() || (answer.matches().size() < limit && !answer.truncatedByServer())) {
                break;
            }
        }
        return new ArrayList<>(byUid.values());
    }

    private static boolean matches(JsonNode study, StudyQuery query) {
        return (query.patientMrn() == null
                        || query.patientMrn().equals(DicomJson.string(study, DicomJson.PATIENT_ID)))
                && (query.studyInstanceUid() == null
                        || query.studyInstanceUid().equals(DicomJson.string(study, DicomJson.STUDY_INSTANCE_UID)));
    }

    /** The series of a study, {@code null} when the study vanished meanwhile. */
    private List<JsonNode> series(String studyUid) {
        try {
            return all("/studies/" + studyUid + "/series", SERIES_FIELDS, SERIES_PAGE, MAX_SERIES_PER_STUDY);
        } catch (ImagingException.NotFound e) {
            return null;
        }
    }

    private CompletableFuture<StudyRecord> withInstances(JsonNode study, String studyUid, List<JsonNode> series) {
        if (series == null) {
            return CompletableFuture.completedFuture(null);
        }
        List<CompletableFuture<SeriesRecord>> complete = new ArrayList<>(series.size());
        for (JsonNode one : series) {
            String seriesUid = DicomJson.string(one, DicomJson.SERIES_INSTANCE_UID);
            if (seriesUid == null) {
                continue;
            }
            complete.add(async(() -> seriesRecord(studyUid, seriesUid, one)));
        }
        return CompletableFuture.allOf(complete.toArray(CompletableFuture[]::new)).thenApply(done -> {
            List<SeriesRecord> records = complete.stream()
                    .map(CompletableFuture::join)
                    .filter(Objects::nonNull)
                    .sorted(Comparator.comparing(SeriesRecord::number, Comparator.nullsLast(Comparator.naturalOrder()))
                            .thenComparing(SeriesRecord::seriesInstanceUid))
                    .toList();
            return new StudyRecord(
                    studyUid,
                    DicomJson.string(study, DicomJson.PATIENT_ID),
                    DicomJson.string(study, DicomJson.PATIENT_NAME),
                    DicomJson.dateTime(study, DicomJson.STUDY_DATE, DicomJson.STUDY_TIME),
                    null,
                    DicomJson.string(study, DicomJson.STUDY_DESCRIPTION),
                    DicomJson.string(study, DicomJson.ACCESSION_NUMBER),
                    records);
        });
    }

    /** One series with its instances, {@code null} when it vanished meanwhile. */
    private SeriesRecord seriesRecord(String studyUid, String seriesUid, JsonNode series) {
        List<JsonNode> instances;
        try {
            instances = all("/studies/" + studyUid + "/series/" + seriesUid + "/instances", INSTANCE_FIELDS,
                    INSTANCE_PAGE, MAX_INSTANCES_PER_SERIES);
        } catch (ImagingException.NotFound e) {
            return null;
        }
        Map<String, InstanceRecord> byUid = new LinkedHashMap<>();
        for (JsonNode instance : instances) {
            String uid = DicomJson.string(instance, DicomJson.SOP_INSTANCE_UID);
            if (uid != null) {
                byUid.putIfAbsent(uid, new InstanceRecord(uid, DicomJson.string(instance, DicomJson.SOP_CLASS_UID),
                        DicomJson.integer(instance, DicomJson.INSTANCE_NUMBER)));
            }
        }
        List<InstanceRecord> sorted = byUid.values().stream()
                .sorted(Comparator.comparing(InstanceRecord::number, Comparator.nullsLast(Comparator.naturalOrder()))
                        .thenComparing(InstanceRecord::sopInstanceUid))
                .toList();
        return new SeriesRecord(seriesUid, DicomJson.integer(series, DicomJson.SERIES_NUMBER),
                DicomJson.string(series, DicomJson.MODALITY), DicomJson.string(series, DicomJson.SERIES_DESCRIPTION),
                sorted);
    }

    /** Every match of a series- or instance-level query, paged. */
    private List<JsonNode> all(String path, List<String> fields, int page, int max) {
        List<Map.Entry<String, String>> parameters = new ArrayList<>();
        fields.forEach(tag -> parameters.add(Map.entry("includefield", tag)));
        List<JsonNode> matches = new ArrayList<>();
        int offset = 0;
        while (matches.size() < max) {
            Upstream.QidoAnswer answer = upstream.search(path, paged(parameters, page, offset));
            matches.addAll(answer.matches());
            offset += answer.matches().size();
            if (answer.matches().isEmpty() || (answer.matches().size() < page && !answer.truncatedByServer())) {
                break;
            }
        }
        return matches;
    }

    private static List<Map.Entry<String, String>> paged(List<Map.Entry<String, String>> parameters, int limit,
            int offset) {
        List<Map.Entry<String, String>> paged = new ArrayList<>(parameters);
        paged.add(Map.entry("limit", Integer.toString(limit)));
        if (offset > 0) {
            paged.add(Map.entry("offset", Integer.toString(offset)));
        }
        return paged;
    }

    private <T> CompletableFuture<T> async(Supplier<T> task) {
        try {
            return CompletableFuture.supplyAsync(task, pool);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(new ImagingException.UpstreamFailure("The source is closed"));
        }
    }

    private static <T> T join(CompletableFuture<T> future) {
        try {
            return future.join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof ImagingException imaging) {
                throw imaging;
            }
            throw new ImagingException.UpstreamFailure("The search failed", cause);
        }
    }
}
