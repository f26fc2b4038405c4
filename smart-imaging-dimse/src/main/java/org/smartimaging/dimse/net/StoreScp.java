package org.smartimaging.dimse.net;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smartimaging.dicom.Tag;

/**
 * Handles one C-STORE-RQ (PS3.7 9.1.1, 9.3.1) on any association: hands the data set to a
 * {@link StorageSink} as its PDVs arrive, then answers C-STORE-RSP. Serves both the C-GET
 * sub-operations on the SCU's own association and the C-MOVE destination server.
 */
public final class StoreScp {

    private static final Logger LOG = LoggerFactory.getLogger(StoreScp.class);

    private StoreScp() {}

    /** @return the status sent back */
    public static int handle(Association association, Command rq, StorageSink sink) throws IOException {
        String sopClass = rq.string(Tag.AffectedSOPClassUID);
        String sopInstance = rq.string(Tag.AffectedSOPInstanceUID);
        PresentationContext pc = association.context(rq.contextId());
        int status;
        if (!rq.hasDataset()) {
            status = Status.CANNOT_UNDERSTAND;
        } else {
            Tracked data = new Tracked(association.dataStream());
            try {
                status = sopClass == null || sopInstance == null ? Status.CANNOT_UNDERSTAND
                        : sink.store(sopClass, sopInstance, pc.transferSyntax(), data);
            } catch (IOException | RuntimeException e) {
                if (data.failed) {
                    throw e; // the association broke while the data set arrived
                }
                LOG.warn("Could not store an instance from {}: {}", association.remoteAe(), e.getMessage());
                status = Status.OUT_OF_RESOURCES;
            }
            data.close();
        }
        association.send(rq.contextId(), Commands.response(Command.C_STORE_RSP, rq, status), null);
        return status;
    }

    /** Remembers whether a read failed, to tell network failures from storage failures. */
    private static final class Tracked extends FilterInputStream {
        boolean failed;

        Tracked(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            try {
                return super.read();
            } catch (IOException e) {
                failed = true;
                throw e;
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return in.read(b, off, len);
            } catch (IOException e) {
                failed = true;
                throw e;
            }
        }

        /** Passes the PDU fragments through; a failure of {@code out} (the sink's disk) is not a network failure. */
        @Override
        public long transferTo(OutputStream out) throws IOException {
            boolean[] writeFailed = new boolean[1];
            OutputStream tracked = new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    write(new byte[] {(byte) b}, 0, 1);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    try {
                        out.write(b, off, len);
                    } catch (IOException | RuntimeException e) {
                        writeFailed[0] = true;
                        throw e;
                    }
                }
            };
            try {
                return in.transferTo(tracked);
            } catch (IOException e) {
                if (!writeFailed[0]) {
                    failed = true;
                }
                throw e;
            }
        }

        @Override
        public void close() throws IOException {
            try {
                in.close();
            } catch (IOException e) {
                failed = true;
                throw e;
            }
        }
    }
}
