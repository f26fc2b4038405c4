package org.smartimaging.dimse.net;

import java.io.IOException;
import java.time.Instant;
import java.util.function.Consumer;
import org.smartimaging.dicom.Attributes;
import org.smartimaging.dicom.Tag;
import org.smartimaging.dicom.VR;

/**
 * C-MOVE as SCU (PS3.7 9.1.4, PS3.4 C.4.2): asks the archive to send the matching instances to a
 * storage SCP named by AE title (ours, see {@link StorageServer}); this association only carries
 * progress.
 */
public final class MoveScu {

    private MoveScu() {}

    public static RetrieveResult move(Association association, String sopClassUid, Attributes keys, String destinationAe,
            Consumer<RetrieveProgress> progress, Instant deadline) throws IOException {
        PresentationContext pc = association.acceptedContext(sopClassUid)
                .orElseThrow(() -> new DicomNetworkException("The peer did not accept C-MOVE " + sopClassUid));
        int id = association.nextMessageId();
        Attributes rq = Commands.request(Command.C_MOVE_RQ, sopClassUid, id, true);
        rq.setString(Tag.MoveDestination, VR.AE, destinationAe);
        association.send(pc.id(), rq, keys);
        return RetrieveResponses.await(association, pc.id(), id, Command.C_MOVE_RSP, null, progress, deadline);
    }
}
