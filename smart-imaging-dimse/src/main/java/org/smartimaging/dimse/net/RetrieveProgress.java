package org.smartimaging.dimse.net;

/**
 * Sub-operation counts of a C-GET or C-MOVE (PS3.4 C.4.2.1.6, C.4.3.1.3), as the last response
 * carried them; -1 where the archive did not say.
 */
public record RetrieveProgress(int remaining, int completed, int failed, int warning) {

    public static final RetrieveProgress UNKNOWN = new RetrieveProgress(-1, 0, 0, 0);

    static RetrieveProgress of(Command rsp) {
        return new RetrieveProgress(rsp.count(org.smartimaging.dicom.Tag.NumberOfRemainingSuboperations),
                Math.max(0, rsp.count(org.smartimaging.dicom.Tag.NumberOfCompletedSuboperations)),
                Math.max(0, rsp.count(org.smartimaging.dicom.Tag.NumberOfFailedSuboperations)),
                Math.max(0, rsp.count(org.smartimaging.dicom.Tag.NumberOfWarningSuboperations)));
    }

    public int done() {
        return completed + failed + warning;
    }
}
