package org.smartimaging.dimse.net;

/** How a C-GET or C-MOVE ended: the final status and counts. */
public record RetrieveResult(int status, RetrieveProgress progress) {

    /** Success, or a warning with no failed sub-operation. */
    public boolean complete() {
        return (status == Status.SUCCESS || Status.isWarning(status)) && progress.failed() == 0;
    }
}
