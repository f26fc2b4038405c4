package org.smartimaging.dimse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smartimaging.dicom.Attributes;
import org.smartimaging.dicom.DicomFiles;
import org.smartimaging.dicom.Tag;

/**
 * A study complete on disk: its directory and an index of its files by series and SOP instance UID,
 * in the folder source's order (series number, instance number, then UID). Requests are answered
 * from the index; no path is built from request text.
 */
record CachedStudy(String studyInstanceUid, Path directory, List<Instance> instances, long bytes) {

    private static final Logger LOG = LoggerFactory.getLogger(CachedStudy.class);

    /** One file of the study, named by the index (the directory may move as a whole). */
    record Instance(String fileName, String seriesInstanceUid, Integer seriesNumber, String sopInstanceUid,
            Integer instanceNumber) {}

    CachedStudy {
        instances = List.copyOf(instances);
    }

    Path file(Instance instance) {
        return directory.resolve(instance.fileName());
    }

    CachedStudy movedTo(Path newDirectory) {
        return new CachedStudy(studyInstanceUid, newDirectory, instances, bytes);
    }

    /**
     * Indexes the DICOM files of a directory. Files of another study (an archive answering more than
     * asked) and unreadable files are deleted, never served.
     */
    static CachedStudy index(String studyInstanceUid, Path directory) throws IOException {
        List<Instance> instances = new ArrayList<>();
        long bytes = 0;
        List<Path> files;
        try (Stream<Path> list = Files.list(directory)) {
            files = list.filter(Files::isRegularFile).sorted().toList();
        }
        for (Path file : files) {
            Attributes a;
            try {
                a = DicomFiles.readAttributes(file).dataset();
            } catch (IOException e) {
                LOG.warn("Dropping an unreadable file received for a study: {}", e.getMessage());
                Files.deleteIfExists(file);
                continue;
            }
            String series = a.getString(Tag.SeriesInstanceUID);
            String sop = a.getString(Tag.SOPInstanceUID);
            if (!studyInstanceUid.equals(a.getString(Tag.StudyInstanceUID)) || series == null || sop == null) {
                LOG.warn("Dropping a received instance that does not belong to the retrieved study");
                Files.deleteIfExists(file);
                continue;
            }
            instances.add(new Instance(file.getFileName().toString(), series, a.getInt(Tag.SeriesNumber), sop,
                    a.getInt(Tag.InstanceNumber)));
            bytes += Files.size(file);
        }
        instances.sort(Comparator.comparing((Instance i) -> i.seriesNumber() == null ? Integer.MAX_VALUE : i.seriesNumber())
                .thenComparing(Instance::seriesInstanceUid)
                .thenComparing(i -> i.instanceNumber() == null ? Integer.MAX_VALUE : i.instanceNumber())
                .thenComparing(Instance::sopInstanceUid));
        return new CachedStudy(studyInstanceUid, directory, instances, bytes);
    }
}
