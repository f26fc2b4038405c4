package org.smartimaging.dimse.net;

/** DIMSE status codes and their classes (PS3.7 C, PS3.4 C.4). */
public final class Status {

    public static final int SUCCESS = 0x0000;
    public static final int PENDING = 0xFF00;
    public static final int PENDING_WARNING = 0xFF01;
    public static final int CANCEL = 0xFE00;
    public static final int SUB_OPERATIONS_COMPLETE_WITH_FAILURES = 0xB000;
    public static final int OUT_OF_RESOURCES = 0xA700;
    public static final int REFUSED_NOT_AUTHORIZED = 0x0124;
    public static final int CANNOT_UNDERSTAND = 0xC000;
    public static final int PROCESSING_FAILURE = 0x0110;

    private Status() {}

    public static boolean isPending(int status) {
        return status == PENDING || status == PENDING_WARNING;
    }

    public static boolean isWarning(int status) {
        return status == 0x0001 || status == 0x0107 || status == 0x0116 || (status & 0xF000) == 0xB000;
    }

    public static boolean isSuccessOrWarning(int status) {
        return status == SUCCESS || isWarning(status);
    }

    public static String hex(int status) {
        return String.format("0x%04X", status & 0xffff);
    }
}
