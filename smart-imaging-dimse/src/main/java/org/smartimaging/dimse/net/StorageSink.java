package org.smartimaging.dimse.net;

import java.io.IOException;
import java.io.InputStream;

/** Where the data sets of incoming C-STORE requests go. Implementations stream them to storage. */
@FunctionalInterface
public interface StorageSink {

    /**
     * Stores one instance. Reads {@code dataset} (the bare data set, as it arrives) to its end.
     *
     * @return the C-STORE-RSP status: {@link Status#SUCCESS}, or a failure such as
     *     {@link Status#OUT_OF_RESOURCES} or {@link Status#REFUSED_NOT_AUTHORIZED}
     * @throws IOException when reading {@code dataset} failed (the association is broken)
     */
    int store(String sopClassUid, String sopInstanceUid, String transferSyntaxUid, InputStream dataset) throws IOException;
}
