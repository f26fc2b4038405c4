package org.smartimaging.testkit;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.smartimaging.dicom.Attributes;
import org.smartimaging.dicom.DicomFiles;
import org.smartimaging.dicom.DicomJson;
import org.smartimaging.dicom.ReadOptions;
import org.smartimaging.dicom.Tag;
import org.smartimaging.spi.ImageSource;
import org.smartimaging.spi.ImagingException;
import org.smartimaging.spi.InstanceRecord;
import org.smartimaging.spi.ResponseBody;
import org.smartimaging.spi.Retrieval;
import org.smartimaging.spi.RetrieveRequest;
import org.smartimaging.spi.SeriesRecord;
import org.smartimaging.spi.StudyQuery;
import org.smartimaging.spi.StudyRecord;

/**
 * A vendor's source written from the README's "Implementing ImageSource" alone (the proof that
 * the README suffices): an archive that keeps Part 10 files in memory, keyed by study, series and
 * instance. It serves instances, metadata and frames; no renderings.
 */
final class InMemoryVendorSource implements ImageSource {

    /** One stored instance: its bytes and attributes. */
    private record Stored(byte[] part10, Attributes attributes) {}

    /** study UID -> series UID -> SOP UID -> stored, in insertion order. */
    private final Map<String, Map<String, Map<String, Stored>>> studies = new ConcurrentHashMap<>();

    void store(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        Attributes attributes = DicomFiles.read(new ByteArrayInputStream(bytes), ReadOptions.defaults()).dataset();
        synchronized (studies) {
            studies.computeIfAbsent(attributes.getString(Tag.StudyInstanceUID), k -> new LinkedHashMap<>())
                    .computeIfAbsent(attributes.getString(Tag.SeriesInstanceUID), k -> new LinkedHashMap<>())
                    .put(attributes.getString(Tag.SOPInstanceUID), new Stored(bytes, attributes));
        }
    }

    @Override
    public List<StudyRecord> findStudies(StudyQuery query) {
        List<StudyRecord> found = new ArrayList<>();
        synchronized (studies) {
            for (var study : studies.entrySet()) {
                if (found.size() >= query.limit()) {
                    break;
                }
                Attributes first = study.getValue().values().iterator().next().values().iterator().next().attributes();
                boolean patientMatches = query.allStudiesOnServer() || query.patientMrn().equals(first.getString(Tag.PatientID));
                boolean studyMatches = query.studyInstanceUid() == null || query.studyInstanceUid().equals(study.getKey());
                if (patientMatches && studyMatches) {
                    found.add(record(study.getKey(), study.getValue()));
                }
            }
        }
        return found;
    }

    private static StudyRecord record(String studyUid, Map<String, Map<String, Stored>> series) {
        Attributes first = series.values().iterator().next().values().iterator().next().attributes();
        List<SeriesRecord> seriesRecords = new ArrayList<>();
        for (var entry : series.entrySet()) {
            Attributes seriesFirst = entry.getValue().values().iterator().next().attributes();
            List<InstanceRecord> instances = entry.getValue().values().stream()
                    .map(s -> new InstanceRecord(s.attributes().getString(Tag.SOPInstanceUID), s.attributes().getString(Tag.SOPClassUID),
                            s.attributes().getInt(Tag.InstanceNumber)))
                    .toList();
            seriesRecords.add(new SeriesRecord(entry.getKey(), seriesFirst.getInt(Tag.SeriesNumber), seriesFirst.getString(Tag.Modality),
                    seriesFirst.getString(Tag.SeriesDescription), instances));
        }
        return new StudyRecord(studyUid, first.getString(Tag.PatientID), first.getString(Tag.PatientName), null, null,
                first.getString(Tag.StudyDescription), first.getString(Tag.AccessionNumber), seriesRecords);
    }

    @Override
    public Retrieval retrieve(RetrieveRequest request) {
        List<Stored> selected = select(request);
        return switch (request.resource()) {
            case INSTANCES -> Retrieval.ready(multipart("application/dicom", selected.stream().map(Stored::part10).toList()));
            case METADATA -> Retrieval.ready(metadata(selected));
            case FRAMES -> {
                if (request.sopInstanceUid() == null) {
                    throw new ImagingException.NotFound("Frames are served per instance");
                }
                byte[] pixels = selected.get(0).attributes().bytes(Tag.PixelData);
                int rows = selected.get(0).attributes().getInt(Tag.Rows);
                int columns = selected.get(0).attributes().getInt(Tag.Columns);
                int frameLength = rows * columns * selected.get(0).attributes().getInt(Tag.BitsAllocated) / 8;
                List<byte[]> frames = new ArrayList<>();
                for (int frame : request.frames()) {
                    if ((long) frame * frameLength > pixels.length) {
                        throw new ImagingException.NotFound("No frame " + frame);
                    }
                    frames.add(java.util.Arrays.copyOfRange(pixels, (frame - 1) * frameLength, frame * frameLength));
                }
                yield Retrieval.ready(multipart("application/octet-stream", frames));
            }
            default -> throw new ImagingException.NotFound(request.resource().name().toLowerCase() + " is not served");
        };
    }

    private List<Stored> select(RetrieveRequest request) {
        Map<String, Map<String, Stored>> study = studies.get(request.studyInstanceUid());
        if (study == null) {
            throw new ImagingException.NotFound("No such study");
        }
        List<Stored> selected = new ArrayList<>();
        synchronized (studies) {
            for (var series : study.entrySet()) {
                if (request.seriesInstanceUid() != null && !request.seriesInstanceUid().equals(series.getKey())) {
                    continue;
                }
                for (var instance : series.getValue().entrySet()) {
                    if (request.sopInstanceUid() == null || request.sopInstanceUid().equals(instance.getKey())) {
                        selected.add(instance.getValue());
                    }
                }
            }
        }
        if (selected.isEmpty()) {
            throw new ImagingException.NotFound(request.sopInstanceUid() != null ? "No such instance" : "No such series");
        }
        return selected;
    }

    /** The README's multipart layout: each part its own header, bytes, CRLF; a closing delimiter. */
    private static ResponseBody multipart(String partType, List<byte[]> parts) {
        String boundary = UUID.randomUUID().toString();
        return new ResponseBody() {
            @Override
            public String contentType() {
                return "multipart/related; type=\"" + partType + "\"; boundary=" + boundary;
            }

            @Override
            public void writeTo(OutputStream out) throws IOException {
                for (byte[] part : parts) {
                    out.write(("--" + boundary + "\r\nContent-Type: " + partType + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(part);
                    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                }
                out.write(("--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
            }
        };
    }

    private static ResponseBody metadata(List<Stored> selected) {
        List<Attributes> withoutPixels = selected.stream().map(s -> {
            try {
                return DicomFiles.read(new ByteArrayInputStream(s.part10()), ReadOptions.attributesOnly()).dataset();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }).toList();
        return new ResponseBody() {
            @Override
            public String contentType() {
                return "application/dicom+json";
            }

            @Override
            public void writeTo(OutputStream out) throws IOException {
                DicomJson.writeArray(withoutPixels, out, (dataset, path) -> null);
            }
        };
    }

    @Override
    public void close() {
        studies.clear();
    }
}
