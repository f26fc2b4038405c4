package org.smartimaging.dimse.net;

import java.io.IOException;

/**
 * The DICOM upper layer failed: the peer rejected or aborted the association, sent a malformed or
 * oversized PDU, or broke a protocol rule. The association is unusable afterwards.
 */
public class DicomNetworkException extends IOException {

    public DicomNetworkException(String message) {
        super(message);
    }

    public DicomNetworkException(String message, Throwable cause) {
        super(message, cause);
    }
}
