package org.smartimaging.wado;

import java.util.Locale;
import org.smartimaging.spi.ImagingException;

/**
 * Checks a WADO-RS {@code Accept} header against what a source that serves stored files can send:
 * DICOM instances as stored ({@code multipart/related; type="application/dicom"}, any or the stored
 * transfer syntax) and DICOM JSON metadata. Sources that do not transcode answer 406 otherwise.
 */
public final class AcceptedMediaTypes {

    private AcceptedMediaTypes() {}

    /** @throws ImagingException.NotAcceptable when the client accepts no DICOM multipart */
    public static void requireDicomMultipart(String accept) {
        if (accept == null || accept.isBlank()) {
            return;
        }
        for (String range : accept.toLowerCase(Locale.ROOT).split(",")) {
            String type = range.split(";")[0].strip();
            if (type.equals("*/*") || type.equals("multipart/*") || type.equals("application/dicom")
                    || (type.equals("multipart/related") && (range.contains("application/dicom") || !range.contains("type=")))) {
                return;
            }
        }
        throw new ImagingException.NotAcceptable(
                "This source sends instances as multipart/related; type=\"application/dicom\" in their stored transfer syntax");
    }

    /** @throws ImagingException.NotAcceptable when the client accepts no JSON */
    public static void requireDicomJson(String accept) {
        if (accept == null || accept.isBlank()) {
            return;
        }
        String lower = accept.toLowerCase(Locale.ROOT);
        if (lower.contains("application/dicom+json") || lower.contains("application/json") || lower.contains("*/*")
                || lower.contains("application/*")) {
            return;
        }
        throw new ImagingException.NotAcceptable("Metadata is sent as application/dicom+json");
    }
}
