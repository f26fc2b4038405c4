package org.smartimaging.dicom;

/** How a transfer syntax encodes a data set: VR explicit or implicit, byte order, deflate (PS3.5 10). */
record Encoding(boolean explicitVr, boolean bigEndian, boolean deflated) {

    static final Encoding IMPLICIT_LE = new Encoding(false, false, false);
    static final Encoding EXPLICIT_LE = new Encoding(true, false, false);

    /** Unknown (compressed) transfer syntaxes encode the data set in explicit VR little endian. */
    static Encoding of(String transferSyntaxUid) {
        return switch (transferSyntaxUid) {
            case Uids.ImplicitVRLittleEndian -> IMPLICIT_LE;
            case Uids.ExplicitVRBigEndian -> new Encoding(true, true, false);
            case Uids.DeflatedExplicitVRLittleEndian -> new Encoding(true, false, true);
            default -> EXPLICIT_LE;
        };
    }
}
