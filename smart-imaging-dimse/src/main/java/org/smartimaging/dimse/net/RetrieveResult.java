package org.smartimaging.dimse.net;

/**
 * How a C-GET or C-MOVE ended: the final status and counts.
 *
 * @param errorComment the final response's Error Comment (0000,0902), or null
 */
public record RetrieveResult(int status, RetrieveProgress progress, String errorComment) {

    /** Success, or a warning with no failed sub-operation. */
    public boolean complete() {
        return (status == Status.SUCCESS || Status.isWarning(status)) && progress.failed() == 0;
    }

    /** Ended with a failure status before any instance was sent: the archive refused the request itself. */
    public boolean refused() {
        return !complete() && !Status.isWarning(status) && status != Status.CANCEL && progress.done() == 0;
    }
}
