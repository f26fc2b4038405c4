package org.smartimaging.dimse.net;

import java.util.ArrayList;
import java.util.List;

/**
 * What A-ASSOCIATE-RQ and A-ASSOCIATE-AC share (PS3.8 9.3.2, 9.3.3): the same fixed fields and the
 * same item list, where only the presentation context items differ. Each PDU class reads and writes
 * its own context items; this class does the rest once.
 */
final class AssociatePdu {

    private static final int APPLICATION_CONTEXT_ITEM = 0x10;
    private static final int USER_INFORMATION_ITEM = 0x50;

    /** The parts of a parsed PDU: protocol version, AE titles, raw context items, user information. */
    record Fields(int version, String calledAe, String callingAe, List<PduFormat.Reader> contextItems,
            UserInformation userInformation) {}

    private AssociatePdu() {}

    /** Writes the fixed fields and the application context item; context items and user information follow. */
    static PduFormat.Writer start(String calledAe, String callingAe) {
        PduFormat.Writer w = new PduFormat.Writer();
        w.u16(1).zeros(2).ae(calledAe).ae(callingAe).zeros(32);
        w.item(APPLICATION_CONTEXT_ITEM, PduFormat.APPLICATION_CONTEXT);
        return w;
    }

    /** Reads the fixed fields and splits the items; the user information item is required. */
    static Fields read(byte[] body, int length, int contextItemType, String pduName) throws DicomNetworkException {
        PduFormat.Reader r = new PduFormat.Reader(body, 0, length);
        int version = r.u16();
        r.skip(2);
        String called = r.ascii(16);
        String calling = r.ascii(16);
        r.skip(32);
        List<PduFormat.Reader> contexts = new ArrayList<>();
        UserInformation user = null;
        while (r.hasRemaining()) {
            int type = r.u8();
            r.u8();
            PduFormat.Reader item = r.slice(r.u16());
            if (type == contextItemType) {
                contexts.add(item);
            } else if (type == USER_INFORMATION_ITEM) {
                user = UserInformation.read(item);
            }
        }
        if (user == null) {
            throw new DicomNetworkException(pduName + " without user information item");
        }
        return new Fields(version, called, calling, contexts, user);
    }
}
