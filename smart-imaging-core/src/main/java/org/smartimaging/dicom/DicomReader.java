package org.smartimaging.dicom;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.util.Arrays;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;
import java.util.zip.ZipException;

/**
 * Reads data elements (PS3.5 7) from a stream into {@link Attributes}. Input is untrusted: every
 * length is checked against the enclosing item and the {@link ReadOptions} bounds before use, and a
 * value is allocated as its bytes arrive, so a declared length larger than the input fails at the
 * end of the input rather than at allocation. Each loop step consumes at least eight bytes.
 */
final class DicomReader {

    private static final long UNDEFINED = 0xFFFFFFFFL;
    private static final int CHUNK = 64 * 1024;

    private final InputStream in;
    private final ReadOptions options;
    private final byte[] header = new byte[8];
    private long position;
    private boolean explicitVr;
    private boolean bigEndian;
    private int elementCount;
    private long totalLength;
    /** Set when reading stopped at top-level pixel data. */
    private boolean stopped;

    DicomReader(InputStream in, ReadOptions options, long startPosition, Encoding encoding) {
        this.in = in;
        this.options = options;
        this.position = startPosition;
        this.explicitVr = encoding.explicitVr();
        this.bigEndian = encoding.bigEndian();
    }

    long position() {
        return position;
    }

    /** Reads group 0002 elements (explicit VR little endian, whatever follows) until another group starts. */
    Attributes readFileMetaInformation() throws IOException {
        Attributes meta = new Attributes();
        explicitVr = true;
        bigEndian = false;
        while (true) {
            if (!fill(header, 0, 2, true)) {
                return meta; // end of input: no data set
            }
            int group = uint16(header, 0);
            unread(header, 2);
            if (group != 0x0002) {
                return meta;
            }
            readElement(meta, 0, -1);
        }
    }

    /**
     * Reads the data set that follows the File Meta Information, in the encoding of
     * {@code transferSyntaxUid}; offsets in messages about deflated data count inflated bytes.
     */
    Attributes continueAsDataset(String transferSyntaxUid) throws IOException {
        Encoding encoding = Encoding.of(transferSyntaxUid);
        Attributes dataset = new Attributes();
        if (encoding.deflated()) {
            InputStream rest = new SequenceInputStream(
                    new ByteArrayInputStream(pending, pendingStart, pendingEnd - pendingStart), in);
            pendingStart = pendingEnd;
            Inflater inflater = new Inflater(true);
            try {
                new DicomReader(new InflaterInputStream(rest, inflater, 8192), options, 0, encoding)
                        .readDataset(dataset);
            } finally {
                inflater.end();
            }
        } else {
            explicitVr = encoding.explicitVr();
            bigEndian = encoding.bigEndian();
            readDataset(dataset);
        }
        return dataset;
    }

    /** Reads a top-level data set until the end of the input (or pixel data, if so configured). */
    void readDataset(Attributes target) throws IOException {
        readItemContent(target, -1, 0, true);
    }

    // ---------------------------------------------------------------- data sets and items

    /**
     * Reads elements into {@code target} until {@code end} (a position), or, if {@code end} is -1,
     * until an Item Delimitation Item (nested) or the end of the input (top level).
     */
    private void readItemContent(Attributes target, long end, int depth, boolean topLevel) throws IOException {
        while (true) {
            if (end >= 0 && position >= end) {
                if (position > end) {
                    throw error("element overruns its enclosing item ending at offset " + end, -1);
                }
                return;
            }
            if (topLevel && atEnd()) {
                return;
            }
            if (!readElement(target, depth, end)) {
                if (end >= 0 || topLevel) {
                    throw error("Item Delimitation Item outside an item of undefined length",
                            Tag.ItemDelimitationItem);
                }
                return;
            }
            if (topLevel && stopped) {
                return;
            }
        }
    }


    /**
     * Reads one element into {@code target}; returns false if it was an Item Delimitation Item.
     * {@code end} is the end position of the enclosing item, or -1 if not known.
     */
    private boolean readElement(Attributes target, int depth, long end) throws IOException {
        long start = position;
        int tag = readTag();
        if (tag == Tag.ItemDelimitationItem) {
            readUInt32(tag);
            return false;
        }
        if (tag == Tag.Item || tag == Tag.SequenceDelimitationItem) {
            throw error("unexpected " + (tag == Tag.Item ? "Item" : "Sequence Delimitation Item")
                    + " in a data set at offset " + start, tag);
        }
        if (++elementCount > options.maxElements()) {
            throw error("more than " + options.maxElements() + " elements", tag);
        }
        VR vr;
        long length;
        if (explicitVr) {
            fillOrFail(header, 0, 2, tag);
            vr = VR.of(header[0] & 0xFF, header[1] & 0xFF);
            if (vr == null) {
                throw error(String.format("unknown VR code 0x%02X%02X", header[0] & 0xFF, header[1] & 0xFF), tag);
            }
            if (vr.hasLongLength()) {
                fillOrFail(header, 0, 2, tag); // reserved
                length = readUInt32(tag);
            } else {
                fillOrFail(header, 0, 2, tag);
                length = uint16(header, 0);
            }
        } else {
            vr = ElementDictionary.vrOf(tag);
            length = readUInt32(tag);
        }
        if (end >= 0 && length != UNDEFINED && position + length > end) {
            throw error("value length " + length + " overruns its enclosing item ending at offset " + end, tag);
        }
        boolean pixelData = tag == Tag.PixelData && depth == 0;
        if (pixelData && options.stopBeforePixelData()) {
            target.put(tag, vr, new BulkData(position, length == UNDEFINED ? -1 : length));
            stopped = true;
            return true;
        }
        if (length == UNDEFINED) {
            if (pixelData || tag == Tag.PixelData) {
                target.put(tag, vr == VR.OW ? VR.OB : vr, readFragments(tag));
            } else if (vr == VR.SQ || vr == VR.UN || !explicitVr) {
                // PS3.5 6.2.2: UN of undefined length holds an implicit VR little endian sequence.
                boolean saveExplicit = explicitVr;
                boolean saveBig = bigEndian;
                if (vr == VR.UN) {
                    explicitVr = false;
                    bigEndian = false;
                }
                Sequence seq = target.newSequence(tag);
                readSequence(seq, tag, -1, depth + 1);
                explicitVr = saveExplicit;
                bigEndian = saveBig;
            } else {
                throw error("undefined length for VR " + vr, tag);
            }
        } else if (vr == VR.SQ) {
            readSequence(target.newSequence(tag), tag, length, depth + 1);
        } else if (tag == Tag.DataSetTrailingPadding) {
            skip(length, tag);
        } else {
            byte[] value = readValue(tag, length, pixelData || tag == Tag.PixelData);
            if (bigEndian && vr.swapUnit() > 1) {
                swap(value, vr.swapUnit());
            }
            target.put(tag, vr, value);
        }
        return true;
    }

    private void readSequence(Sequence seq, int seqTag, long length, int depth) throws IOException {
        if (depth > options.maxDepth()) {
            throw error("sequences nested deeper than " + options.maxDepth(), seqTag);
        }
        long end = length == UNDEFINED || length < 0 ? -1 : position + length;
        while (true) {
            if (end >= 0 && position >= end) {
                if (position > end) {
                    throw error("item overruns its sequence ending at offset " + end, seqTag);
                }
                return;
            }
            long start = position;
            int tag = readTag();
            long itemLength = readUInt32(tag);
            if (tag == Tag.SequenceDelimitationItem) {
                if (end >= 0) {
                    throw error("Sequence Delimitation Item in a sequence of defined length", seqTag);
                }
                return;
            }
            if (tag != Tag.Item) {
                throw error("expected an Item in sequence " + Tag.toString(seqTag) + " at offset " + start
                        + ", found", tag);
            }
            if (++elementCount > options.maxElements()) {
                throw error("more than " + options.maxElements() + " elements", tag);
            }
            Attributes item = seq.addItem();
            if (itemLength == UNDEFINED) {
                readItemContent(item, -1, depth, false);
            } else {
                if (end >= 0 && position + itemLength > end) {
                    throw error("item length " + itemLength + " overruns its sequence ending at offset " + end,
                            seqTag);
                }
                readItemContent(item, position + itemLength, depth, false);
            }
        }
    }

    private Fragments readFragments(int pixelTag) throws IOException {
        Fragments fragments = new Fragments();
        long total = 0;
        while (true) {
            long start = position;
            int tag = readTag();
            long length = readUInt32(tag);
            if (tag == Tag.SequenceDelimitationItem) {
                return fragments;
            }
            if (tag != Tag.Item) {
                throw error("expected a fragment Item in encapsulated pixel data at offset " + start + ", found", tag);
            }
            if (length == UNDEFINED) {
                throw error("fragment of undefined length", pixelTag);
            }
            if (++elementCount > options.maxElements()) {
                throw error("more than " + options.maxElements() + " elements", pixelTag);
            }
            total += length;
            if (total > options.maxPixelDataLength()) {
                throw error("encapsulated pixel data longer than " + options.maxPixelDataLength() + " bytes", pixelTag);
            }
            fragments.items().add(readValue(pixelTag, length, true));
        }
    }

    // ---------------------------------------------------------------- primitives

    /** Bytes given back after a look-ahead, read again before the stream. */
    private final byte[] pending = new byte[8];
    private int pendingStart;
    private int pendingEnd;

    private void unread(byte[] b, int len) {
        System.arraycopy(b, 0, pending, 0, len);
        pendingStart = 0;
        pendingEnd = len;
        position -= len;
    }

    private boolean atEnd() throws IOException {
        if (pendingStart < pendingEnd) {
            return false;
        }
        int n = read(header, 0, 1);
        if (n < 0) {
            return true;
        }
        unread(header, 1);
        return false;
    }

    private int readTag() throws IOException {
        fillOrFail(header, 0, 4, -1);
        return uint16(header, 0) << 16 | uint16(header, 2);
    }

    private long readUInt32(int tag) throws IOException {
        fillOrFail(header, 4, 4, tag);
        if (bigEndian) {
            return (header[4] & 0xFFL) << 24 | (header[5] & 0xFFL) << 16 | (header[6] & 0xFFL) << 8 | (header[7] & 0xFFL);
        }
        return (header[4] & 0xFFL) | (header[5] & 0xFFL) << 8 | (header[6] & 0xFFL) << 16 | (header[7] & 0xFFL) << 24;
    }

    private int uint16(byte[] b, int off) {
        return bigEndian
                ? (b[off] & 0xFF) << 8 | (b[off + 1] & 0xFF)
                : (b[off] & 0xFF) | (b[off + 1] & 0xFF) << 8;
    }

    private byte[] readValue(int tag, long length, boolean pixelData) throws IOException {
        long max = pixelData ? options.maxPixelDataLength() : options.maxValueLength();
        if (length > max) {
            throw error("value length " + length + " exceeds the limit of " + max + " bytes", tag);
        }
        totalLength += length;
        if (totalLength > options.maxTotalLength()) {
            throw error("data set holds more than " + options.maxTotalLength() + " bytes of values", tag);
        }
        int len = (int) length;
        byte[] buf = new byte[Math.min(len, CHUNK)];
        int filled = 0;
        while (filled < len) {
            if (filled == buf.length) {
                buf = Arrays.copyOf(buf, (int) Math.min(len, (long) buf.length * 2));
            }
            int n = read(buf, filled, buf.length - filled);
            if (n < 0) {
                throw error("unexpected end of data: value of length " + length + " has only " + filled + " bytes",
                        tag);
            }
            filled += n;
        }
        return buf;
    }

    private void skip(long length, int tag) throws IOException {
        byte[] scratch = new byte[(int) Math.min(length, CHUNK)];
        long left = length;
        while (left > 0) {
            int n = read(scratch, 0, (int) Math.min(left, scratch.length));
            if (n < 0) {
                throw error("unexpected end of data in a value of length " + length, tag);
            }
            left -= n;
        }
    }

    private void fillOrFail(byte[] b, int off, int len, int tag) throws IOException {
        if (!fill(b, off, len, false)) {
            throw error("unexpected end of data", tag);
        }
    }

    /** Fills {@code len} bytes; returns false at a clean end of input if {@code eofAllowed}. */
    private boolean fill(byte[] b, int off, int len, boolean eofAllowed) throws IOException {
        int filled = 0;
        while (filled < len) {
            int n = read(b, off + filled, len - filled);
            if (n < 0) {
                if (eofAllowed && filled == 0) {
                    return false;
                }
                throw error("unexpected end of data", -1);
            }
            filled += n;
        }
        return true;
    }

    private int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (pendingStart < pendingEnd) {
            int n = Math.min(len, pendingEnd - pendingStart);
            System.arraycopy(pending, pendingStart, b, off, n);
            pendingStart += n;
            position += n;
            return n;
        }
        int n;
        try {
            n = in.read(b, off, len);
        } catch (ZipException | EOFException e) {
            throw new DicomParseException("corrupt deflated data at offset " + position + ": " + e.getMessage(), e);
        }
        if (n > 0) {
            position += n;
        }
        return n;
    }

    static void swap(byte[] b, int unit) {
        for (int i = 0; i + unit <= b.length; i += unit) {
            for (int lo = i, hi = i + unit - 1; lo < hi; lo++, hi--) {
                byte t = b[lo];
                b[lo] = b[hi];
                b[hi] = t;
            }
        }
    }

    private DicomParseException error(String message, int tag) {
        String where = tag == -1 ? "" : " " + Tag.toString(tag);
        return new DicomParseException(message + where + " (offset " + position + ")");
    }
}
