package org.smartimaging.dicom;

import java.io.IOException;

/**
 * Input that is not well-formed DICOM, or that exceeds a {@link ReadOptions} bound. The message
 * names the byte offset (in the decoded stream) and the tag being read, never a value.
 */
public class DicomParseException extends IOException {

    private static final long serialVersionUID = 1L;

    public DicomParseException(String message) {
        super(message);
    }

    public DicomParseException(String message, Throwable cause) {
        super(message, cause);
    }
}
