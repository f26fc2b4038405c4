package org.smartimaging.dimse.net;

import java.io.IOException;

/** A DIMSE operation ended with a failure status (or was cancelled); the association is still usable. */
public class DimseStatusException extends IOException {

    private final int status;

    public DimseStatusException(int status, String message) {
        super(message + " (status " + Status.hex(status) + ")");
        this.status = status;
    }

    public int status() {
        return status;
    }
}
