package org.smartimaging.dimse.net;

import java.io.ByteArrayOutputStream;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Big-endian field encoding shared by the PDU messages (PS3.8 9.3): a writer and a bounds-checked reader. */
final class PduFormat {

    static final int A_ASSOCIATE_RQ = 0x01;
    static final int A_ASSOCIATE_AC = 0x02;
    static final int A_ASSOCIATE_RJ = 0x03;
    static final int P_DATA_TF = 0x04;
    static final int A_RELEASE_RQ = 0x05;
    static final int A_RELEASE_RP = 0x06;
    static final int A_ABORT = 0x07;

    static final String APPLICATION_CONTEXT = "1.2.840.10008.3.1.1.1";

    private PduFormat() {}

    /** Writes items and fields in network byte order. */
    static final class Writer {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream(256);

        Writer u8(int v) {
            out.write(v);
            return this;
        }

        Writer u16(int v) {
            out.write(v >>> 8);
            out.write(v);
            return this;
        }

        Writer u32(long v) {
            u16((int) (v >>> 16));
            return u16((int) v);
        }

        Writer bytes(byte[] b) {
            out.writeBytes(b);
            return this;
        }

        Writer zeros(int n) {
            out.writeBytes(new byte[n]);
            return this;
        }

        /** An AE title: 16 bytes, space padded (PS3.8 9.3.2). */
        Writer ae(String title) {
            byte[] b = title.getBytes(StandardCharsets.US_ASCII);
            byte[] padded = new byte[16];
            java.util.Arrays.fill(padded, (byte) ' ');
            System.arraycopy(b, 0, padded, 0, Math.min(16, b.length));
            return bytes(padded);
        }

        /** An item: type, reserved byte, 16-bit length, then the content. */
        Writer item(int type, byte[] content) {
            return u8(type).u8(0).u16(content.length).bytes(content);
        }

        Writer item(int type, String ascii) {
            return item(type, ascii.getBytes(StandardCharsets.US_ASCII));
        }

        byte[] toBytes() {
            return out.toByteArray();
        }
    }

    /** Reads a PDU body; any read past the end is a malformed PDU. */
    static final class Reader {
        private final ByteBuffer buf;

        Reader(byte[] body, int offset, int length) {
            this.buf = ByteBuffer.wrap(body, offset, length);
        }

        int u8() throws DicomNetworkException {
            try {
                return buf.get() & 0xff;
            } catch (BufferUnderflowException e) {
                throw malformed();
            }
        }

        int u16() throws DicomNetworkException {
            try {
                return buf.getShort() & 0xffff;
            } catch (BufferUnderflowException e) {
                throw malformed();
            }
        }

        long u32() throws DicomNetworkException {
            try {
                return buf.getInt() & 0xffffffffL;
            } catch (BufferUnderflowException e) {
                throw malformed();
            }
        }

        byte[] bytes(int n) throws DicomNetworkException {
            if (n < 0 || n > buf.remaining()) {
                throw malformed();
            }
            byte[] b = new byte[n];
            buf.get(b);
            return b;
        }

        void skip(int n) throws DicomNetworkException {
            if (n < 0 || n > buf.remaining()) {
                throw malformed();
            }
            buf.position(buf.position() + n);
        }

        String ascii(int n) throws DicomNetworkException {
            return trim(new String(bytes(n), StandardCharsets.US_ASCII));
        }

        boolean hasRemaining() {
            return buf.hasRemaining();
        }

        /** A sub-reader over the next {@code n} bytes, which this reader skips. */
        Reader slice(int n) throws DicomNetworkException {
            if (n < 0 || n > buf.remaining()) {
                throw malformed();
            }
            Reader r = new Reader(buf.array(), buf.arrayOffset() + buf.position(), n);
            buf.position(buf.position() + n);
            return r;
        }

        private static String trim(String s) {
            int start = 0;
            int end = s.length();
            while (start < end && (s.charAt(start) == ' ' || s.charAt(start) == 0)) {
                start++;
            }
            while (end > start && (s.charAt(end - 1) == ' ' || s.charAt(end - 1) == 0)) {
                end--;
            }
            return s.substring(start, end);
        }

        static DicomNetworkException malformed() {
            return new DicomNetworkException("Malformed PDU: a field runs past the end of its item");
        }
    }
}
