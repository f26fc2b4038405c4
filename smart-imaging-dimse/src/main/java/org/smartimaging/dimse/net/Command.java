package org.smartimaging.dimse.net;

import org.smartimaging.dicom.Attributes;
import org.smartimaging.dicom.Tag;

/** A DIMSE command set as received (PS3.7 9.3, 9.1), with the presentation context it came on. */
public record Command(int contextId, Attributes fields) {

    public static final int C_STORE_RQ = 0x0001;
    public static final int C_STORE_RSP = 0x8001;
    public static final int C_GET_RQ = 0x0010;
    public static final int C_GET_RSP = 0x8010;
    public static final int C_FIND_RQ = 0x0020;
    public static final int C_FIND_RSP = 0x8020;
    public static final int C_MOVE_RQ = 0x0021;
    public static final int C_MOVE_RSP = 0x8021;
    public static final int C_ECHO_RQ = 0x0030;
    public static final int C_ECHO_RSP = 0x8030;
    public static final int C_CANCEL_RQ = 0x0FFF;

    /** Command Data Set Type value meaning "no data set follows". */
    public static final int NO_DATASET = 0x0101;

    public int commandField() {
        Integer v = fields.getInt(Tag.CommandField);
        return v == null ? -1 : v;
    }

    public boolean hasDataset() {
        Integer v = fields.getInt(Tag.CommandDataSetType);
        return v != null && v != NO_DATASET;
    }

    public int status() {
        Integer v = fields.getInt(Tag.Status);
        return v == null ? -1 : v;
    }

    public int messageId() {
        Integer v = fields.getInt(Tag.MessageID);
        return v == null ? -1 : v;
    }

    public int respondedTo() {
        Integer v = fields.getInt(Tag.MessageIDBeingRespondedTo);
        return v == null ? -1 : v;
    }

    public int count(int tag) {
        Integer v = fields.getInt(tag);
        return v == null ? -1 : v;
    }

    public String string(int tag) {
        return fields.getString(tag);
    }
}
