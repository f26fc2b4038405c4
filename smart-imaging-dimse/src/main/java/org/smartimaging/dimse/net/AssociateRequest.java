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
        PduFormat.Writer w = AssociatePdu.start(calledAe, callingAe);
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
        AssociatePdu.Fields fields = AssociatePdu.read(body, length, CONTEXT_ITEM, "A-ASSOCIATE-RQ");
        if ((fields.version() & 1) == 0) {
            throw new DicomNetworkException("A-ASSOCIATE-RQ: protocol version 1 not supported by the peer");
        }
        List<PresentationContext> contexts = new ArrayList<>();
        for (PduFormat.Reader item : fields.contextItems()) {
            int id = item.u8();
            item.skip(3);
            String abstractSyntax = null;
            List<String> transferSyntaxes = new ArrayList<>();
            while (item.hasRemaining()) {
                int subType = item.u8();
                item.u8();
                String uid = item.ascii(item.u16());
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
        }
        return new AssociateRequest(fields.calledAe(), fields.callingAe(), contexts, fields.userInformation());
    }
}
