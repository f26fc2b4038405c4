package org.smartimaging.dicom;

/**
 * Value representations (PS3.5 6.2) with the encoding rules the codec needs: which VRs carry a
 * 32-bit length in explicit VR transfer syntaxes (PS3.5 7.1.2), which hold text, which numbers,
 * which bytes, the byte that pads a value to even length, and the unit of byte swapping for big
 * endian.
 */
public enum VR {
    AE(Kind.STRING, false, ' ', 1),
    AS(Kind.STRING, false, ' ', 1),
    AT(Kind.BINARY_NUMBER, false, 0, 2),
    CS(Kind.STRING, false, ' ', 1),
    DA(Kind.STRING, false, ' ', 1),
    DS(Kind.STRING, false, ' ', 1),
    DT(Kind.STRING, false, ' ', 1),
    FD(Kind.BINARY_NUMBER, false, 0, 8),
    FL(Kind.BINARY_NUMBER, false, 0, 4),
    IS(Kind.STRING, false, ' ', 1),
    LO(Kind.STRING, false, ' ', 1),
    LT(Kind.TEXT, false, ' ', 1),
    OB(Kind.BULK, true, 0, 1),
    OD(Kind.BULK, true, 0, 8),
    OF(Kind.BULK, true, 0, 4),
    OL(Kind.BULK, true, 0, 4),
    OV(Kind.BULK, true, 0, 8),
    OW(Kind.BULK, true, 0, 2),
    PN(Kind.STRING, false, ' ', 1),
    SH(Kind.STRING, false, ' ', 1),
    SL(Kind.BINARY_NUMBER, false, 0, 4),
    SQ(Kind.SEQUENCE, true, 0, 1),
    SS(Kind.BINARY_NUMBER, false, 0, 2),
    ST(Kind.TEXT, false, ' ', 1),
    SV(Kind.BINARY_NUMBER, true, 0, 8),
    TM(Kind.STRING, false, ' ', 1),
    UC(Kind.STRING, true, ' ', 1),
    UI(Kind.STRING, false, 0, 1),
    UL(Kind.BINARY_NUMBER, false, 0, 4),
    UN(Kind.BULK, true, 0, 1),
    UR(Kind.TEXT, true, ' ', 1),
    US(Kind.BINARY_NUMBER, false, 0, 2),
    UT(Kind.TEXT, true, ' ', 1),
    UV(Kind.BINARY_NUMBER, true, 0, 8);

    enum Kind {
        /** Text that may hold several values separated by backslash. */
        STRING,
        /** Text that is always a single value; backslash is an ordinary character. */
        TEXT,
        /** Fixed-width binary numbers (and AT). */
        BINARY_NUMBER,
        /** Opaque bytes or arrays of binary numbers (OB, OW, OF, ..., UN). */
        BULK,
        SEQUENCE
    }

    private final Kind kind;
    private final boolean longLength;
    private final byte padding;
    private final int swapUnit;

    VR(Kind kind, boolean longLength, int padding, int swapUnit) {
        this.kind = kind;
        this.longLength = longLength;
        this.padding = (byte) padding;
        this.swapUnit = swapUnit;
    }

    /** True if an explicit VR encoding has two reserved bytes and a 32-bit length for this VR. */
    public boolean hasLongLength() {
        return longLength;
    }

    /** True for the character string VRs (AE ... UT). */
    public boolean isString() {
        return kind == Kind.STRING || kind == Kind.TEXT;
    }

    /** True for VRs whose values are opaque bytes in the DICOM JSON model (OB, OD, OF, OL, OV, OW, UN). */
    public boolean isBulk() {
        return kind == Kind.BULK;
    }

    /** True for VRs holding fixed-width binary numbers (AT, FD, FL, SL, SS, SV, UL, US, UV). */
    public boolean isBinaryNumber() {
        return kind == Kind.BINARY_NUMBER;
    }

    /** The byte that pads a value of odd length: NUL for UI, OB and other binary VRs, space for text. */
    public byte paddingByte() {
        return padding;
    }

    Kind kind() {
        return kind;
    }

    /** Width in bytes of the units whose byte order depends on the transfer syntax (1: none). */
    int swapUnit() {
        return swapUnit;
    }

    /** The VR for a two-letter code as found in explicit VR encodings, or null if unknown. */
    public static VR of(int b0, int b1) {
        if (b0 < 'A' || b0 > 'Z' || b1 < 'A' || b1 > 'Z') {
            return null;
        }
        return BY_CODE[(b0 - 'A') * 26 + (b1 - 'A')];
    }

    private static final VR[] BY_CODE = new VR[26 * 26];

    static {
        for (VR vr : values()) {
            String n = vr.name();
            BY_CODE[(n.charAt(0) - 'A') * 26 + (n.charAt(1) - 'A')] = vr;
        }
    }
}
