package org.smartimaging.dicomweb;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * A search as QIDO-RS, at most one request per study: the studies (paged with {@code limit}/{@code
 * offset} up to the cap) with their instance counts, then for each study not answered by the
 * {@link StudyRecordCache} its instances with their series attributes in one study-level
 * {@code /studies/{uid}/instances} query, those running concurrently on a bounded pool. A repeated
 * search therefore costs one {@code /studies} request while nothing changed. Matches are checked
 * against the query again, because QIDO-RS treats {@code *}, {@code ?} and {@code \} in a value as
 * wildcards and multiple values: an MRN containing one must never widen the search to other
 * patients. Which studies match is always the PACS's current answer; the cache only supplies the
 * series and instances of a study the PACS has just listed.
 */
final class StudySearch {

    static final int INSTANCE_PAGE = 5000;
    /** Per study; past it a PACS that ignores paging would make the search endless. */
    static final int MAX_INSTANCES_PER_STUDY = 100_000;

    static final List<String> STUDY_FIELDS = List.of(DicomJson.STUDY_DATE, DicomJson.STUDY_TIME,
            DicomJson.TIMEZONE_OFFSET, DicomJson.STUDY_DESCRIPTION, DicomJson.ACCESSION_NUMBER,
            DicomJson.MODALITIES_IN_STUDY, DicomJson.PATIENT_NAME, DicomJson.PATIENT_ID,
            DicomJson.NUMBER_OF_STUDY_RELATED_INSTANCES);
    static final List<String> INSTANCE_FIELDS = List.of(DicomJson.SERIES_INSTANCE_UID, DicomJson.SERIES_NUMBER,
            DicomJson.MODALITY, DicomJson.SERIES_DESCRIPTION, DicomJson.SOP_CLASS_UID, DicomJson.INSTANCE_NUMBER);

    private final Upstream upstream;
    private final Executor pool;
    private final int maxStudies;
    private final StudyRecordCache cache;

    StudySearch(Upstream upstream, Executor pool, int maxStudies, StudyRecordCache cache) {
        this.upstream = upstream;
        this.pool = pool;
        this.maxStudies = maxStudies;
        this.cache = cache;
    }

    List<StudyRecord> find(StudyQuery query) {
        List<JsonNode> studies = studies(query);
        List<CompletableFuture<StudyRecord>> complete = new ArrayList<>(studies.size());
        for (JsonNode study : studies) {
            String uid = DicomJson.string(study, DicomJson.STUDY_INSTANCE_UID);
            Integer count = DicomJson.integer(study, DicomJson.NUMBER_OF_STUDY_RELATED_INSTANCES);
            complete.add(cache.fresh(uid, count)
                    .map(cached -> CompletableFuture.completedFuture(studyRecord(study, uid, cached.lastUpdated(), cached.series())))
                    .orElseGet(() -> async(() -> fetch(study, uid, count))));
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

    /** A study with its series and instances from one query; {@code null} when it vanished meanwhile. */
    private StudyRecord fetch(JsonNode study, String studyUid, Integer count) {
        List<JsonNode> instances;
        try {
            instances = all("/studies/" + studyUid + "/instances", INSTANCE_FIELDS, INSTANCE_PAGE,
                    MAX_INSTANCES_PER_STUDY);
        } catch (ImagingException.NotFound e) {
            return null;
        }
        Map<String, JsonNode> seriesAttributes = new LinkedHashMap<>();
        Map<String, Map<String, InstanceRecord>> bySeries = new LinkedHashMap<>();
        for (JsonNode instance : instances) {
            String seriesUid = DicomJson.string(instance, DicomJson.SERIES_INSTANCE_UID);
            String uid = DicomJson.string(instance, DicomJson.SOP_INSTANCE_UID);
            if (seriesUid == null || uid == null) {
                continue;
            }
            seriesAttributes.putIfAbsent(seriesUid, instance);
            bySeries.computeIfAbsent(seriesUid, k -> new LinkedHashMap<>()).putIfAbsent(uid, new InstanceRecord(uid,
                    DicomJson.string(instance, DicomJson.SOP_CLASS_UID), DicomJson.integer(instance, DicomJson.INSTANCE_NUMBER)));
        }
        List<SeriesRecord> series = bySeries.entrySet().stream().map(entry -> {
            JsonNode first = seriesAttributes.get(entry.getKey());
            List<InstanceRecord> sorted = entry.getValue().values().stream()
                    .sorted(Comparator.comparing(InstanceRecord::number, Comparator.nullsLast(Comparator.naturalOrder()))
                            .thenComparing(InstanceRecord::sopInstanceUid))
                    .toList();
            return new SeriesRecord(entry.getKey(), DicomJson.integer(first, DicomJson.SERIES_NUMBER),
                    DicomJson.string(first, DicomJson.MODALITY), DicomJson.string(first, DicomJson.SERIES_DESCRIPTION),
                    sorted);
        }).sorted(Comparator.comparing(SeriesRecord::number, Comparator.nullsLast(Comparator.naturalOrder()))
                .thenComparing(SeriesRecord::seriesInstanceUid)).toList();
        return cache.remember(count, studyRecord(study, studyUid, null, series));
    }

    /** Study-level attributes always from the PACS's current answer; series and instances as given. */
    private static StudyRecord studyRecord(JsonNode study, String studyUid, java.time.Instant lastUpdated,
            List<SeriesRecord> series) {
        return new StudyRecord(
                studyUid,
                DicomJson.string(study, DicomJson.PATIENT_ID),
                DicomJson.string(study, DicomJson.PATIENT_NAME),
                DicomJson.dateTime(study, DicomJson.STUDY_DATE, DicomJson.STUDY_TIME),
                lastUpdated,
                DicomJson.string(study, DicomJson.STUDY_DESCRIPTION),
                DicomJson.string(study, DicomJson.ACCESSION_NUMBER),
                series);
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
