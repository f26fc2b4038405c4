package org.smartimaging.dimse.net;

import java.io.IOException;
import java.time.Instant;
import java.util.function.Consumer;
import org.smartimaging.dicom.Attributes;

/**
 * C-GET as SCU (PS3.7 9.1.3, PS3.4 C.4.3): the archive sends the matching instances back as C-STORE
 * sub-operations on this same association, which needs storage contexts proposed with the SCP role
 * (see {@link StorageSopClasses#getContexts}).
 */
public final class GetScu {

    private GetScu() {}

    public static RetrieveResult get(Association association, String sopClassUid, Attributes keys, StorageSink sink,
            Consumer<RetrieveProgress> progress, Instant deadline) throws IOException {
        PresentationContext pc = association.acceptedContext(sopClassUid)
                .orElseThrow(() -> new DicomNetworkException("The peer did not accept C-GET " + sopClassUid));
        int id = association.nextMessageId();
        association.send(pc.id(), Commands.request(Command.C_GET_RQ, sopClassUid, id, true), keys);
        return RetrieveResponses.await(association, pc.id(), id, Command.C_GET_RSP, sink, progress, deadline);
    }
}
