package org.smartimaging.folder;

import java.nio.file.Path;
import java.time.Instant;

/** One DICOM file as the folder index knows it: where it is and the attributes a search needs. */
record IndexedInstance(
        Path file,
        long size,
        Instant modified,
        String patientId,
        String patientName,
        String studyInstanceUid,
        Instant studyStarted,
        String studyDescription,
        String accessionNumber,
        String seriesInstanceUid,
        Integer seriesNumber,
        String modality,
        String seriesDescription,
        String sopInstanceUid,
        String sopClassUid,
        Integer instanceNumber) {}
