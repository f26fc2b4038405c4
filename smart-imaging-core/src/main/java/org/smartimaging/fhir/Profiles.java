package org.smartimaging.fhir;

/** Canonical URLs of the Argonaut SMART Imaging Access IG. */
public final class Profiles {

    public static final String IG = "http://fhir.org/argonaut/smart-imaging";
    public static final String SMART_IMAGING_STUDY = IG + "/StructureDefinition/smart-imaging-study";
    public static final String SMART_WADO_ENDPOINT = IG + "/StructureDefinition/smart-wado-endpoint";
    public static final String REQUIRES_ACCESS_TOKEN = IG + "/StructureDefinition/requires-access-token";
    /** The IG's CapabilityStatement (kind requirements) an imaging server instantiates. */
    public static final String CAPABILITY = IG + "/CapabilityStatement/smart-imaging-server";
    /** Discovery capability: the endpoint serves SMART App Launch clients. */
    public static final String APP_LAUNCH = IG + "/capabilities/app-launch";
    /** Discovery capability: the endpoint serves SMART Backend Services clients. */
    public static final String BACKEND_SERVICES = IG + "/capabilities/backend-services";
    /** The capability an imaging server advertises, also in the EHR's {@code associated_endpoints}. */
    public static final String CAPABILITY_CODE = "smart-imaging-access";

    public static final String DICOM_UID_SYSTEM = "urn:dicom:uid";
    public static final String DCM_SYSTEM = "http://dicom.nema.org/resources/ontology/DCM";
    public static final String ENDPOINT_CONNECTION_TYPE = "http://terminology.hl7.org/CodeSystem/endpoint-connection-type";

    private Profiles() {}
}
