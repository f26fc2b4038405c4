package org.smartimaging.dimse.net;

import org.smartimaging.dicom.Attributes;
import org.smartimaging.dicom.Tag;
import org.smartimaging.dicom.VR;

/** Builds the request and response command sets the SDK sends (PS3.7 9.3, 9.3.2-9.3.5). */
final class Commands {

    static final int PRIORITY_MEDIUM = 0;

    private Commands() {}

    static Attributes request(int commandField, String sopClassUid, int messageId, boolean dataset) {
        Attributes c = new Attributes();
        c.setString(Tag.AffectedSOPClassUID, VR.UI, sopClassUid);
        c.setInt(Tag.CommandField, VR.US, commandField);
        c.setInt(Tag.MessageID, VR.US, messageId);
        if (commandField != Command.C_ECHO_RQ) {
            c.setInt(Tag.Priority, VR.US, PRIORITY_MEDIUM);
        }
        c.setInt(Tag.CommandDataSetType, VR.US, dataset ? 0x0000 : Command.NO_DATASET);
        return c;
    }

    static Attributes cancel(int messageId) {
        Attributes c = new Attributes();
        c.setInt(Tag.CommandField, VR.US, Command.C_CANCEL_RQ);
        c.setInt(Tag.MessageIDBeingRespondedTo, VR.US, messageId);
        c.setInt(Tag.CommandDataSetType, VR.US, Command.NO_DATASET);
        return c;
    }

    static Attributes response(int commandField, Command request, int status) {
        Attributes c = new Attributes();
        String sopClass = request.string(Tag.AffectedSOPClassUID);
        if (sopClass != null) {
            c.setString(Tag.AffectedSOPClassUID, VR.UI, sopClass);
        }
        c.setInt(Tag.CommandField, VR.US, commandField);
        c.setInt(Tag.MessageIDBeingRespondedTo, VR.US, request.messageId());
        c.setInt(Tag.CommandDataSetType, VR.US, Command.NO_DATASET);
        c.setInt(Tag.Status, VR.US, status);
        String sop = request.string(Tag.AffectedSOPInstanceUID);
        if (sop != null) {
            c.setString(Tag.AffectedSOPInstanceUID, VR.UI, sop);
        }
        return c;
    }
}
