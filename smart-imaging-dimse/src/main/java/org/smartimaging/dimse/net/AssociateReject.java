package org.smartimaging.dimse.net;

/**
 * A-ASSOCIATE-RJ (PS3.8 9.3.4).
 *
 * @param result 1 rejected-permanent, 2 rejected-transient
 * @param source 1 service user, 2 service provider (ACSE), 3 service provider (presentation)
 * @param reason source-specific (user: 1 no reason, 3 calling AE not recognized, 7 called AE not recognized)
 */
public record AssociateReject(int result, int source, int reason) {

    public static final int CALLED_AE_NOT_RECOGNIZED = 7;
    public static final int NO_REASON = 1;

    byte[] encode() {
        return new PduFormat.Writer().u8(0).u8(result).u8(source).u8(reason).toBytes();
    }

    static AssociateReject parse(byte[] body, int length) throws DicomNetworkException {
        PduFormat.Reader r = new PduFormat.Reader(body, 0, length);
        r.u8();
        return new AssociateReject(r.u8(), r.u8(), r.u8());
    }

    DicomNetworkException toException() {
        return new DicomNetworkException("Association rejected (" + (result == 1 ? "permanent" : "transient")
                + ", source " + source + ", reason " + reason + ")");
    }
}
