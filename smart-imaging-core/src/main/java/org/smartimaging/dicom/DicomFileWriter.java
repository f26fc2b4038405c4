package org.smartimaging.dicom;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;

/**
 * Writes DICOM Part 10 files (PS3.10 7.1): 128-byte preamble of zeros, "DICM", File Meta
 * Information in explicit VR little endian with its group length computed, then the data set in
 * the transfer syntax named by the meta information. Also writes bare data sets for DIMSE.
 */
public final class DicomFileWriter {

    private static final byte[] FILE_META_VERSION = {0x00, 0x01};

    private DicomFileWriter() {
    }

    /**
     * File Meta Information for {@code dataset}: version, media storage SOP class and instance (from
     * SOP Class/Instance UID), transfer syntax, and this SDK's implementation class UID and version name.
     */
    public static Attributes createFileMetaInformation(Attributes dataset, String transferSyntaxUid) {
        String sopClass = dataset.getString(Tag.SOPClassUID);
        String sopInstance = dataset.getString(Tag.SOPInstanceUID);
        if (sopClass == null || sopInstance == null) {
            throw new IllegalArgumentException("data set needs SOP Class UID and SOP Instance UID");
        }
        Attributes meta = new Attributes();
        meta.setBytes(Tag.FileMetaInformationVersion, VR.OB, FILE_META_VERSION.clone());
        meta.setString(Tag.MediaStorageSOPClassUID, VR.UI, sopClass);
        meta.setString(Tag.MediaStorageSOPInstanceUID, VR.UI, sopInstance);
        meta.setString(Tag.TransferSyntaxUID, VR.UI, transferSyntaxUid);
        meta.setString(Tag.ImplementationClassUID, VR.UI, Uids.ImplementationClassUID);
        meta.setString(Tag.ImplementationVersionName, VR.SH, Uids.ImplementationVersionName);
        return meta;
    }

    /** Writes {@code dataset} as a Part 10 file in {@code transferSyntaxUid}, replacing {@code file}. */
    public static void write(Path file, Attributes dataset, String transferSyntaxUid) throws IOException {
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 64 * 1024)) {
            write(out, createFileMetaInformation(dataset, transferSyntaxUid), dataset);
        }
    }

    public static void write(OutputStream out, Attributes dataset, String transferSyntaxUid) throws IOException {
        write(out, createFileMetaInformation(dataset, transferSyntaxUid), dataset);
    }

    /**
     * Writes a Part 10 file with the given File Meta Information; its group length is recomputed and
     * its Transfer Syntax UID chooses the data set encoding. {@code out} is flushed, not closed.
     */
    public static void write(OutputStream out, Attributes fileMetaInformation, Attributes dataset)
            throws IOException {
        String tsuid = fileMetaInformation.getString(Tag.TransferSyntaxUID);
        if (tsuid == null) {
            throw new IllegalArgumentException("File Meta Information needs a Transfer Syntax UID");
        }
        ByteArrayOutputStream metaBytes = new ByteArrayOutputStream(256);
        Attributes meta = new Attributes().addAll(fileMetaInformation).remove(Tag.FileMetaInformationGroupLength);
        new DicomWriter(metaBytes, Encoding.EXPLICIT_LE).writeDataset(meta);
        Attributes groupLength = new Attributes().setInt(Tag.FileMetaInformationGroupLength, VR.UL, metaBytes.size());

        out.write(new byte[128]);
        out.write(new byte[] {'D', 'I', 'C', 'M'});
        new DicomWriter(out, Encoding.EXPLICIT_LE).writeDataset(groupLength);
        metaBytes.writeTo(out);
        writeDataset(dataset, out, tsuid);
    }

    /** Writes a bare data set (no preamble, no meta information) in {@code transferSyntaxUid}. */
    public static void writeDataset(Attributes dataset, OutputStream out, String transferSyntaxUid)
            throws IOException {
        Encoding encoding = Encoding.of(transferSyntaxUid);
        if (encoding.deflated()) {
            Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
            try {
                DeflaterOutputStream deflating = new DeflaterOutputStream(out, deflater, 8192);
                new DicomWriter(deflating, encoding).writeDataset(dataset);
                deflating.finish();
            } finally {
                deflater.end();
            }
        } else {
            new DicomWriter(out, encoding).writeDataset(dataset);
        }
        out.flush();
    }
}
