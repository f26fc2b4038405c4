package org.smartimaging.dicom;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Encodes data elements (PS3.5 7) to a stream. Sequences and items are written with undefined
 * length and delimiters (PS3.5 7.5.2), which every reader accepts and which keeps implicit VR
 * output readable without a dictionary; encapsulated pixel data as PS3.5 A.4 requires.
 * Group length elements other than (0002,0000) are dropped (retired, PS3.5 7.2).
 */
final class DicomWriter {

    private static final long UNDEFINED = 0xFFFFFFFFL;

    private final OutputStream out;
    private final boolean explicitVr;
    private final boolean bigEndian;
    private final byte[] header = new byte[12];

    DicomWriter(OutputStream out, Encoding encoding) {
        this.out = out;
        this.explicitVr = encoding.explicitVr();
        this.bigEndian = encoding.bigEndian();
    }

    void writeDataset(Attributes dataset) throws IOException {
        for (Element e : dataset.elements()) {
            if (Tag.isGroupLength(e.tag()) && Tag.group(e.tag()) != 0x0002) {
                continue;
            }
            writeElement(e);
        }
    }

    private void writeElement(Element e) throws IOException {
        int tag = e.tag();
        VR vr = e.vr();
        Object value = e.value();
        if (value instanceof byte[] b) {
            int padded = b.length + (b.length & 1);
            writeHeader(tag, vr, padded);
            if (bigEndian && vr.swapUnit() > 1) {
                byte[] copy = b.clone();
                DicomReader.swap(copy, vr.swapUnit());
                out.write(copy);
            } else {
                out.write(b);
            }
            if (padded != b.length) {
                out.write(vr.paddingByte());
            }
        } else if (value instanceof Sequence seq) {
            writeHeader(tag, VR.SQ, UNDEFINED);
            for (Attributes item : seq) {
                writeItemHeader(Tag.Item, UNDEFINED);
                writeDataset(item);
                writeItemHeader(Tag.ItemDelimitationItem, 0);
            }
            writeItemHeader(Tag.SequenceDelimitationItem, 0);
        } else if (value instanceof Fragments fragments) {
            writeHeader(tag, vr == VR.OW ? VR.OB : vr, UNDEFINED);
            for (byte[] fragment : fragments.items()) {
                int padded = fragment.length + (fragment.length & 1);
                writeItemHeader(Tag.Item, padded);
                out.write(fragment);
                if (padded != fragment.length) {
                    out.write(0);
                }
            }
            writeItemHeader(Tag.SequenceDelimitationItem, 0);
        } else {
            throw new IllegalArgumentException("value of " + Tag.toString(tag)
                    + " was not read (stop before pixel data): cannot write it");
        }
    }

    private void writeHeader(int tag, VR vr, long length) throws IOException {
        putTag(tag);
        if (!explicitVr) {
            putInt(4, length);
            out.write(header, 0, 8);
            return;
        }
        String code = vr.name();
        header[4] = (byte) code.charAt(0);
        header[5] = (byte) code.charAt(1);
        if (vr.hasLongLength()) {
            header[6] = 0;
            header[7] = 0;
            putInt(8, length);
            out.write(header, 0, 12);
        } else {
            if (length > 0xFFFF) {
                throw new IllegalArgumentException("value of " + Tag.toString(tag) + " (" + vr + ") is " + length
                        + " bytes; explicit VR allows at most 65534");
            }
            putShort(6, (int) length);
            out.write(header, 0, 8);
        }
    }

    private void writeItemHeader(int tag, long length) throws IOException {
        putTag(tag);
        putInt(4, length);
        out.write(header, 0, 8);
    }

    private void putTag(int tag) {
        putShort(0, tag >>> 16);
        putShort(2, tag & 0xFFFF);
    }

    private void putShort(int off, int v) {
        if (bigEndian) {
            header[off] = (byte) (v >>> 8);
            header[off + 1] = (byte) v;
        } else {
            header[off] = (byte) v;
            header[off + 1] = (byte) (v >>> 8);
        }
    }

    private void putInt(int off, long v) {
        if (bigEndian) {
            putShort(off, (int) (v >>> 16) & 0xFFFF);
            putShort(off + 2, (int) v & 0xFFFF);
        } else {
            putShort(off, (int) v & 0xFFFF);
            putShort(off + 2, (int) (v >>> 16) & 0xFFFF);
        }
    }
}
