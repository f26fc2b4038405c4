package org.smartimaging.dicom;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.UUID;
import java.util.regex.Pattern;

/** UID syntax (PS3.5 9.1), UUID-derived UIDs (PS3.5 B.2), and the UIDs the SDK uses. */
public final class Uids {

    // Transfer syntaxes (PS3.5 10, PS3.6 A)
    public static final String ImplicitVRLittleEndian = "1.2.840.10008.1.2";
    public static final String ExplicitVRLittleEndian = "1.2.840.10008.1.2.1";
    public static final String DeflatedExplicitVRLittleEndian = "1.2.840.10008.1.2.1.99";
    public static final String ExplicitVRBigEndian = "1.2.840.10008.1.2.2";
    public static final String JPEGBaseline8Bit = "1.2.840.10008.1.2.4.50";
    public static final String JPEGLosslessSV1 = "1.2.840.10008.1.2.4.70";
    public static final String JPEG2000Lossless = "1.2.840.10008.1.2.4.90";
    public static final String RLELossless = "1.2.840.10008.1.2.5";

    // Storage SOP classes
    public static final String ComputedRadiographyImageStorage = "1.2.840.10008.5.1.4.1.1.1";
    public static final String CTImageStorage = "1.2.840.10008.5.1.4.1.1.2";
    public static final String MRImageStorage = "1.2.840.10008.5.1.4.1.1.4";
    public static final String UltrasoundImageStorage = "1.2.840.10008.5.1.4.1.1.6.1";
    public static final String SecondaryCaptureImageStorage = "1.2.840.10008.5.1.4.1.1.7";

    // Verification and query/retrieve (PS3.4)
    public static final String Verification = "1.2.840.10008.1.1";
    public static final String StudyRootQueryRetrieveFind = "1.2.840.10008.5.1.4.1.2.2.1";
    public static final String StudyRootQueryRetrieveMove = "1.2.840.10008.5.1.4.1.2.2.2";
    public static final String StudyRootQueryRetrieveGet = "1.2.840.10008.5.1.4.1.2.2.3";
    public static final String PatientRootQueryRetrieveFind = "1.2.840.10008.5.1.4.1.2.1.1";
    public static final String PatientRootQueryRetrieveMove = "1.2.840.10008.5.1.4.1.2.1.2";
    public static final String PatientRootQueryRetrieveGet = "1.2.840.10008.5.1.4.1.2.1.3";

    /**
     * The SDK's Implementation Class UID (PS3.7 D.3.3.2), in the UUID arc 2.25 (no registered org
     * root needed): {@code 2.25.} + the UUID derived from the name "org.smartimaging.sdk".
     */
    public static final String ImplementationClassUID = fromUuid(UUID.nameUUIDFromBytes(
            "org.smartimaging.sdk".getBytes(java.nio.charset.StandardCharsets.US_ASCII)));

    /** Implementation Version Name (PS3.7 D.3.3.2.2): 16 characters at most. */
    public static final String ImplementationVersionName = "SMARTIMG_010";

    private static final Pattern SYNTAX = Pattern.compile("(0|[1-9][0-9]*)(\\.(0|[1-9][0-9]*))*");

    private Uids() {
    }

    /**
     * True if {@code uid} is a syntactically valid UID: digits and dots, at most 64 characters,
     * no empty component, no leading zero in a component other than "0" itself.
     */
    public static boolean isValid(String uid) {
        return uid != null && !uid.isEmpty() && uid.length() <= 64 && SYNTAX.matcher(uid).matches();
    }

    /** {@code 2.25.} followed by the UUID as an unsigned decimal integer (PS3.5 B.2). */
    public static String fromUuid(UUID uuid) {
        ByteBuffer buf = ByteBuffer.allocate(16);
        buf.putLong(uuid.getMostSignificantBits()).putLong(uuid.getLeastSignificantBits());
        return "2.25." + new BigInteger(1, buf.array());
    }

    /** A fresh random UID in the 2.25 arc. */
    public static String random() {
        return fromUuid(UUID.randomUUID());
    }
}
