package org.smartimaging.spi;

import java.time.Instant;
import java.util.Collection;
import java.util.List;

/**
 * What a search asks of an {@link ImageSource}: the newest {@code limit} studies matching it, after
 * the {@code after} position, newest first ({@link StudyCursor#NEWEST_FIRST}). A source that
 * cannot order upstream gathers its matches (up to its own bound) and lets {@link #select}
 * order, filter and cut them; it never cuts first in another order.
 *
 * @param patientMrn the DICOM PatientID to match, or {@code null} for every study on the source
 *     ({@code images.lookup: all-studies-on-server})
 * @param studyInstanceUid a single study to find, or {@code null}
 * @param limit the most studies to return
 * @param updatedFrom only studies whose {@link StudyRecord#lastUpdatedOrStarted()} is at or after
 *     this, or {@code null} (from {@code _lastUpdated}; the engine applies the exact conditions too)
 * @param updatedBefore only studies updated before this, or {@code null}
 * @param after only studies after this position (the next page), or {@code null} for the first page
 */
public record StudyQuery(String patientMrn, String studyInstanceUid, int limit, Instant updatedFrom, Instant updatedBefore,
        StudyCursor after) {

    public StudyQuery {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be positive: " + limit);
        }
    }

    /** A first page without date bounds. */
    public StudyQuery(String patientMrn, String studyInstanceUid, int limit) {
        this(patientMrn, studyInstanceUid, limit, null, null, null);
    }

    public static StudyQuery byMrn(String mrn, int limit) {
        return new StudyQuery(mrn, null, limit);
    }

    public static StudyQuery allStudies(int limit) {
        return new StudyQuery(null, null, limit);
    }

    public StudyQuery withStudyInstanceUid(String uid) {
        return new StudyQuery(patientMrn, uid, limit, updatedFrom, updatedBefore, after);
    }

    public StudyQuery withLimit(int newLimit) {
        return new StudyQuery(patientMrn, studyInstanceUid, newLimit, updatedFrom, updatedBefore, after);
    }

    public StudyQuery withUpdated(Instant from, Instant before) {
        return new StudyQuery(patientMrn, studyInstanceUid, limit, from, before, after);
    }

    public StudyQuery after(StudyCursor cursor) {
        return new StudyQuery(patientMrn, studyInstanceUid, limit, updatedFrom, updatedBefore, cursor);
    }

    public boolean allStudiesOnServer() {
        return patientMrn == null;
    }

    /** Whether a study matches the patient, UID, date bounds and position (not the limit). */
    public boolean matches(StudyRecord study) {
        if (patientMrn != null && !patientMrn.equals(study.patientId())) {
            return false;
        }
        if (studyInstanceUid != null && !studyInstanceUid.equals(study.studyInstanceUid())) {
            return false;
        }
        if (updatedFrom != null || updatedBefore != null) {
            Instant updated = study.lastUpdatedOrStarted();
            if (updated == null || (updatedFrom != null && updated.isBefore(updatedFrom))
                    || (updatedBefore != null && !updated.isBefore(updatedBefore))) {
                return false;
            }
        }
        return after == null || after.precedes(study);
    }

    /** The answer to this query from a source's candidates: matching, newest first, at most {@code limit}. */
    public List<StudyRecord> select(Collection<StudyRecord> candidates) {
        return candidates.stream().filter(this::matches).sorted(StudyCursor.NEWEST_FIRST).limit(limit).toList();
    }
}
