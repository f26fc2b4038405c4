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

    /** A C-GET / C-MOVE failure status in words (PS3.4 C.4.2.1.5, C.4.3.1.4). */
    public static String retrieveMeaning(int status) {
        return switch (status) {
            case 0xA701 -> "out of resources: unable to calculate the number of matches";
            case 0xA702 -> "out of resources: unable to perform sub-operations";
            case 0xA801 -> "move destination unknown";
            case 0xA900 -> "identifier does not match SOP class";
            case 0x0122 -> "SOP class not supported";
            case REFUSED_NOT_AUTHORIZED -> "not authorized";
            case CANCEL -> "cancelled";
            default -> (status & 0xF000) == 0xC000 ? "unable to process" : "failed";
        };
    }

    public static String hex(int status) {
        return String.format("0x%04X", status & 0xffff);
    }
}
