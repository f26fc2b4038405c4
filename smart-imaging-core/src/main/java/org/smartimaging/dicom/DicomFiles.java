package org.smartimaging.dicom;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;

/**
 * Reads DICOM Part 10 files (PS3.10 7.1) and bare data sets in any of the uncompressed transfer
 * syntaxes, including Deflated Explicit VR Little Endian. Data sets of compressed transfer syntaxes
 * are read too (they are explicit VR little endian; pixel data stays encapsulated).
 */
public final class DicomFiles {

    private static final int PREAMBLE = 128;

    private DicomFiles() {
    }

    /**
     * Reads a Part 10 file from {@code in}: preamble, "DICM", File Meta Information, data set. A
     * stream that starts directly with the File Meta Information (no preamble) is accepted too.
     * With {@link ReadOptions#stopBeforePixelData()} the stream is left at the pixel data value.
     */
    public static DicomFile read(InputStream in, ReadOptions options) throws IOException {
        DicomReader metaReader = metaReader(in, options, "not a DICOM Part 10 file: no \"DICM\" prefix at offset 128"
                + " and no File Meta Information at offset 0");
        Attributes meta = metaReader.readFileMetaInformation();
        String tsuid = meta.getString(Tag.TransferSyntaxUID);
        if (tsuid == null) {
            throw new DicomParseException("File Meta Information has no Transfer Syntax UID "
                    + Tag.toString(Tag.TransferSyntaxUID) + " (offset " + metaReader.position() + ")");
        }
        Attributes dataset = metaReader.continueAsDataset(tsuid);
        return new DicomFile(meta, dataset);
    }

    /** Reads only a Part 10 file's File Meta Information (its transfer syntax, SOP class and instance). */
    public static Attributes readFileMetaInformation(Path file) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 4096)) {
            return metaReader(in, ReadOptions.attributesOnly(), "not a DICOM Part 10 file").readFileMetaInformation();
        }
    }

    /**
     * A reader positioned at the File Meta Information: after the preamble and "DICM", or at offset 0
     * when the stream starts with it directly; {@code notPart10} is the error message otherwise.
     */
    private static DicomReader metaReader(InputStream in, ReadOptions options, String notPart10) throws IOException {
        byte[] head = in.readNBytes(PREAMBLE + 4);
        if (head.length == PREAMBLE + 4 && head[PREAMBLE] == 'D' && head[PREAMBLE + 1] == 'I'
                && head[PREAMBLE + 2] == 'C' && head[PREAMBLE + 3] == 'M') {
            return new DicomReader(in, options, head.length, Encoding.EXPLICIT_LE);
        }
        if (head.length >= 6 && head[0] == 0x02 && head[1] == 0x00 && VR.of(head[4], head[5]) != null) {
            InputStream rest = new java.io.SequenceInputStream(new java.io.ByteArrayInputStream(head), in);
            return new DicomReader(rest, options, 0, Encoding.EXPLICIT_LE);
        }
        throw new DicomParseException(notPart10);
    }

    /** Reads a whole Part 10 file, pixel data included, within the default bounds. */
    public static DicomFile read(Path file) throws IOException {
        return read(file, ReadOptions.defaults());
    }

    public static DicomFile read(Path file, ReadOptions options) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 64 * 1024)) {
            return read(in, options);
        }
    }

    /** Reads a Part 10 file's File Meta Information and data set, stopping before pixel data. */
    public static DicomFile readAttributes(Path file) throws IOException {
        return read(file, ReadOptions.attributesOnly());
    }

    /**
     * Reads a data set with no preamble or File Meta Information, encoded in {@code transferSyntaxUid},
     * to the end of {@code in} (as DIMSE messages carry them, PS3.7 6.3.1).
     */
    public static Attributes readDataset(InputStream in, String transferSyntaxUid, ReadOptions options)
            throws IOException {
        Encoding encoding = Encoding.of(transferSyntaxUid);
        if (encoding.deflated()) {
            Inflater inflater = new Inflater(true);
            try {
                Attributes dataset = new Attributes();
                new DicomReader(new InflaterInputStream(in, inflater, 8192), options, 0, encoding)
                        .readDataset(dataset);
                return dataset;
            } finally {
                inflater.end();
            }
        }
        Attributes dataset = new Attributes();
        new DicomReader(in, options, 0, encoding).readDataset(dataset);
        return dataset;
    }
}
