package org.smartimaging.dimse.net;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The User Information item (PS3.7 D.3.3, PS3.8 9.3.2.3): maximum length, implementation class UID
 * and version name, SCP/SCU role selections. Other sub-items are skipped when read and never sent.
 *
 * @param maxPduLength the largest P-DATA-TF PDU length the sender can receive; 0 means unlimited
 */
public record UserInformation(long maxPduLength, String implementationClassUid, String implementationVersionName,
        List<RoleSelection> roleSelections) {

    private static final int ITEM = 0x50;
    private static final int MAX_LENGTH = 0x51;
    private static final int IMPLEMENTATION_CLASS_UID = 0x52;
    private static final int ROLE_SELECTION = 0x54;
    private static final int IMPLEMENTATION_VERSION_NAME = 0x55;

    public UserInformation {
        roleSelections = List.copyOf(roleSelections);
    }

    void writeTo(PduFormat.Writer w) {
        PduFormat.Writer sub = new PduFormat.Writer();
        sub.u8(MAX_LENGTH).u8(0).u16(4).u32(maxPduLength);
        sub.item(IMPLEMENTATION_CLASS_UID, implementationClassUid);
        for (RoleSelection role : roleSelections) {
            byte[] uid = role.sopClassUid().getBytes(StandardCharsets.US_ASCII);
            sub.u8(ROLE_SELECTION).u8(0).u16(uid.length + 4).u16(uid.length).bytes(uid)
                    .u8(role.scu() ? 1 : 0).u8(role.scp() ? 1 : 0);
        }
        if (implementationVersionName != null) {
            sub.item(IMPLEMENTATION_VERSION_NAME, implementationVersionName);
        }
        w.item(ITEM, sub.toBytes());
    }

    /** Reads the sub-items of a User Information item (its header already read). */
    static UserInformation read(PduFormat.Reader r) throws DicomNetworkException {
        long max = 0;
        String classUid = null;
        String version = null;
        List<RoleSelection> roles = new ArrayList<>();
        while (r.hasRemaining()) {
            int type = r.u8();
            r.u8();
            int length = r.u16();
            PduFormat.Reader item = r.slice(length);
            switch (type) {
                case MAX_LENGTH -> max = item.u32();
                case IMPLEMENTATION_CLASS_UID -> classUid = item.ascii(length);
                case IMPLEMENTATION_VERSION_NAME -> version = item.ascii(length);
                case ROLE_SELECTION -> {
                    String uid = item.ascii(item.u16());
                    roles.add(new RoleSelection(uid, item.u8() == 1, item.u8() == 1));
                }
                default -> { } // asynchronous operations window, extended negotiation, user identity: not used
            }
        }
        return new UserInformation(max, classUid, version, roles);
    }
}
