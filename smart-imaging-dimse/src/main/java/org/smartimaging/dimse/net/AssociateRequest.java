package org.smartimaging.dimse.net;

import java.util.ArrayList;
import java.util.List;

/** A-ASSOCIATE-RQ (PS3.8 9.3.2): who calls whom, the presentation contexts proposed, user information. */
public record AssociateRequest(String calledAe, String callingAe, List<PresentationContext> presentationContexts,
        UserInformation userInformation) {

    static final int CONTEXT_ITEM = 0x20;

    public AssociateRequest {
        presentationContexts = List.copyOf(presentationContexts);
    }

    /** The PDU body (after the 6-byte PDU header). */
    byte[] encode() {
        PduFormat.Writer w = new PduFormat.Writer();
        w.u16(1).zeros(2).ae(calledAe).ae(callingAe).zeros(32);
        w.item(0x10, PduFormat.APPLICATION_CONTEXT);
        for (PresentationContext pc : presentationContexts) {
            PduFormat.Writer item = new PduFormat.Writer();
            item.u8(pc.id()).zeros(3).item(0x30, pc.abstractSyntax());
            pc.transferSyntaxes().forEach(ts -> item.item(0x40, ts));
            w.item(CONTEXT_ITEM, item.toBytes());
        }
        userInformation.writeTo(w);
        return w.toBytes();
    }

    static AssociateRequest parse(byte[] body, int length) throws DicomNetworkException {
        PduFormat.Reader r = new PduFormat.Reader(body, 0, length);
        int version = r.u16();
        if ((version & 1) == 0) {
            throw new DicomNetworkException("A-ASSOCIATE-RQ: protocol version 1 not supported by the peer");
        }
        r.skip(2);
        String called = r.ascii(16);
        String calling = r.ascii(16);
        r.skip(32);
        List<PresentationContext> contexts = new ArrayList<>();
        UserInformation user = null;
        while (r.hasRemaining()) {
            int type = r.u8();
            r.u8();
            PduFormat.Reader item = r.slice(r.u16());
            if (type == CONTEXT_ITEM) {
                int id = item.u8();
                item.skip(3);
                String abstractSyntax = null;
                List<String> transferSyntaxes = new ArrayList<>();
                while (item.hasRemaining()) {
                    int subType = item.u8();
                    item.u8();
                    int subLength = item.u16();
                    String uid = item.ascii(subLength);
                    if (subType == 0x30) {
                        abstractSyntax = uid;
                    } else if (subType == 0x40) {
                        transferSyntaxes.add(uid);
                    }
                }
                if (abstractSyntax == null || id % 2 == 0) {
                    throw new DicomNetworkException("A-ASSOCIATE-RQ: presentation context " + id + " is malformed");
                }
                contexts.add(new PresentationContext(id, abstractSyntax, transferSyntaxes, 0));
            } else if (type == 0x50) {
                user = UserInformation.read(item);
            }
        }
        if (user == null) {
            throw new DicomNetworkException("A-ASSOCIATE-RQ without user information item");
        }
        return new AssociateRequest(called, calling, contexts, user);
    }
}
