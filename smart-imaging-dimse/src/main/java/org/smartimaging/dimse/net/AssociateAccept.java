package org.smartimaging.dimse.net;

import java.util.ArrayList;
import java.util.List;

/** A-ASSOCIATE-AC (PS3.8 9.3.3): the result for each proposed presentation context, and user information. */
public record AssociateAccept(String calledAe, String callingAe, List<PresentationContext> presentationContexts,
        UserInformation userInformation) {

    static final int CONTEXT_ITEM = 0x21;

    public AssociateAccept {
        presentationContexts = List.copyOf(presentationContexts);
    }

    byte[] encode() {
        PduFormat.Writer w = AssociatePdu.start(calledAe, callingAe);
        for (PresentationContext pc : presentationContexts) {
            PduFormat.Writer item = new PduFormat.Writer();
            item.u8(pc.id()).u8(0).u8(pc.result()).u8(0);
            // A rejected context still carries a transfer syntax sub-item, whose value is not significant.
            item.item(0x40, pc.transferSyntaxes().isEmpty() ? "" : pc.transferSyntaxes().get(0));
            w.item(CONTEXT_ITEM, item.toBytes());
        }
        userInformation.writeTo(w);
        return w.toBytes();
    }

    static AssociateAccept parse(byte[] body, int length) throws DicomNetworkException {
        AssociatePdu.Fields fields = AssociatePdu.read(body, length, CONTEXT_ITEM, "A-ASSOCIATE-AC");
        List<PresentationContext> contexts = new ArrayList<>();
        for (PduFormat.Reader item : fields.contextItems()) {
            int id = item.u8();
            item.u8();
            int result = item.u8();
            item.u8();
            String ts = null;
            while (item.hasRemaining()) {
                int subType = item.u8();
                item.u8();
                String uid = item.ascii(item.u16());
                if (subType == 0x40) {
                    ts = uid;
                }
            }
            if (id % 2 == 0) {
                throw new DicomNetworkException("A-ASSOCIATE-AC: presentation context id " + id + " is even");
            }
            contexts.add(new PresentationContext(id, "", ts == null || ts.isEmpty() ? List.of() : List.of(ts), result));
        }
        return new AssociateAccept(fields.calledAe(), fields.callingAe(), contexts, fields.userInformation());
    }
}
