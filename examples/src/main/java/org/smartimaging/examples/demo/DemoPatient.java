package org.smartimaging.examples.demo;

/**
 * A synthetic patient of the demo: the FHIR id an EHR sandbox would grant, and the MRN that the
 * generated DICOM studies carry as Patient ID.
 *
 * @param birthDate YYYY-MM-DD, as FHIR writes it
 * @param gender FHIR administrative gender: {@code female}, {@code male}, {@code other}, {@code unknown}
 */
public record DemoPatient(String fhirId, String mrn, String family, String given, String birthDate, String gender) {

    /** Patient's Name (0010,0010) in DICOM PN form: {@code family^given}. */
    public String dicomName() {
        return family + "^" + given;
    }

    /** Patient's Birth Date (0010,0030) in DICOM DA form: {@code YYYYMMDD}. */
    public String dicomBirthDate() {
        return birthDate.replace("-", "");
    }

    /** Patient's Sex (0010,0040): M, F or O. */
    public String dicomSex() {
        return switch (gender) {
            case "female" -> "F";
            case "male" -> "M";
            default -> "O";
        };
    }
}
