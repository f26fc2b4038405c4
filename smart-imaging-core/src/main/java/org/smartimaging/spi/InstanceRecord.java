package org.smartimaging.spi;

import java.util.Objects;

/** One instance of a {@link SeriesRecord}. The number may be {@code null}. */
public record InstanceRecord(String sopInstanceUid, String sopClassUid, Integer number) {

    public InstanceRecord {
        Objects.requireNonNull(sopInstanceUid, "sopInstanceUid");
    }
}
