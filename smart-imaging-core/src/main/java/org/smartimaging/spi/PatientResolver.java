package org.smartimaging.spi;

import org.hl7.fhir.r4.model.Patient;

/**
 * Turns a patient's FHIR id into the {@link Patient} resource the MRN is chosen from (by the
 * {@code images.mrn} FHIRPath expressions). The second step of a search by MRN.
 */
public interface PatientResolver {

    /**
     * @param patientId the FHIR id of the patient, as granted (or as asked, when checks are disabled)
     * @param grant the grant of the request, whose token may be needed to read the patient
     * @throws ImagingException.NotFound when the patient does not exist
     */
    Patient resolve(String patientId, AccessGrant grant);
}
