package org.smartimaging.dimse;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import org.smartimaging.dicom.Attributes;
import org.smartimaging.dicom.Tag;
import org.smartimaging.dicom.Uids;
import org.smartimaging.dicom.VR;
import org.smartimaging.dimse.net.Association;
import org.smartimaging.dimse.net.FindScu;
import org.smartimaging.dimse.net.PresentationContext;
import org.smartimaging.dimse.net.TooManyMatchesException;
import org.smartimaging.folder.DicomDateTimes;
import org.smartimaging.spi.ImagingException;
import org.smartimaging.spi.InstanceRecord;
import org.smartimaging.spi.SeriesRecord;
import org.smartimaging.spi.StudyQuery;
import org.smartimaging.spi.StudyRecord;

/**
 * A search as C-FINDs (Study Root, PS3.4 C.6.2): STUDY level by PatientID (or universal, or by
 * StudyInstanceUID), then SERIES and IMAGE level for each study, studies in parallel up to the
 * association limit. Matches are checked again here (exact PatientID and UID): DICOM matching
 * treats {@code *} and {@code ?} as wildcards, which an MRN must not become.
 */
final class StudyFinder {

    private static final String FIND = Uids.StudyRootQueryRetrieveFind;
    private static final List<PresentationContext> CONTEXTS = List.of(
            PresentationContext.proposal(1, FIND, Uids.ExplicitVRLittleEndian, Uids.ImplicitVRLittleEndian));

    private final DimseSettings settings;
    private final Associations associations;
    private final ExecutorService executor;

    StudyFinder(DimseSettings settings, Associations associations, ExecutorService executor) {
        this.settings = settings;
        this.associations = associations;
        this.executor = executor;
    }

    List<StudyRecord> find(StudyQuery query) {
        try {
            List<Attributes> studies;
            try (Associations.Lease lease = open()) {
                studies = FindScu.find(lease.association(), FIND, studyKeys(query), settings.maxFindResults());
                lease.release();
            }
            List<Attributes> matching = studies.stream()
                    .filter(s -> s.getString(Tag.StudyInstanceUID) != null && Uids.isValid(s.getString(Tag.StudyInstanceUID)))
                    .filter(s -> query.patientMrn() == null || query.patientMrn().equals(s.getString(Tag.PatientID)))
                    .filter(s -> query.studyInstanceUid() == null || query.studyInstanceUid().equals(s.getString(Tag.StudyInstanceUID)))
                    .toList();
            // C-FIND cannot order: the newest `limit` after the query's cursor are chosen here, not the lowest UIDs
            Map<String, Attributes> byUid = new LinkedHashMap<>();
            matching.forEach(s -> byUid.putIfAbsent(s.getString(Tag.StudyInstanceUID), s));
            List<StudyRecord> shallow = new ArrayList<>();
            byUid.forEach((uid, s) -> shallow.add(new StudyRecord(uid, s.getString(Tag.PatientID), null,
                    DicomDateTimes.instant(s.getString(Tag.StudyDate), s.getString(Tag.StudyTime),
                            s.getString(Tag.TimezoneOffsetFromUTC)), null, null, null, List.of())));
            matching = query.select(shallow).stream().map(study -> byUid.get(study.studyInstanceUid())).toList();
            List<Future<StudyRecord>> futures = new ArrayList<>();
            for (Attributes study : matching) {
                futures.add(executor.submit(() -> describe(study)));
            }
            List<StudyRecord> records = new ArrayList<>();
            for (Future<StudyRecord> future : futures) {
                records.add(future.get());
            }
            return records;
        } catch (ExecutionException e) {
            throw failure(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ImagingException.UpstreamFailure("The search was interrupted");
        } catch (IOException | RuntimeException e) {
            throw failure(e);
        }
    }

    private Associations.Lease open() throws IOException, InterruptedException {
        return associations.open(CONTEXTS, List.of(), settings.connectTimeout().toSeconds());
    }

    /** Series and instances of one study, on one association. */
    private StudyRecord describe(Attributes study) throws IOException, InterruptedException {
        String studyUid = study.getString(Tag.StudyInstanceUID);
        List<SeriesRecord> series = new ArrayList<>();
        try (Associations.Lease lease = open()) {
            Association association = lease.association();
            List<Attributes> seriesMatches = FindScu.find(association, FIND, seriesKeys(studyUid), settings.maxFindResults());
            seriesMatches.sort(Comparator.comparing((Attributes s) -> number(s, Tag.SeriesNumber))
                    .thenComparing(s -> String.valueOf(s.getString(Tag.SeriesInstanceUID))));
            for (Attributes s : seriesMatches) {
                String seriesUid = s.getString(Tag.SeriesInstanceUID);
                if (seriesUid == null || !Uids.isValid(seriesUid)) {
                    continue;
                }
                List<Attributes> images = FindScu.find(association, FIND, imageKeys(studyUid, seriesUid),
                        settings.maxFindResults());
                images.sort(Comparator.comparing((Attributes i) -> number(i, Tag.InstanceNumber))
                        .thenComparing(i -> String.valueOf(i.getString(Tag.SOPInstanceUID))));
                List<InstanceRecord> instances = images.stream()
                        .filter(i -> i.getString(Tag.SOPInstanceUID) != null && Uids.isValid(i.getString(Tag.SOPInstanceUID)))
                        .map(i -> new InstanceRecord(i.getString(Tag.SOPInstanceUID), i.getString(Tag.SOPClassUID),
                                i.getInt(Tag.InstanceNumber)))
                        .toList();
                series.add(new SeriesRecord(seriesUid, s.getInt(Tag.SeriesNumber), s.getString(Tag.Modality),
                        s.getString(Tag.SeriesDescription), instances));
            }
            lease.release();
        }
        return new StudyRecord(studyUid, study.getString(Tag.PatientID), study.getString(Tag.PatientName),
                DicomDateTimes.instant(study.getString(Tag.StudyDate), study.getString(Tag.StudyTime),
                        study.getString(Tag.TimezoneOffsetFromUTC)),
                null, study.getString(Tag.StudyDescription), study.getString(Tag.AccessionNumber), series);
    }

    private static int number(Attributes a, int tag) {
        Integer n = a.getInt(tag);
        return n == null ? Integer.MAX_VALUE : n;
    }

    static Attributes studyKeys(StudyQuery query) {
        Attributes keys = new Attributes();
        keys.setString(Tag.QueryRetrieveLevel, VR.CS, "STUDY");
        keys.setString(Tag.StudyDate, VR.DA);
        keys.setString(Tag.StudyTime, VR.TM);
        keys.setString(Tag.AccessionNumber, VR.SH);
        keys.setString(Tag.StudyDescription, VR.LO);
        keys.setString(Tag.PatientName, VR.PN);
        keys.setString(Tag.PatientID, VR.LO, query.patientMrn() == null ? "" : query.patientMrn());
        keys.setString(Tag.StudyInstanceUID, VR.UI, query.studyInstanceUid() == null ? "" : query.studyInstanceUid());
        return keys;
    }

    static Attributes seriesKeys(String studyUid) {
        Attributes keys = new Attributes();
        keys.setString(Tag.QueryRetrieveLevel, VR.CS, "SERIES");
        keys.setString(Tag.Modality, VR.CS);
        keys.setString(Tag.SeriesDescription, VR.LO);
        keys.setString(Tag.StudyInstanceUID, VR.UI, studyUid);
        keys.setString(Tag.SeriesInstanceUID, VR.UI);
        keys.setString(Tag.SeriesNumber, VR.IS);
        return keys;
    }

    static Attributes imageKeys(String studyUid, String seriesUid) {
        Attributes keys = new Attributes();
        keys.setString(Tag.SOPClassUID, VR.UI);
        keys.setString(Tag.SOPInstanceUID, VR.UI);
        keys.setString(Tag.QueryRetrieveLevel, VR.CS, "IMAGE");
        keys.setString(Tag.StudyInstanceUID, VR.UI, studyUid);
        keys.setString(Tag.SeriesInstanceUID, VR.UI, seriesUid);
        keys.setString(Tag.InstanceNumber, VR.IS);
        return keys;
    }

    private static ImagingException failure(Throwable e) {
        if (e instanceof ImagingException imaging) {
            return imaging;
        }
        if (e instanceof TooManyMatchesException tooMany) {
            return new ImagingException.UpstreamFailure("The archive answered more than " + tooMany.limit()
                    + " matches (images.maxFindResults); the query was cancelled rather than cut short", e);
        }
        if (e instanceof Associations.BusyException) {
            return new ImagingException.RetryLater(java.time.Duration.ofSeconds(2), "The archive connections are all busy");
        }
        if (e instanceof ConnectException) {
            return new ImagingException.UpstreamFailure("The archive cannot be reached", e);
        }
        if (e instanceof SocketTimeoutException) {
            return new ImagingException.UpstreamFailure("The archive did not answer in time", e);
        }
        return new ImagingException.UpstreamFailure("The archive could not be queried", e);
    }
}
