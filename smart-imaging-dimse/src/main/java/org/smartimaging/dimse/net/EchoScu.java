package org.smartimaging.dimse.net;

import java.io.IOException;
import org.smartimaging.dicom.Uids;

/** C-ECHO as SCU (PS3.7 9.1.5): checks that a peer answers DIMSE on an association. */
public final class EchoScu {

    private EchoScu() {}

    /** @throws DimseStatusException when the peer answers a status other than success */
    public static void echo(Association association) throws IOException {
        PresentationContext pc = association.acceptedContext(Uids.Verification)
                .orElseThrow(() -> new DicomNetworkException("The peer did not accept the Verification SOP class"));
        int id = association.nextMessageId();
        association.send(pc.id(), Commands.request(Command.C_ECHO_RQ, Uids.Verification, id, false), null);
        Command rsp = association.readCommand();
        if (rsp == null || rsp.commandField() != Command.C_ECHO_RSP) {
            throw new DicomNetworkException("Expected C-ECHO-RSP");
        }
        if (rsp.status() != Status.SUCCESS) {
            throw new DimseStatusException(rsp.status(), "C-ECHO failed");
        }
    }
}
