package org.smartimaging.folder;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.smartimaging.render.RenderOptions;
import org.smartimaging.render.Renderer;
import org.smartimaging.spi.ImageSource;
import org.smartimaging.spi.ImagingException;
import org.smartimaging.spi.InstanceRecord;
import org.smartimaging.spi.Retrieval;
import org.smartimaging.spi.RetrieveRequest;
import org.smartimaging.spi.SeriesRecord;
import org.smartimaging.spi.StudyQuery;
import org.smartimaging.spi.StudyRecord;
import org.smartimaging.wado.AcceptedMediaTypes;
import org.smartimaging.wado.MetadataBody;
import org.smartimaging.wado.StoredInstances;

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
        List<StudyRecord> candidates = new ArrayList<>();
        for (List<IndexedInstance> instances : index.current().byStudy().values()) {
            IndexedInstance first = instances.get(0);
            if (query.patientMrn() != null && !query.patientMrn().equals(first.patientId())) {
                continue;
            }
            if (query.studyInstanceUid() != null && !query.studyInstanceUid().equals(first.studyInstanceUid())) {
                continue;
            }
            candidates.add(study(instances));
        }
        // the index is in memory: order all of the patient's studies, then cut (never cut first)
        return query.select(candidates);
    }

    @Override
    public Retrieval retrieve(RetrieveRequest request) {
        List<IndexedInstance> instances = select(request);
        List<Path> files = instances.stream().map(IndexedInstance::file).toList();
        return switch (request.resource()) {
            case INSTANCES -> Retrieval.ready(StoredInstances.instances(files, request.accept()));
            case FRAMES -> Retrieval.ready(StoredInstances.frames(files.get(0), request.frames(), request.accept()));
            case BULKDATA -> Retrieval.ready(StoredInstances.bulkData(files.get(0), request.attributePath(), request.accept()));
            case METADATA -> {
                AcceptedMediaTypes.requireDicomJson(request.accept());
                yield Retrieval.ready(new MetadataBody(files, request));
            }
            case RENDERED -> request.sopInstanceUid() == null
                    // a study or series is shown by its representative image, as its thumbnail is
                    ? render(representative(instances), 1, RenderOptions.fromRequest(request.accept(), request.query(), false))
                    : render(instances.get(0), request.renderedFrame(), RenderOptions.fromRequest(request.accept(), request.query(), false));
            case THUMBNAIL -> render(representative(instances), 1, RenderOptions.fromRequest(request.accept(), request.query(), true));
            default -> throw new ImagingException.NotFound(
                    "The folder source does not serve " + request.resource().name().toLowerCase() + " yet");
        };
    }

    /** The instance a study or series thumbnail or rendering shows: the middle one of the first series, by instance number. */
    private static IndexedInstance representative(List<IndexedInstance> instances) {
        String firstSeries = instances.get(0).seriesInstanceUid();
        List<IndexedInstance> series = instances.stream()
                .filter(i -> i.seriesInstanceUid().equals(firstSeries))
                .sorted(Comparator.comparing(IndexedInstance::instanceNumber, Comparator.nullsLast(Comparator.naturalOrder())))
                .toList();
        return series.get(series.size() / 2);
    }

    private static Retrieval render(IndexedInstance instance, int frame, RenderOptions options) {
        try {
            return Retrieval.ready(Renderer.render(instance.file(), frame, options).body());
        } catch (IOException e) {
            throw new ImagingException.NotAcceptable("The instance's pixel data cannot be read for rendering");
        }
    }

    /** The instances a request names, or 404 when any UID is unknown (or not below its parent). */
    private List<IndexedInstance> select(RetrieveRequest request) {
        FolderIndex.Snapshot snapshot = index.current();
        if (request.sopInstanceUid() != null) { // what a viewer asks most: one map lookup, no scan
            IndexedInstance instance = snapshot.bySopInstanceUid().get(request.sopInstanceUid());
            if (instance != null && instance.studyInstanceUid().equals(request.studyInstanceUid())
                    && (request.seriesInstanceUid() == null || request.seriesInstanceUid().equals(instance.seriesInstanceUid()))) {
                return List.of(instance);
            }
        }
        List<IndexedInstance> study = snapshot.byStudy().get(request.studyInstanceUid());
        if (study == null) {
            throw new ImagingException.NotFound("No such study");
        }
        if (request.seriesInstanceUid() == null && request.sopInstanceUid() == null) {
            return study;
        }
        List<IndexedInstance> selected = new ArrayList<>();
        for (IndexedInstance instance : study) { // also finds a SOP UID that two files share
            if ((request.seriesInstanceUid() == null || request.seriesInstanceUid().equals(instance.seriesInstanceUid()))
                    && (request.sopInstanceUid() == null || request.sopInstanceUid().equals(instance.sopInstanceUid()))) {
                selected.add(instance);
            }
        }
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
}
