package org.smartimaging.dimse.net;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.smartimaging.dicom.Attributes;
import org.smartimaging.dicom.DicomFiles;
import org.smartimaging.dicom.ReadOptions;

/**
 * C-FIND as SCU (PS3.7 9.1.2, PS3.4 C.4.1): sends the identifier, collects the pending answers. An
 * answer with more matches than allowed is cancelled (C-CANCEL, PS3.7 9.3.2.3) and reported as
 * {@link TooManyMatchesException}, never silently cut.
 */
public final class FindScu {

    /** Bounds on one identifier in an answer: text attributes only, never bulk data. */
    private static final ReadOptions IDENTIFIER = ReadOptions.defaults().withMaxValueLength(64 * 1024)
            .withMaxPixelDataLength(0).withMaxTotalLength(1 << 20).withMaxElements(10_000);
    /** Answers still accepted (and dropped) after C-CANCEL, before giving up on the association. */
    private static final int AFTER_CANCEL = 10_000;

    private FindScu() {}

    public static List<Attributes> find(Association association, String sopClassUid, Attributes keys, int maxMatches)
            throws IOException {
        PresentationContext pc = association.acceptedContext(sopClassUid)
                .orElseThrow(() -> new DicomNetworkException("The peer did not accept C-FIND " + sopClassUid));
        int id = association.nextMessageId();
        association.send(pc.id(), Commands.request(Command.C_FIND_RQ, sopClassUid, id, true), keys);
        List<Attributes> matches = new ArrayList<>();
        boolean cancelled = false;
        int dropped = 0;
        while (true) {
            Command rsp = association.readCommand();
            if (rsp == null || rsp.commandField() != Command.C_FIND_RSP || rsp.respondedTo() != id) {
                association.abort();
                throw new DicomNetworkException("Expected C-FIND-RSP to message " + id);
            }
            Attributes identifier = null;
            if (rsp.hasDataset()) {
                try (InputStream data = association.dataStream()) {
                    if (!cancelled) {
                        identifier = DicomFiles.readDataset(data, association.context(rsp.contextId()).transferSyntax(),
                                IDENTIFIER);
                    }
                }
            }
            int status = rsp.status();
            if (!Status.isPending(status)) {
                if (cancelled) {
                    throw new TooManyMatchesException(maxMatches);
                }
                if (status != Status.SUCCESS && !Status.isWarning(status)) {
                    throw new DimseStatusException(status, "C-FIND failed");
                }
                return matches;
            }
            if (cancelled) {
                if (++dropped > AFTER_CANCEL) {
                    association.abort();
                    throw new TooManyMatchesException(maxMatches);
                }
                continue;
            }
            if (identifier != null) {
                if (matches.size() >= maxMatches) {
                    association.send(pc.id(), Commands.cancel(id), null);
                    cancelled = true;
                    continue;
                }
                matches.add(identifier);
            }
        }
    }
}
