package org.smartimaging.fhir;

import java.util.Date;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Endpoint;
import org.hl7.fhir.r4.model.Endpoint.EndpointStatus;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.ImagingStudy;
import org.hl7.fhir.r4.model.ImagingStudy.ImagingStudySeriesComponent;
import org.hl7.fhir.r4.model.ImagingStudy.ImagingStudyStatus;
import org.hl7.fhir.r4.model.Reference;
import org.smartimaging.spi.InstanceRecord;
import org.smartimaging.spi.SeriesRecord;
import org.smartimaging.spi.StudyRecord;

/**
 * Maps a {@link StudyRecord} to an R4 {@code ImagingStudy} (profile {@code smart-imaging-study})
 * and its WADO-RS {@code Endpoint} (profile {@code smart-wado-endpoint}).
 */
public final class ImagingStudyMapper {

    /** DICOM's "other" modality, for series whose source did not report one (R4 needs 1..1). */
    private static final String UNKNOWN_MODALITY = "OT";

    private ImagingStudyMapper() {}

    /**
     * @param subject the patient reference: {@code Patient/{id}} when the patient is known, else a
     *     logical reference by DICOM PatientID
     */
    public static ImagingStudy imagingStudy(StudyRecord study, Reference subject, Reference endpoint) {
        ImagingStudy resource = new ImagingStudy();
        resource.setId(study.studyInstanceUid());
        resource.getMeta().addProfile(Profiles.SMART_IMAGING_STUDY);
        if (study.lastUpdated() != null) {
            resource.getMeta().setLastUpdated(Date.from(study.lastUpdated()));
        }
        resource.addIdentifier(new Identifier().setSystem(Profiles.DICOM_UID_SYSTEM)
                .setValue("urn:oid:" + study.studyInstanceUid()));
        if (study.accessionNumber() != null) {
            resource.addIdentifier().setValue(study.accessionNumber())
                    .getType().addCoding().setSystem("http://terminology.hl7.org/CodeSystem/v2-0203").setCode("ACSN");
        }
        resource.setStatus(ImagingStudyStatus.AVAILABLE);
        resource.setSubject(subject);
        if (study.started() != null) {
            resource.setStartedElement(new DateTimeType(Date.from(study.started())));
        }
        study.modalities().forEach(m -> resource.addModality(modality(m)));
        if (resource.getModality().isEmpty()) {
            resource.addModality(modality(UNKNOWN_MODALITY));
        }
        resource.setNumberOfSeries(study.series().size());
        resource.setNumberOfInstances(study.numberOfInstances());
        resource.setDescription(study.description());
        resource.addEndpoint(endpoint);
        study.series().forEach(series -> resource.addSeries(series(series, endpoint)));
        return resource;
    }

    /** The WADO-RS endpoint of a study: {@code address} is the base the app appends {@code /studies/...} to. */
    public static Endpoint wadoEndpoint(String id, String address, boolean requiresAccessToken) {
        Endpoint endpoint = new Endpoint();
        endpoint.setId(id);
        endpoint.getMeta().addProfile(Profiles.SMART_WADO_ENDPOINT);
        endpoint.addExtension(Profiles.REQUIRES_ACCESS_TOKEN, new BooleanType(requiresAccessToken));
        endpoint.setStatus(EndpointStatus.ACTIVE);
        endpoint.setConnectionType(new Coding(Profiles.ENDPOINT_CONNECTION_TYPE, "dicom-wado-rs", "DICOM WADO-RS"));
        endpoint.addPayloadType().setText("DICOM");
        endpoint.addPayloadMimeType("application/dicom");
        endpoint.setAddress(address);
        return endpoint;
    }

    private static ImagingStudySeriesComponent series(SeriesRecord record, Reference endpoint) {
        ImagingStudySeriesComponent series = new ImagingStudySeriesComponent();
        series.setUid(record.seriesInstanceUid());
        if (record.number() != null) {
            series.setNumber(record.number());
        }
        series.setModality(modality(record.modality() != null ? record.modality() : UNKNOWN_MODALITY));
        series.setDescription(record.description());
        series.setNumberOfInstances(record.instances().size());
        series.addEndpoint(endpoint);
        for (InstanceRecord instance : record.instances()) {
            // R4 needs a SOP class for every listed instance; one without is still counted above.
            if (instance.sopClassUid() == null) {
                continue;
            }
            ImagingStudy.ImagingStudySeriesInstanceComponent listed = series.addInstance();
            listed.setUid(instance.sopInstanceUid());
            listed.setSopClass(new Coding("urn:ietf:rfc:3986", "urn:oid:" + instance.sopClassUid(), null));
            if (instance.number() != null) {
                listed.setNumber(instance.number());
            }
        }
        return series;
    }

    private static Coding modality(String code) {
        return new Coding(Profiles.DCM_SYSTEM, code, null);
    }
}
