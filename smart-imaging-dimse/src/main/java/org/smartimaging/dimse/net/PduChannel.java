package org.smartimaging.dimse.net;

import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Reads and writes whole PDUs (PS3.8 9.3.1: type, reserved, 32-bit length, body) on a socket's
 * streams. A PDU longer than the caller's bound is refused before any of its body is read, so a peer
 * cannot make us allocate more than the negotiated maximum.
 */
final class PduChannel {

    /** A PDU as read: its type and body, valid until the next read (the buffer is reused). */
    record Pdu(int type, byte[] body, int length) {}

    private final DataInputStream in;
    private final OutputStream out;
    private final byte[] header = new byte[6];
    private byte[] buffer = new byte[8192];

    PduChannel(InputStream in, OutputStream out) {
        this.in = new DataInputStream(in);
        this.out = new BufferedOutputStream(out, 64 * 1024);
    }

    Pdu read(long maxLength) throws IOException {
        // The 6-byte header in one read (the socket stream is unbuffered: one system call per read).
        try {
            in.readFully(header);
        } catch (EOFException e) {
            throw new DicomNetworkException("The peer closed the connection");
        }
        int type = header[0] & 0xff;
        long length = ((header[2] & 0xffL) << 24) | ((header[3] & 0xff) << 16) | ((header[4] & 0xff) << 8) | (header[5] & 0xff);
        if (type < PduFormat.A_ASSOCIATE_RQ || type > PduFormat.A_ABORT) {
            throw new DicomNetworkException("Unrecognized PDU type 0x" + Integer.toHexString(type));
        }
        if (length > maxLength) {
            throw new DicomNetworkException("PDU of " + length + " bytes exceeds the maximum of " + maxLength);
        }
        if (buffer.length < length) {
            buffer = new byte[(int) Math.max(length, Math.min(maxLength, buffer.length * 2L))];
        }
        in.readFully(buffer, 0, (int) length);
        return new Pdu(type, buffer, (int) length);
    }

    void write(int type, byte[] body) throws IOException {
        header(type, body.length);
        out.write(body);
        out.flush();
    }

    /** One P-DATA-TF PDU holding one PDV (PS3.8 9.3.5, E.2). */
    void writePdv(int contextId, boolean command, boolean last, byte[] data, int offset, int length) throws IOException {
        header(PduFormat.P_DATA_TF, length + 6);
        int itemLength = length + 2;
        out.write(itemLength >>> 24);
        out.write(itemLength >>> 16);
        out.write(itemLength >>> 8);
        out.write(itemLength);
        out.write(contextId);
        out.write((command ? 1 : 0) | (last ? 2 : 0));
        out.write(data, offset, length);
    }

    void flush() throws IOException {
        out.flush();
    }

    private void header(int type, long length) throws IOException {
        out.write(type);
        out.write(0);
        out.write((int) (length >>> 24));
        out.write((int) (length >>> 16));
        out.write((int) (length >>> 8));
        out.write((int) length);
    }
}
