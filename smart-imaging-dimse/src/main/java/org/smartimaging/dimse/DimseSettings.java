package org.smartimaging.dimse;

import java.nio.file.Path;
import java.time.Duration;
import org.smartimaging.dimse.net.AssociationSettings;

/**
 * The {@code images} section of a {@code dicom-dimse} configuration, read and checked.
 *
 * @param storePort the C-MOVE destination port, or -1 when retrieving with C-GET
 */
record DimseSettings(
        String host,
        int port,
        String calledAe,
        String callingAe,
        RetrievalMethod retrieval,
        String storeAe,
        int storePort,
        Path cacheDirectory,
        long cacheMaxBytes,
        Duration connectTimeout,
        Duration idleTimeout,
        Duration retrieveTimeout,
        int maxAssociations,
        int maxFindResults,
        int maxPduLength) {

    enum RetrievalMethod { C_GET, C_MOVE }

    AssociationSettings association() {
        return new AssociationSettings(connectTimeout, idleTimeout, maxPduLength);
    }
}
