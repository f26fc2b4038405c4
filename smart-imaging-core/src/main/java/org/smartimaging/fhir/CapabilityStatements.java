package org.smartimaging.fhir;

import java.util.Date;
import java.util.Map;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementKind;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestResourceComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.RestfulCapabilityMode;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Enumerations.FHIRVersion;
import org.hl7.fhir.r4.model.Enumerations.PublicationStatus;
import org.hl7.fhir.r4.model.Enumerations.SearchParamType;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.UriType;

/**
 * The imaging server's {@code metadata}: ImagingStudy search as the Argonaut SMART Imaging Access
 * IG requires, and the SMART {@code oauth-uris} of the EHR that authorises it.
 */
public final class CapabilityStatements {

    private static final String OAUTH_URIS = "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris";

    private CapabilityStatements() {}

    /**
     * @param baseUrl this configuration's FHIR base
     * @param smartConfiguration the authorizer's discovery entries ({@code authorization_endpoint}, ...)
     */
    public static CapabilityStatement imagingServer(String baseUrl, Map<String, Object> smartConfiguration, Date now) {
        CapabilityStatement statement = new CapabilityStatement();
        statement.setStatus(PublicationStatus.ACTIVE);
        statement.setDate(now);
        statement.setKind(CapabilityStatementKind.INSTANCE);
        statement.addInstantiates(Profiles.CAPABILITY);
        statement.getSoftware().setName("SMART Imaging SDK for Java");
        statement.getImplementation().setDescription("SMART Imaging Access server").setUrl(baseUrl);
        statement.setFhirVersion(FHIRVersion._4_0_1);
        statement.addFormat("json");

        CapabilityStatementRestComponent rest = statement.addRest().setMode(RestfulCapabilityMode.SERVER);
        rest.getSecurity().setCors(true); // every route answers CORS preflights and real requests
        rest.getSecurity().addService(new CodeableConcept(new Coding(
                "http://terminology.hl7.org/CodeSystem/restful-security-service", "SMART-on-FHIR", "SMART-on-FHIR")));
        Extension oauthUris = new Extension(OAUTH_URIS);
        addUri(oauthUris, "authorize", smartConfiguration.get("authorization_endpoint"));
        addUri(oauthUris, "token", smartConfiguration.get("token_endpoint"));
        addUri(oauthUris, "introspect", smartConfiguration.get("introspection_endpoint"));
        addUri(oauthUris, "revoke", smartConfiguration.get("revocation_endpoint"));
        if (!oauthUris.getExtension().isEmpty()) {
            rest.getSecurity().addExtension(oauthUris);
        }

        CapabilityStatementRestResourceComponent imagingStudy = rest.addResource().setType("ImagingStudy");
        imagingStudy.addSupportedProfile(Profiles.SMART_IMAGING_STUDY);
        imagingStudy.addInteraction().setCode(CapabilityStatement.TypeRestfulInteraction.SEARCHTYPE);
        imagingStudy.addSearchParam().setName("patient").setType(SearchParamType.REFERENCE)
                .setDefinition("http://hl7.org/fhir/SearchParameter/clinical-patient");
        imagingStudy.addSearchParam().setName("_lastUpdated").setType(SearchParamType.DATE)
                .setDefinition("http://hl7.org/fhir/SearchParameter/Resource-lastUpdated");
        imagingStudy.addSearchParam().setName("identifier").setType(SearchParamType.TOKEN)
                .setDefinition("http://hl7.org/fhir/SearchParameter/clinical-identifier");
        imagingStudy.addSearchInclude("ImagingStudy:endpoint");
        // Endpoints are not served on their own: they are contained, or response-local (urn:uuid) entries.
        return statement;
    }

    private static void addUri(Extension parent, String name, Object value) {
        if (value instanceof String uri && !uri.isBlank()) {
            parent.addExtension(name, new UriType(uri));
        }
    }
}
