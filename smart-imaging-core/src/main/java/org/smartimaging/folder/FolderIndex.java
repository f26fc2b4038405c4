package org.smartimaging.folder;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smartimaging.dicom.Attributes;
import org.smartimaging.dicom.DicomFiles;
import org.smartimaging.dicom.Tag;

/**
 * An index of the DICOM files under a directory, by study. Built at start; rebuilt on use when it
 * is older than the rescan interval, re-reading only files whose size or time changed, so adding
 * files to the folder shows up without a restart. Files that are not DICOM are skipped.
 */
final class FolderIndex {

    private static final Logger LOG = LoggerFactory.getLogger(FolderIndex.class);

    private final Path root;
    private final Duration rescanInterval;
    private final Clock clock;
    private final int maxFiles;

    private final ReentrantLock rescanning = new ReentrantLock();
    private volatile Snapshot snapshot;
    private volatile Instant scannedAt;

    /**
     * The index at one moment: studies in UID order, each with its instances; instances by SOP
     * Instance UID, so a single-instance request is one lookup.
     */
    record Snapshot(Map<String, List<IndexedInstance>> byStudy, Map<Path, IndexedInstance> byFile,
            Map<String, IndexedInstance> bySopInstanceUid) {}

    FolderIndex(Path root, Duration rescanInterval, Clock clock, int maxFiles) {
        this.root = root;
        this.rescanInterval = rescanInterval;
        this.clock = clock;
        this.maxFiles = maxFiles;
        this.snapshot = scan(Map.of());
        this.scannedAt = clock.instant();
    }

    /**
     * The current snapshot. When it is older than the interval, one caller rescans while the others
     * go on with the snapshot they have, so a large folder never stalls every request.
     */
    Snapshot current() {
        Instant now = clock.instant();
        if (Duration.between(scannedAt, now).compareTo(rescanInterval) >= 0 && rescanning.tryLock()) {
            try {
                if (Duration.between(scannedAt, now).compareTo(rescanInterval) >= 0) {
                    snapshot = scan(snapshot.byFile());
                    scannedAt = now;
                }
            } finally {
                rescanning.unlock();
            }
        }
        return snapshot;
    }

    private Snapshot scan(Map<Path, IndexedInstance> previous) {
        Map<Path, IndexedInstance> byFile = new HashMap<>();
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                    if (!attributes.isRegularFile() || byFile.size() >= maxFiles) {
                        return byFile.size() >= maxFiles ? FileVisitResult.TERMINATE : FileVisitResult.CONTINUE;
                    }
                    IndexedInstance known = previous.get(file);
                    Instant modified = attributes.lastModifiedTime().toInstant();
                    if (known != null && known.size() == attributes.size() && known.modified().equals(modified)) {
                        byFile.put(file, known);
                    } else {
                        IndexedInstance read = read(file, attributes.size(), modified);
                        if (read != null) {
                            byFile.put(file, read);
                        }
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    LOG.warn("Cannot read {}: {}", file, e.getMessage());
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            LOG.warn("Cannot scan {}: {}", root, e.getMessage());
        }
        if (byFile.size() >= maxFiles) {
            LOG.warn("{} holds more than {} files; the rest are not indexed", root, maxFiles);
        }
        Map<String, List<IndexedInstance>> byStudy = new LinkedHashMap<>();
        byFile.values().stream()
                .sorted(Comparator.comparing(IndexedInstance::studyInstanceUid)
                        .thenComparing(i -> i.seriesNumber() == null ? Integer.MAX_VALUE : i.seriesNumber())
                        .thenComparing(IndexedInstance::seriesInstanceUid)
                        .thenComparing(i -> i.instanceNumber() == null ? Integer.MAX_VALUE : i.instanceNumber())
                        .thenComparing(IndexedInstance::sopInstanceUid))
                .forEach(i -> byStudy.computeIfAbsent(i.studyInstanceUid(), k -> new ArrayList<>()).add(i));
        byStudy.replaceAll((k, v) -> List.copyOf(v));
        Map<String, IndexedInstance> bySop = new HashMap<>();
        byStudy.values().forEach(instances -> instances.forEach(i -> bySop.putIfAbsent(i.sopInstanceUid(), i)));
        return new Snapshot(byStudy, Map.copyOf(byFile), bySop);
    }

    private static IndexedInstance read(Path file, long size, Instant modified) {
        Attributes a;
        try {
            a = DicomFiles.readAttributes(file).dataset();
        } catch (IOException e) {
            LOG.debug("Skipping {}: not a readable DICOM file ({})", file, e.getMessage());
            return null;
        }
        String study = a.getString(Tag.StudyInstanceUID);
        String series = a.getString(Tag.SeriesInstanceUID);
        String sop = a.getString(Tag.SOPInstanceUID);
        if (study == null || series == null || sop == null) {
            LOG.debug("Skipping {}: no study, series or SOP instance UID", file);
            return null;
        }
        return new IndexedInstance(file, size, modified, a.getString(Tag.PatientID), a.getString(Tag.PatientName),
                study, DicomDateTimes.instant(a.getString(Tag.StudyDate), a.getString(Tag.StudyTime),
                        a.getString(Tag.TimezoneOffsetFromUTC)),
                a.getString(Tag.StudyDescription), a.getString(Tag.AccessionNumber), series,
                a.getInt(Tag.SeriesNumber), a.getString(Tag.Modality), a.getString(Tag.SeriesDescription), sop,
                a.getString(Tag.SOPClassUID), a.getInt(Tag.InstanceNumber));
    }
}
