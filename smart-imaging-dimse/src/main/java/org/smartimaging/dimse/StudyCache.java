package org.smartimaging.dimse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smartimaging.dicom.Uids;

/**
 * The on-disk retrieval cache: complete studies under {@code studies/{uid}}, retrievals in progress
 * under {@code tmp/}. A study enters only whole, by an atomic directory move, so a reader never sees
 * half a study. Whole studies are evicted least recently used first once the cache holds more than
 * its byte limit; a study being streamed (pinned) is not evicted until its response is closed.
 */
final class StudyCache {

    private static final Logger LOG = LoggerFactory.getLogger(StudyCache.class);

    private final Path studies;
    private final Path tmp;
    private final long maxBytes;
    private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>(16, 0.75f, true);
    private long totalBytes;

    private static final class Entry {
        final CachedStudy study;
        int pins;

        Entry(CachedStudy study) {
            this.study = study;
        }
    }

    /** A study held for the duration of a response; close to let it be evicted again. */
    interface Pin extends AutoCloseable {
        CachedStudy study();

        @Override
        void close();
    }

    StudyCache(Path root, long maxBytes) {
        this.studies = root.resolve("studies");
        this.tmp = root.resolve("tmp");
        this.maxBytes = maxBytes;
        try {
            Files.createDirectories(studies);
            if (Files.exists(tmp)) {
                deleteTree(tmp); // retrievals cut short by a restart
            }
            Files.createDirectories(tmp);
            load();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot prepare the DIMSE cache directory " + root, e);
        }
    }

    private void load() throws IOException {
        List<Path> dirs;
        try (Stream<Path> list = Files.list(studies)) {
            dirs = new ArrayList<>(list.filter(Files::isDirectory).toList());
        }
        dirs.sort(Comparator.comparing(StudyCache::modified));
        for (Path dir : dirs) {
            String uid = dir.getFileName().toString();
            if (!Uids.isValid(uid)) {
                continue;
            }
            CachedStudy study = CachedStudy.index(uid, dir);
            if (study.instances().isEmpty()) {
                deleteTree(dir);
                continue;
            }
            entries.put(uid, new Entry(study));
            totalBytes += study.bytes();
        }
        synchronized (this) {
            evict();
        }
    }

    /** The cached study, pinned, or null when it is not (or no longer) cached. */
    synchronized Pin pin(String studyInstanceUid) {
        Entry entry = entries.get(studyInstanceUid);
        if (entry == null) {
            return null;
        }
        entry.pins++;
        return new Pin() {
            private boolean closed;

            @Override
            public CachedStudy study() {
                return entry.study;
            }

            @Override
            public void close() {
                synchronized (StudyCache.this) {
                    if (!closed) {
                        closed = true;
                        entry.pins--;
                        evict();
                    }
                }
            }
        };
    }

    synchronized boolean contains(String studyInstanceUid) {
        return entries.containsKey(studyInstanceUid);
    }

    synchronized long totalBytes() {
        return totalBytes;
    }

    /** A fresh directory for one retrieval, inside the cache's file system (so the final move is atomic). */
    Path newTemporaryDirectory(String studyInstanceUid) throws IOException {
        return Files.createTempDirectory(tmp, studyInstanceUid + "-");
    }

    /** Where the C-MOVE destination writes an instance before it knows its study. */
    Path temporaryDirectory() {
        return tmp;
    }

    /** Moves a complete, indexed study into the cache atomically, then evicts down to the limit. */
    synchronized CachedStudy commit(CachedStudy complete) throws IOException {
        String uid = complete.studyInstanceUid();
        Path target = studies.resolve(uid);
        Entry old = entries.remove(uid);
        if (old != null) {
            totalBytes -= old.study.bytes();
        }
        if (Files.exists(target)) {
            deleteTree(target);
        }
        try {
            Files.move(complete.directory(), target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("The cache directory does not support atomic moves", e);
        }
        CachedStudy moved = complete.movedTo(target);
        entries.put(uid, new Entry(moved));
        totalBytes += moved.bytes();
        evict();
        return moved;
    }

    /** Least recently used first; never the most recent study, never a pinned one. */
    private void evict() {
        Iterator<Map.Entry<String, Entry>> it = entries.entrySet().iterator();
        int left = entries.size();
        while (totalBytes > maxBytes && it.hasNext() && left > 1) {
            Map.Entry<String, Entry> eldest = it.next();
            left--;
            if (eldest.getValue().pins > 0) {
                continue;
            }
            it.remove();
            totalBytes -= eldest.getValue().study.bytes();
            try {
                deleteTree(eldest.getValue().study.directory());
            } catch (IOException e) {
                LOG.warn("Could not delete an evicted study from the DIMSE cache: {}", e.getMessage());
            }
        }
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                Files.deleteIfExists(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static long modified(Path p) {
        try {
            return Files.getLastModifiedTime(p).toMillis();
        } catch (IOException e) {
            return 0;
        }
    }
}
