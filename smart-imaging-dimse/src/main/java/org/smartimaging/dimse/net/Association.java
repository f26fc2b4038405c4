package org.smartimaging.dimse.net;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smartimaging.dicom.Attributes;
import org.smartimaging.dicom.DicomFileWriter;
import org.smartimaging.dicom.DicomFiles;
import org.smartimaging.dicom.ReadOptions;
import org.smartimaging.dicom.Uids;

/**
 * One established association (PS3.8 7, 9): its negotiated presentation contexts and the exchange
 * of DIMSE messages over P-DATA-TF, fragmented into PDVs no larger than the peer accepts and read
 * back without ever holding more than one PDU. Used by one thread at a time; {@link #abort()} may
 * be called from another thread to break a blocked read.
 */
public final class Association implements Closeable {

    private static final Logger LOG = LoggerFactory.getLogger(Association.class);

    /** Bound on association negotiation PDUs (A-ASSOCIATE-RQ/AC/RJ), which carry no bulk data. */
    private static final int NEGOTIATION_PDU_LIMIT = 1 << 20;
    /** Bound on a command set: a few dozen short elements in practice. */
    private static final int COMMAND_LIMIT = 64 * 1024;

    private enum State { ESTABLISHED, RELEASED, ABORTED }

    private final Socket socket;
    private final PduChannel channel;
    private final AssociationSettings settings;
    private final String localAe;
    private final String remoteAe;
    private final Map<Integer, PresentationContext> contexts;
    private final List<RoleSelection> roles;
    private final int sendFragment;
    private volatile State state = State.ESTABLISHED;
    private int nextMessageId = 1;

    // Reading position inside the current P-DATA-TF PDU.
    private byte[] pdu;
    private int pduPos;
    private int pduEnd;
    private Pdv pending;

    /** One PDV's header and where its fragment lies in the current PDU buffer. */
    private record Pdv(int contextId, boolean command, boolean last, int offset, int length) {}

    private Association(Socket socket, PduChannel channel, AssociationSettings settings, String localAe, String remoteAe,
            Map<Integer, PresentationContext> contexts, List<RoleSelection> roles, long peerMaxPdu) throws IOException {
        this.socket = socket;
        this.channel = channel;
        this.settings = settings;
        this.localAe = localAe;
        this.remoteAe = remoteAe;
        this.contexts = Map.copyOf(contexts);
        this.roles = List.copyOf(roles);
        long limit = peerMaxPdu == 0 ? settings.maxPduLength() : Math.min(peerMaxPdu, settings.maxPduLength());
        this.sendFragment = (int) Math.max(limit - 6, 256);
        socket.setSoTimeout((int) settings.idleTimeout().toMillis());
    }

    // ------------------------------------------------------------------------------ establishing

    /**
     * Opens a TCP connection and requests an association (as SCU).
     *
     * @throws DicomNetworkException when the peer rejects, aborts or answers garbage
     * @throws IOException when the peer cannot be reached or times out
     */
    public static Association connect(String host, int port, String callingAe, String calledAe,
            List<PresentationContext> proposals, List<RoleSelection> roles, AssociationSettings settings) throws IOException {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(host, port), (int) settings.connectTimeout().toMillis());
            socket.setSoTimeout((int) settings.connectTimeout().toMillis()); // ARTIM while waiting for the answer
            PduChannel channel = new PduChannel(socket.getInputStream(), socket.getOutputStream());
            AssociateRequest rq = new AssociateRequest(calledAe, callingAe, proposals, new UserInformation(
                    settings.maxPduLength(), Uids.ImplementationClassUID, Uids.ImplementationVersionName, roles));
            channel.write(PduFormat.A_ASSOCIATE_RQ, rq.encode());
            PduChannel.Pdu answer = channel.read(NEGOTIATION_PDU_LIMIT);
            switch (answer.type()) {
                case PduFormat.A_ASSOCIATE_AC -> {
                    AssociateAccept ac = AssociateAccept.parse(answer.body(), answer.length());
                    Map<Integer, PresentationContext> byId = new HashMap<>();
                    for (PresentationContext proposed : proposals) {
                        ac.presentationContexts().stream().filter(pc -> pc.id() == proposed.id() && pc.accepted()).findFirst()
                                .ifPresent(pc -> byId.put(pc.id(), new PresentationContext(pc.id(), proposed.abstractSyntax(),
                                        pc.transferSyntaxes(), pc.result())));
                    }
                    return new Association(socket, channel, settings, callingAe, calledAe, byId,
                            ac.userInformation().roleSelections(), ac.userInformation().maxPduLength());
                }
                case PduFormat.A_ASSOCIATE_RJ -> throw AssociateReject.parse(answer.body(), answer.length()).toException();
                case PduFormat.A_ABORT -> throw new DicomNetworkException("The peer aborted the association request");
                default -> {
                    sendAbort(channel, 2, 2);
                    throw new DicomNetworkException("Unexpected PDU type " + answer.type() + " in answer to A-ASSOCIATE-RQ");
                }
            }
        } catch (IOException | RuntimeException e) {
            closeQuietly(socket);
            throw e;
        }
    }

    /**
     * Reads an A-ASSOCIATE-RQ from a freshly accepted socket and answers it (as SCP).
     *
     * @param chooser for each proposed context, the transfer syntax to accept, or empty to reject it
     * @return the association, or empty when it was rejected (wrong called AE, nothing acceptable)
     */
    public static Optional<Association> accept(Socket socket, String localAe, AssociationSettings settings,
            Function<PresentationContext, Optional<String>> chooser) throws IOException {
        try {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout((int) settings.connectTimeout().toMillis()); // ARTIM while waiting for the request
            PduChannel channel = new PduChannel(socket.getInputStream(), socket.getOutputStream());
            PduChannel.Pdu request = channel.read(NEGOTIATION_PDU_LIMIT);
            if (request.type() != PduFormat.A_ASSOCIATE_RQ) {
                sendAbort(channel, 2, 2);
                throw new DicomNetworkException("Expected A-ASSOCIATE-RQ, got PDU type " + request.type());
            }
            AssociateRequest rq = AssociateRequest.parse(request.body(), request.length());
            if (!rq.calledAe().equals(localAe)) {
                channel.write(PduFormat.A_ASSOCIATE_RJ,
                        new AssociateReject(1, 1, AssociateReject.CALLED_AE_NOT_RECOGNIZED).encode());
                closeQuietly(socket);
                return Optional.empty();
            }
            List<PresentationContext> answers = new ArrayList<>();
            Map<Integer, PresentationContext> accepted = new HashMap<>();
            for (PresentationContext pc : rq.presentationContexts()) {
                Optional<String> ts = chooser.apply(pc);
                PresentationContext answer = ts.map(t -> new PresentationContext(pc.id(), pc.abstractSyntax(), List.of(t),
                        PresentationContext.ACCEPTANCE)).orElseGet(() -> new PresentationContext(pc.id(), pc.abstractSyntax(),
                        List.of(), PresentationContext.TRANSFER_SYNTAXES_NOT_SUPPORTED));
                answers.add(answer);
                if (answer.accepted()) {
                    accepted.put(pc.id(), answer);
                }
            }
            if (accepted.isEmpty()) {
                channel.write(PduFormat.A_ASSOCIATE_RJ, new AssociateReject(1, 1, AssociateReject.NO_REASON).encode());
                closeQuietly(socket);
                return Optional.empty();
            }
            AssociateAccept ac = new AssociateAccept(rq.calledAe(), rq.callingAe(), answers, new UserInformation(
                    settings.maxPduLength(), Uids.ImplementationClassUID, Uids.ImplementationVersionName, List.of()));
            channel.write(PduFormat.A_ASSOCIATE_AC, ac.encode());
            return Optional.of(new Association(socket, channel, settings, localAe, rq.callingAe(), accepted, List.of(),
                    rq.userInformation().maxPduLength()));
        } catch (IOException | RuntimeException e) {
            closeQuietly(socket);
            throw e;
        }
    }

    // ------------------------------------------------------------------------------ negotiated

    public String remoteAe() {
        return remoteAe;
    }

    public String localAe() {
        return localAe;
    }

    /** The accepted context with this id, or null. */
    public PresentationContext context(int id) {
        return contexts.get(id);
    }

    /** The first accepted context for an abstract syntax. */
    public Optional<PresentationContext> acceptedContext(String abstractSyntax) {
        return contexts.values().stream().filter(pc -> pc.abstractSyntax().equals(abstractSyntax))
                .min(java.util.Comparator.comparingInt(PresentationContext::id));
    }

    /** Role selections the acceptor answered. */
    public List<RoleSelection> roleSelections() {
        return roles;
    }

    public int nextMessageId() {
        int id = nextMessageId;
        nextMessageId = nextMessageId == 0xffff ? 1 : nextMessageId + 1;
        return id;
    }

    /** Sets the read timeout for the next reads (e.g. the time left of an operation's deadline). */
    public void setReadTimeout(Duration timeout) throws IOException {
        socket.setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis())));
    }

    public Duration idleTimeout() {
        return settings.idleTimeout();
    }

    // ------------------------------------------------------------------------------ sending

    /** Sends a command (encoded in implicit VR little endian, PS3.7 6.3.1) and its data set, if any. */
    public void send(int contextId, Attributes command, Attributes dataset) throws IOException {
        requireEstablished();
        PresentationContext pc = contexts.get(contextId);
        if (pc == null) {
            throw new IllegalArgumentException("No accepted presentation context " + contextId);
        }
        fragment(contextId, true, CommandEncoding.encode(command));
        if (dataset != null) {
            ByteArrayOutputStream data = new ByteArrayOutputStream(1024);
            DicomFileWriter.writeDataset(dataset, data, pc.transferSyntax());
            fragment(contextId, false, data.toByteArray());
        }
        channel.flush();
    }

    private void fragment(int contextId, boolean command, byte[] bytes) throws IOException {
        int offset = 0;
        do {
            int n = Math.min(sendFragment, bytes.length - offset);
            channel.writePdv(contextId, command, offset + n == bytes.length, bytes, offset, n);
            offset += n;
        } while (offset < bytes.length);
    }

    // ------------------------------------------------------------------------------ receiving

    /**
     * The next command from the peer. Returns null when the peer released the association (it was
     * answered with A-RELEASE-RP). When the command has a data set, read it next with {@link #dataStream()}.
     */
    public Command readCommand() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        int contextId = -1;
        while (true) {
            Pdv pdv = nextPdv();
            if (pdv == null) {
                return null;
            }
            if (!pdv.command()) {
                throw protocolError("a data PDV where a command was expected");
            }
            if (contextId == -1) {
                contextId = pdv.contextId();
                if (!contexts.containsKey(contextId)) {
                    throw protocolError("a PDV on presentation context " + contextId + ", which was not accepted");
                }
            } else if (contextId != pdv.contextId()) {
                throw protocolError("command fragments on two presentation contexts");
            }
            if (bytes.size() + pdv.length() > COMMAND_LIMIT) {
                throw protocolError("a command set over " + COMMAND_LIMIT + " bytes");
            }
            bytes.write(pdu, pdv.offset(), pdv.length());
            if (pdv.last()) {
                break;
            }
        }
        try {
            Attributes fields = DicomFiles.readDataset(new ByteArrayInputStream(bytes.toByteArray()),
                    Uids.ImplicitVRLittleEndian, ReadOptions.defaults().withMaxTotalLength(COMMAND_LIMIT));
            return new Command(contextId, fields);
        } catch (IOException e) {
            throw protocolError("an unreadable command set (" + e.getMessage() + ")");
        }
    }

    /**
     * The data set that follows the command just read, as it arrives in data PDVs. Read it to the end
     * (or close it, which skips the rest) before reading the next command.
     */
    public InputStream dataStream() {
        return new DataStream();
    }

    private final class DataStream extends InputStream {
        private int offset;
        private int remaining;
        private boolean last;
        private boolean ended;
        private int contextId = -1;

        private boolean fill() throws IOException {
            while (remaining == 0) {
                if (last) {
                    ended = true;
                    return false;
                }
                Pdv pdv = nextPdv();
                if (pdv == null) {
                    throw protocolError("a release request in the middle of a data set");
                }
                if (pdv.command()) {
                    throw protocolError("a command PDV inside a data set");
                }
                if (contextId == -1) {
                    contextId = pdv.contextId();
                } else if (contextId != pdv.contextId()) {
                    throw protocolError("data fragments on two presentation contexts");
                }
                offset = pdv.offset();
                remaining = pdv.length();
                last = pdv.last();
            }
            return true;
        }

        @Override
        public int read() throws IOException {
            if (ended || !fill()) {
                return -1;
            }
            remaining--;
            return pdu[offset++] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (ended || !fill()) {
                return -1;
            }
            int n = Math.min(len, remaining);
            System.arraycopy(pdu, offset, b, off, n);
            offset += n;
            remaining -= n;
            return n;
        }

        /** Hands each fragment to {@code out} straight from the PDU buffer, without an intermediate copy. */
        @Override
        public long transferTo(java.io.OutputStream out) throws IOException {
            long n = 0;
            while (!ended && fill()) {
                int length = remaining;
                remaining = 0;
                int from = offset;
                offset += length;
                out.write(pdu, from, length);
                n += length;
            }
            return n;
        }

        @Override
        public void close() throws IOException {
            while (!ended && fill()) {
                offset += remaining;
                remaining = 0;
            }
        }
    }

    private Pdv nextPdv() throws IOException {
        while (pduPos >= pduEnd) {
            requireEstablished();
            PduChannel.Pdu next;
            try {
                next = channel.read(settings.maxPduLength());
            } catch (DicomNetworkException e) {
                abort();
                throw e;
            }
            switch (next.type()) {
                case PduFormat.P_DATA_TF -> {
                    pdu = next.body();
                    pduPos = 0;
                    pduEnd = next.length();
                }
                case PduFormat.A_RELEASE_RQ -> {
                    channel.write(PduFormat.A_RELEASE_RP, new byte[4]);
                    state = State.RELEASED;
                    closeQuietly(socket);
                    return null;
                }
                case PduFormat.A_ABORT -> {
                    state = State.ABORTED;
                    closeQuietly(socket);
                    throw new DicomNetworkException("The peer aborted the association");
                }
                default -> throw protocolError("PDU type " + next.type() + " during data transfer");
            }
        }
        if (pduEnd - pduPos < 6) {
            throw protocolError("a truncated PDV item");
        }
        long itemLength = ((pdu[pduPos] & 0xffL) << 24) | ((pdu[pduPos + 1] & 0xff) << 16)
                | ((pdu[pduPos + 2] & 0xff) << 8) | (pdu[pduPos + 3] & 0xff);
        if (itemLength < 2 || itemLength > pduEnd - pduPos - 4) {
            throw protocolError("a PDV item length that does not fit its PDU");
        }
        int contextId = pdu[pduPos + 4] & 0xff;
        int header = pdu[pduPos + 5] & 0xff;
        Pdv pdv = new Pdv(contextId, (header & 1) != 0, (header & 2) != 0, pduPos + 6, (int) itemLength - 2);
        pduPos += 4 + (int) itemLength;
        return pdv;
    }

    // ------------------------------------------------------------------------------ ending

    /** A-RELEASE-RQ, then waits (ARTIM) for A-RELEASE-RP; aborts when the peer does not answer. */
    public void release() {
        if (state != State.ESTABLISHED) {
            return;
        }
        try {
            channel.write(PduFormat.A_RELEASE_RQ, new byte[4]);
            socket.setSoTimeout((int) settings.connectTimeout().toMillis());
            for (int i = 0; i < 1000; i++) {
                PduChannel.Pdu answer = channel.read(settings.maxPduLength());
                if (answer.type() == PduFormat.A_RELEASE_RP || answer.type() == PduFormat.A_ABORT) {
                    break;
                }
                if (answer.type() == PduFormat.A_RELEASE_RQ) { // release collision (PS3.8 7.2.2): requestor answers
                    channel.write(PduFormat.A_RELEASE_RP, new byte[4]);
                }
            }
            state = State.RELEASED;
        } catch (IOException e) {
            LOG.debug("Release of association with {} failed: {}", remoteAe, e.getMessage());
            abort();
        } finally {
            closeQuietly(socket);
        }
    }

    /** A-ABORT (service user) and close; safe from any thread, idempotent. */
    public void abort() {
        if (state == State.ESTABLISHED) {
            state = State.ABORTED;
            try {
                sendAbort(channel, 0, 0);
            } catch (IOException | RuntimeException e) {
                LOG.trace("A-ABORT not sent: {}", e.getMessage());
            }
        }
        closeQuietly(socket);
    }

    /** Releases the association if it is still established. */
    @Override
    public void close() {
        release();
    }

    public boolean isEstablished() {
        return state == State.ESTABLISHED && !socket.isClosed();
    }

    private DicomNetworkException protocolError(String what) {
        abort();
        return new DicomNetworkException("Protocol error from " + remoteAe + ": " + what);
    }

    private void requireEstablished() throws DicomNetworkException {
        if (state != State.ESTABLISHED) {
            throw new DicomNetworkException("The association with " + remoteAe + " is " + state.name().toLowerCase());
        }
    }

    private static void sendAbort(PduChannel channel, int source, int reason) throws IOException {
        channel.write(PduFormat.A_ABORT, new byte[] {0, 0, (byte) source, (byte) reason});
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // nothing left to do
        }
    }
}
