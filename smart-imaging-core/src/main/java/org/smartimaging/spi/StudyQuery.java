package org.smartimaging.spi;

/**
 * What a search asks of an {@link ImageSource}.
 *
 * @param patientMrn the DICOM PatientID to match, or {@code null} for every study on the source
 *     ({@code images.lookup: all-studies-on-server})
 * @param studyInstanceUid a single study to find, or {@code null}
 * @param limit the most studies to return; sources stop asking upstream past it
 */
public record StudyQuery(String patientMrn, String studyInstanceUid, int limit) {

    public StudyQuery {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be positive: " + limit);
        }
    }

    public static StudyQuery byMrn(String mrn, int limit) {
        return new StudyQuery(mrn, null, limit);
    }

    public static StudyQuery allStudies(int limit) {
        return new StudyQuery(null, null, limit);
    }

    public StudyQuery withStudyInstanceUid(String uid) {
        return new StudyQuery(patientMrn, uid, limit);
    }

    public boolean allStudiesOnServer() {
        return patientMrn == null;
    }
}
