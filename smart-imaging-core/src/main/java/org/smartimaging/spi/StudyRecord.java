package org.smartimaging.spi;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One DICOM study as every source reports it, complete with series and instances; the engine maps
 * it to a FHIR {@code ImagingStudy}.
 *
 * @param started study date and time, or {@code null} when the source does not know it
 * @param lastUpdated when the source last changed the study (e.g. newest file), or {@code null};
 *     {@code _lastUpdated} falls back to {@code started} when absent
 */
public record StudyRecord(
        String studyInstanceUid,
        String patientId,
        String patientName,
        Instant started,
        Instant lastUpdated,
        String description,
        String accessionNumber,
        List<SeriesRecord> series) {

    public StudyRecord {
        Objects.requireNonNull(studyInstanceUid, "studyInstanceUid");
        series = List.copyOf(series);
    }

    public int numberOfInstances() {
        return series.stream().mapToInt(s -> s.instances().size()).sum();
    }

    /** Distinct modalities of the series, in series order. */
    public List<String> modalities() {
        return series.stream().map(SeriesRecord::modality).filter(Objects::nonNull).distinct().toList();
    }

    /** The instant {@code _lastUpdated} compares against. */
    public Instant lastUpdatedOrStarted() {
        return lastUpdated != null ? lastUpdated : started;
    }
}
