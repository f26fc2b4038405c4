package org.smartimaging.dicom;

/**
 * Chooses the {@code BulkDataURI} for a binary value when writing DICOM JSON (PS3.18 F.2.6), so the
 * value itself can be fetched separately (WADO-RS bulk data or frames).
 */
@FunctionalInterface
public interface BulkDataUris {

    /**
     * The URI for the value at {@code attributePath} of {@code dataset} (the top-level data set being
     * written), or null to inline it (small values) or leave it out. The path is the hex tags from the
     * top level down, with item indexes between, separated by '/': {@code 7FE00010},
     * {@code 00540016/0/00181072}.
     */
    String uriFor(Attributes dataset, String attributePath);
}
