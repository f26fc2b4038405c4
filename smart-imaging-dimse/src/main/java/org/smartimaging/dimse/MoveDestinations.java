package org.smartimaging.dimse;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.smartimaging.dicom.DicomFiles;
import org.smartimaging.dicom.Tag;
import org.smartimaging.dicom.Uids;
import org.smartimaging.dimse.net.Status;
import org.smartimaging.dimse.net.StorageSink;

/**
 * Routes instances arriving at the C-MOVE destination to the retrieval that asked for their study.
 * An instance is streamed to a temporary file, its Study Instance UID read from the file, and the
 * file moved into that retrieval's directory; an instance nobody asked for is refused and deleted.
 */
final class MoveDestinations implements StorageSink {

    private final Path incoming;
    private final Map<String, Target> targets = new ConcurrentHashMap<>();

    private record Target(Path directory, AtomicLong bytes, long maxBytes, AtomicLong counter) {}

    MoveDestinations(Path incoming) {
        this.incoming = incoming;
    }

    void register(String studyInstanceUid, Path directory, long maxBytes) {
        targets.put(studyInstanceUid, new Target(directory, new AtomicLong(), maxBytes, new AtomicLong()));
    }

    void unregister(String studyInstanceUid) {
        targets.remove(studyInstanceUid);
    }

    @Override
    public int store(String sopClassUid, String sopInstanceUid, String transferSyntaxUid, InputStream dataset)
            throws IOException {
        if (!Uids.isValid(sopClassUid) || !Uids.isValid(sopInstanceUid) || targets.isEmpty()) {
            dataset.transferTo(java.io.OutputStream.nullOutputStream());
            return targets.isEmpty() ? Status.REFUSED_NOT_AUTHORIZED : Status.CANNOT_UNDERSTAND;
        }
        Path file = Files.createTempFile(incoming, "incoming-", ".dcm");
        boolean moved = false;
        try {
            long largest = targets.values().stream().mapToLong(Target::maxBytes).max().orElse(0);
            InstanceFileWriter.write(file, sopClassUid, sopInstanceUid, transferSyntaxUid, dataset, new AtomicLong(), largest);
            String study = DicomFiles.readAttributes(file).dataset().getString(Tag.StudyInstanceUID);
            Target target = study == null ? null : targets.get(study);
            if (target == null) {
                return Status.REFUSED_NOT_AUTHORIZED;
            }
            if (target.bytes().addAndGet(Files.size(file)) > target.maxBytes()) {
                return Status.OUT_OF_RESOURCES;
            }
            Path destination = target.directory().resolve(String.format("%07d.dcm", target.counter().incrementAndGet()));
            Files.move(file, destination, StandardCopyOption.ATOMIC_MOVE);
            moved = true;
            return Status.SUCCESS;
        } finally {
            if (!moved) {
                Files.deleteIfExists(file);
            }
        }
    }
}
