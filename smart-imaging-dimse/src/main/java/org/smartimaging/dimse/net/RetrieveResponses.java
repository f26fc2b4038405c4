package org.smartimaging.dimse.net;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * The response loop shared by C-GET and C-MOVE: pending responses report progress, C-STORE
 * requests (C-GET only) go to the sink, the final response ends it. Past the deadline the operation
 * is cancelled with C-CANCEL and, if the archive does not end it promptly, aborted.
 */
final class RetrieveResponses {

    private static final Duration CANCEL_GRACE = Duration.ofSeconds(5);

    private RetrieveResponses() {}

    static RetrieveResult await(Association association, int contextId, int messageId, int rspField, StorageSink sink,
            Consumer<RetrieveProgress> listener, Instant deadline) throws IOException {
        Instant cancelDeadline = null;
        while (true) {
            Instant now = Instant.now();
            Instant until = cancelDeadline != null ? cancelDeadline : deadline;
            if (!now.isBefore(until)) {
                if (cancelDeadline != null) {
                    association.abort();
                    throw new SocketTimeoutException("The archive did not end the cancelled retrieval");
                }
                association.send(contextId, Commands.cancel(messageId), null);
                cancelDeadline = now.plus(CANCEL_GRACE);
                continue;
            }
            Duration left = Duration.between(now, until);
            association.setReadTimeout(left.compareTo(association.idleTimeout()) < 0 ? left : association.idleTimeout());
            Command command;
            try {
                command = association.readCommand();
            } catch (SocketTimeoutException e) {
                if (Instant.now().isBefore(until)) {
                    association.abort(); // idle: the archive went silent
                    throw new SocketTimeoutException("No answer from " + association.remoteAe() + " within "
                            + association.idleTimeout().toSeconds() + " s");
                }
                continue; // deadline reached: cancel at the top of the loop
            }
            if (command == null) {
                throw new DicomNetworkException("The archive released the association during a retrieval");
            }
            if (command.commandField() == Command.C_STORE_RQ && sink != null) {
                StoreScp.handle(association, command, cancelDeadline != null ? discard() : sink);
                continue;
            }
            if (command.commandField() != rspField || command.respondedTo() != messageId) {
                association.abort();
                throw new DicomNetworkException("Unexpected DIMSE command 0x" + Integer.toHexString(command.commandField())
                        + " during a retrieval");
            }
            if (command.hasDataset()) {
                association.dataStream().close(); // failed SOP instance list: counted below, not needed
            }
            RetrieveProgress progress = RetrieveProgress.of(command);
            if (Status.isPending(command.status())) {
                listener.accept(progress);
                continue;
            }
            if (cancelDeadline != null) {
                throw new SocketTimeoutException("Retrieval cancelled: it did not finish in time");
            }
            listener.accept(progress);
            return new RetrieveResult(command.status(), progress, command.string(org.smartimaging.dicom.Tag.ErrorComment));
        }
    }

    private static StorageSink discard() {
        return (sopClass, sop, ts, data) -> {
            data.transferTo(java.io.OutputStream.nullOutputStream());
            return Status.OUT_OF_RESOURCES;
        };
    }
}
