package org.smartimaging.dimse;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.smartimaging.dicom.Attributes;
import org.smartimaging.dicom.DicomFileWriter;
import org.smartimaging.dicom.Tag;
import org.smartimaging.dicom.Uids;
import org.smartimaging.dicom.VR;
import org.smartimaging.dimse.net.Status;
import org.smartimaging.dimse.net.StorageSink;

/**
 * Writes each received instance as a Part 10 file: File Meta Information built from the C-STORE
 * command and the presentation context, then the data set bytes exactly as they arrived, written
 * from the PDU buffer as each fragment comes (memory stays flat whatever the instance size). The directory's total is
 * bounded: past {@code maxBytes} the store fails (and with it the retrieval).
 */
final class InstanceFileWriter implements StorageSink {

    private static final int BUFFER = 64 * 1024;

    private final Path directory;
    private final long maxBytes;
    private final AtomicInteger count = new AtomicInteger();
    private final AtomicLong bytes = new AtomicLong();

    InstanceFileWriter(Path directory, long maxBytes) {
        this.directory = directory;
        this.maxBytes = maxBytes;
    }

    @Override
    public int store(String sopClassUid, String sopInstanceUid, String transferSyntaxUid, InputStream dataset)
            throws IOException {
        if (!Uids.isValid(sopClassUid) || !Uids.isValid(sopInstanceUid)) {
            dataset.transferTo(OutputStream.nullOutputStream());
            return Status.CANNOT_UNDERSTAND;
        }
        Path file = directory.resolve(String.format("%07d.dcm", count.incrementAndGet()));
        write(file, sopClassUid, sopInstanceUid, transferSyntaxUid, dataset, bytes, maxBytes);
        return Status.SUCCESS;
    }

    /** Writes one Part 10 file from a streamed data set; deletes it on failure. */
    static void write(Path file, String sopClassUid, String sopInstanceUid, String transferSyntaxUid, InputStream dataset,
            AtomicLong total, long maxBytes) throws IOException {
        Attributes ids = new Attributes();
        ids.setString(Tag.SOPClassUID, VR.UI, sopClassUid);
        ids.setString(Tag.SOPInstanceUID, VR.UI, sopInstanceUid);
        Attributes meta = DicomFileWriter.createFileMetaInformation(ids, transferSyntaxUid);
        boolean done = false;
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), BUFFER)) {
            // An empty data set writes nothing in the (non-deflated) transfer syntaxes accepted for storage.
            DicomFileWriter.write(out, meta, new Attributes());
            // The data set's PDV fragments go to the file straight from the PDU buffer (transferTo):
            // fragments of 64 KiB or more bypass the buffer, smaller ones are gathered in it.
            dataset.transferTo(new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    write(new byte[] {(byte) b}, 0, 1);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    if (total.addAndGet(len) > maxBytes) {
                        throw new IOException("The study is larger than the cache limit of " + maxBytes + " bytes");
                    }
                    out.write(b, off, len);
                }
            });
            done = true;
        } finally {
            if (!done) {
                Files.deleteIfExists(file);
            }
        }
    }

    int count() {
        return count.get();
    }
}
