package org.smartimaging.dimse.net;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.smartimaging.dicom.Attributes;
import org.smartimaging.dicom.DicomFileWriter;
import org.smartimaging.dicom.Tag;
import org.smartimaging.dicom.Uids;

/** Command sets in implicit VR little endian, led by Command Group Length (PS3.7 6.3.1, E.1). */
final class CommandEncoding {

    private CommandEncoding() {}

    static byte[] encode(Attributes command) {
        try {
            Attributes rest = new Attributes().addAll(command).remove(Tag.CommandGroupLength);
            ByteArrayOutputStream body = new ByteArrayOutputStream(256);
            DicomFileWriter.writeDataset(rest, body, Uids.ImplicitVRLittleEndian);
            int length = body.size();
            ByteArrayOutputStream out = new ByteArrayOutputStream(length + 12);
            // (0000,0000) UL, implicit: tag, 32-bit length 4, value
            out.write(new byte[] {0, 0, 0, 0, 4, 0, 0, 0,
                    (byte) length, (byte) (length >>> 8), (byte) (length >>> 16), (byte) (length >>> 24)});
            body.writeTo(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
