package org.smartimaging.folder;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.smartimaging.dicom.Attributes;
import org.smartimaging.dicom.DicomFiles;
import org.smartimaging.dicom.DicomJson;
import org.smartimaging.spi.ImageSource;
import org.smartimaging.spi.ImagingException;
import org.smartimaging.spi.InstanceRecord;
import org.smartimaging.spi.ResponseBody;
import org.smartimaging.spi.Retrieval;
import org.smartimaging.spi.RetrieveRequest;
import org.smartimaging.spi.SeriesRecord;
import org.smartimaging.spi.StudyQuery;
import org.smartimaging.spi.StudyRecord;
import org.smartimaging.wado.AcceptedMediaTypes;
import org.smartimaging.wado.MultipartRelatedBody;

/**
 * {@code images.type: folder}: DICOM files in a directory tree, indexed by UID. Request UIDs are
 * looked up in the index; no file path is ever built from request text.
 */
final class FolderImageSource implements ImageSource {

    private final FolderIndex index;

    FolderImageSource(FolderIndex index) {
        this.index = index;
    }

    @Override
    public List<StudyRecord> findStudies(StudyQuery query) {
        List<StudyRecord> studies = new ArrayList<>();
        for (List<IndexedInstance> instances : index.current().byStudy().values()) {
            IndexedInstance first = instances.get(0);
            if (query.patientMrn() != null && !query.patientMrn().equals(first.patientId())) {
                continue;
            }
            if (query.studyInstanceUid() != null && !query.studyInstanceUid().equals(first.studyInstanceUid())) {
                continue;
            }
            studies.add(study(instances));
            if (studies.size() >= query.limit()) {
                break;
            }
        }
        return studies;
    }

    @Override
    public Retrieval retrieve(RetrieveRequest request) {
        List<IndexedInstance> instances = select(request);
        List<Path> files = instances.stream().map(IndexedInstance::file).toList();
        return switch (request.resource()) {
            case INSTANCES -> {
                AcceptedMediaTypes.requireDicomMultipart(request.accept());
                yield Retrieval.ready(new MultipartRelatedBody(files));
            }
            case METADATA -> {
                AcceptedMediaTypes.requireDicomJson(request.accept());
                yield Retrieval.ready(new MetadataBody(files));
            }
            default -> throw new ImagingException.NotFound(
                    "The folder source does not serve " + request.resource().name().toLowerCase() + " yet");
        };
    }

    /** The instances a request names, or 404 when any UID is unknown (or not below its parent). */
    private List<IndexedInstance> select(RetrieveRequest request) {
        List<IndexedInstance> study = index.current().byStudy().get(request.studyInstanceUid());
        if (study == null) {
            throw new ImagingException.NotFound("No such study");
        }
        List<IndexedInstance> selected = study.stream()
                .filter(i -> request.seriesInstanceUid() == null || request.seriesInstanceUid().equals(i.seriesInstanceUid()))
                .filter(i -> request.sopInstanceUid() == null || request.sopInstanceUid().equals(i.sopInstanceUid()))
                .toList();
        if (selected.isEmpty()) {
            throw new ImagingException.NotFound(request.sopInstanceUid() != null ? "No such instance in this series" : "No such series in this study");
        }
        return selected;
    }

    private static StudyRecord study(List<IndexedInstance> instances) {
        IndexedInstance first = instances.get(0);
        Map<String, List<IndexedInstance>> bySeries = new LinkedHashMap<>();
        instances.forEach(i -> bySeries.computeIfAbsent(i.seriesInstanceUid(), k -> new ArrayList<>()).add(i));
        List<SeriesRecord> series = bySeries.values().stream().map(list -> {
            IndexedInstance s = list.get(0);
            return new SeriesRecord(s.seriesInstanceUid(), s.seriesNumber(), s.modality(), s.seriesDescription(),
                    list.stream().map(i -> new InstanceRecord(i.sopInstanceUid(), i.sopClassUid(), i.instanceNumber())).toList());
        }).toList();
        Instant lastUpdated = instances.stream().map(IndexedInstance::modified).max(Instant::compareTo).orElse(null);
        return new StudyRecord(first.studyInstanceUid(), first.patientId(), first.patientName(), first.studyStarted(),
                lastUpdated, first.studyDescription(), first.accessionNumber(), series);
    }

    /** DICOM JSON of each file, read (up to its pixel data) and written one at a time. */
    private record MetadataBody(List<Path> files) implements ResponseBody {

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
                DicomJson.writeArray(datasets, out, (dataset, path) -> null);
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
        }
    }

}
