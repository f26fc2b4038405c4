package org.smartimaging.wado;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import org.smartimaging.dicom.Attributes;
import org.smartimaging.dicom.DicomFiles;
import org.smartimaging.dicom.DicomJson;
import org.smartimaging.dicom.Tag;
import org.smartimaging.dicom.Uids;
import org.smartimaging.spi.BodyChunks;
import org.smartimaging.spi.ResponseBody;
import org.smartimaging.spi.RetrieveRequest;

/**
 * WADO-RS metadata of stored DICOM files: each file read up to its pixel data and written as DICOM
 * JSON one at a time, so the answer streams whatever the number of instances. Pixel data and
 * large binary values are bulk data (PS3.18 F.2.6).
 */
public final class MetadataBody implements ResponseBody {

    private final List<Path> files;
    private final RetrieveRequest request;

    /** Metadata without {@code BulkDataURI}s: pixel data and large binary values are left out. */
    public MetadataBody(List<Path> files) {
        this(files, null);
    }

    /**
     * Metadata whose pixel data and large binary values carry a {@code BulkDataURI} below the
     * request's WADO base ({@link RetrieveRequest#bulkDataUri}), so they are fetched through the
     * same study token and checks as everything else.
     */
    public MetadataBody(List<Path> files, RetrieveRequest request) {
        this.files = List.copyOf(files);
        this.request = request;
    }

    private String bulkDataUri(Attributes dataset, String path) {
        if (request == null) {
            return null;
        }
        String series = dataset.getString(Tag.SeriesInstanceUID);
        String instance = dataset.getString(Tag.SOPInstanceUID);
        return Uids.isValid(series) && Uids.isValid(instance) ? request.bulkDataUri(series, instance, path) : null;
    }

    @Override
    public String entityTag() {
        return FileValidator.of(files);
    }

    @Override
    public String contentType() {
        return "application/dicom+json";
    }

    @Override
    public void writeTo(OutputStream out) throws IOException {
        Iterable<Attributes> datasets = () -> new Iterator<>() {
            private final Iterator<Path> next = files.iterator();

            @Override
            public boolean hasNext() {
                return next.hasNext();
            }

            @Override
            public Attributes next() {
                try {
                    return DicomFiles.readAttributes(next.next()).dataset();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        };
        try {
            DicomJson.writeArray(datasets, out, this::bulkDataUri);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** One instance's JSON per piece, so a non-blocking transport holds at most one data set's text. */
    @Override
    public Optional<BodyChunks> chunks() {
        Iterator<Path> next = files.iterator();
        return Optional.of(new BodyChunks() {
            private boolean started;
            private boolean ended;

            @Override
            public Chunk poll(Runnable whenReady) throws IOException {
                if (ended) {
                    return Chunk.END;
                }
                if (!next.hasNext()) {
                    ended = true;
                    return Chunk.of(started ? new byte[] {']'} : new byte[] {'[', ']'});
                }
                ByteArrayOutputStream piece = new ByteArrayOutputStream(8 * 1024);
                piece.write(started ? ',' : '[');
                started = true;
                DicomJson.write(DicomFiles.readAttributes(next.next()).dataset(), piece, MetadataBody.this::bulkDataUri);
                return Chunk.of(piece.toByteArray());
            }
        });
    }
}
