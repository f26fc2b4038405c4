package org.smartimaging.wado;

import java.util.Set;
import org.smartimaging.dicom.Uids;

/** What this SDK knows of transfer syntaxes for WADO-RS: which are native, and each one's frame media type (PS3.18 8.7.3). */
final class TransferSyntaxes {

    static final String EXPLICIT_LE = Uids.ExplicitVRLittleEndian;
    static final String IMPLICIT_LE = Uids.ImplicitVRLittleEndian;
    static final String EXPLICIT_BE = Uids.ExplicitVRBigEndian;
    static final String DEFLATED = Uids.DeflatedExplicitVRLittleEndian;
    static final String JPEG_BASELINE = Uids.JPEGBaseline8Bit;

    /** The uncompressed syntaxes: an instance in one is re-encoded in any other without loss. */
    static final Set<String> UNCOMPRESSED = Set.of(EXPLICIT_LE, IMPLICIT_LE, EXPLICIT_BE, DEFLATED);
    /** What native frames are labelled with (their bytes do not depend on VR or deflate). */
    static final Set<String> NATIVE_FRAMES = Set.of(EXPLICIT_LE, IMPLICIT_LE, EXPLICIT_BE);

    private TransferSyntaxes() {}

    static boolean isUncompressed(String ts) {
        return UNCOMPRESSED.contains(ts);
    }

    /** The media type of a frame or bulk data value in {@code ts}. */
    static String frameMediaType(String ts) {
        if (isUncompressed(ts)) {
            return "application/octet-stream";
        }
        return switch (ts) {
            case "1.2.840.10008.1.2.4.50", "1.2.840.10008.1.2.4.51", "1.2.840.10008.1.2.4.57", "1.2.840.10008.1.2.4.70" -> "image/jpeg";
            case "1.2.840.10008.1.2.4.80", "1.2.840.10008.1.2.4.81" -> "image/jls";
            case "1.2.840.10008.1.2.4.90", "1.2.840.10008.1.2.4.91" -> "image/jp2";
            case "1.2.840.10008.1.2.4.92", "1.2.840.10008.1.2.4.93" -> "image/jpx";
            case "1.2.840.10008.1.2.4.201", "1.2.840.10008.1.2.4.202", "1.2.840.10008.1.2.4.203" -> "image/jphc";
            case "1.2.840.10008.1.2.5" -> "image/dicom-rle";
            case "1.2.840.10008.1.2.4.100", "1.2.840.10008.1.2.4.101" -> "video/mpeg";
            case "1.2.840.10008.1.2.4.102", "1.2.840.10008.1.2.4.103", "1.2.840.10008.1.2.4.104",
                    "1.2.840.10008.1.2.4.105", "1.2.840.10008.1.2.4.106" -> "video/mp4";
            case "1.2.840.10008.1.2.4.107", "1.2.840.10008.1.2.4.108" -> "video/H265";
            default -> "application/octet-stream";
        };
    }

    /** The transfer syntax a frame media type means when {@code Accept} names no {@code transfer-syntax} (PS3.18 Table 8.7.3-5). */
    static String defaultFor(String mediaType) {
        return switch (mediaType) {
            case "image/jpeg" -> JPEG_BASELINE;
            case "image/jls" -> "1.2.840.10008.1.2.4.80";
            case "image/jp2" -> "1.2.840.10008.1.2.4.90";
            case "image/jpx" -> "1.2.840.10008.1.2.4.92";
            case "image/jphc" -> "1.2.840.10008.1.2.4.201";
            case "image/dicom-rle" -> "1.2.840.10008.1.2.5";
            case "application/octet-stream", "application/dicom" -> EXPLICIT_LE;
            default -> null;
        };
    }
}
