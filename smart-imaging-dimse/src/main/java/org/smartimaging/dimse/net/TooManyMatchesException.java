package org.smartimaging.dimse.net;

/** A C-FIND answered more matches than the caller allows; the query was cancelled with C-CANCEL. */
public final class TooManyMatchesException extends DimseStatusException {

    private final int limit;

    public TooManyMatchesException(int limit) {
        super(Status.CANCEL, "C-FIND answered more than " + limit + " matches; cancelled");
        this.limit = limit;
    }

    public int limit() {
        return limit;
    }
}
