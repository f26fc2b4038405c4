package org.smartimaging.spi;

import java.util.List;
import java.util.Objects;

/** One series of a {@link StudyRecord}. Number, modality and description may be {@code null}. */
public record SeriesRecord(
        String seriesInstanceUid, Integer number, String modality, String description, List<InstanceRecord> instances) {

    public SeriesRecord {
        Objects.requireNonNull(seriesInstanceUid, "seriesInstanceUid");
        instances = List.copyOf(instances);
    }
}
