package org.smartimaging.audit;

import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.regex.Pattern;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAction;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAgentComponent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAgentNetworkType;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventEntityComponent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventOutcome;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;
import org.smartimaging.spi.AuditRecord;
import org.smartimaging.spi.AuditRecord.Action;
import org.smartimaging.spi.AuditRecord.Decision;

/**
 * An {@link AuditRecord} as a FHIR R4 {@code AuditEvent} shaped by IHE Basic Audit Log Patterns
 * (BALP): a RESTful search (PatientQuery) or read (PatientRead) recorded by the server, the client
 * as Source Role ID, the server as Destination Role ID, the user as information recipient, the
 * patient as a Person entity, each study as an ImagingStudy entity named by its UID, and the
 * request id as BALP's X-Request-Id transaction entity, whose details correlate the access token
 * fingerprint, the capability id and the decision. Failures carry no BALP profile (BALP profiles
 * successes; a failure keeps the shape with outcome 4 or 8 and the reason).
 */
final class AuditEvents {

    static final String BALP = "https://profiles.ihe.net/ITI/BALP/StructureDefinition/";
    private static final String DCM = "http://dicom.nema.org/resources/ontology/DCM";
    private static final String ENTITY_TYPE = "http://terminology.hl7.org/CodeSystem/audit-entity-type";
    private static final String OBJECT_ROLE = "http://terminology.hl7.org/CodeSystem/object-role";
    private static final String BALP_ENTITY_TYPE = "https://profiles.ihe.net/ITI/BALP/CodeSystem/BasicAuditEntityType";
    /** A fhirUser is a reference to one of these; anything else is recorded as an identifier. */
    private static final Pattern USER_REFERENCE =
            Pattern.compile("(https?://[^\\s]+/)?(Practitioner|PractitionerRole|Patient|RelatedPerson|Person)/[A-Za-z0-9\\-.]{1,64}");

    static AuditEvent of(AuditRecord record, String observer) {
        AuditEvent event = new AuditEvent();
        boolean search = record.action() == Action.SEARCH;
        if (record.decision() == Decision.PERMIT) {
            String profile = search ? "Query" : "Read";
            event.getMeta().addProfile(BALP + "IHE.BasicAudit." + (record.patientId() != null ? "Patient" + profile : profile));
        }
        event.setType(new Coding("http://terminology.hl7.org/CodeSystem/audit-event-type", "rest", "Restful Operation"));
        event.addSubtype(search
                ? new Coding("http://hl7.org/fhir/restful-interaction", "search-type", "search type")
                : new Coding("http://hl7.org/fhir/restful-interaction", "read", "read"));
        event.setAction(search ? AuditEventAction.E : AuditEventAction.R);
        event.setRecorded(Date.from(record.recorded()));
        event.setOutcome(outcome(record));
        if (record.reason() != null) {
            event.setOutcomeDesc(record.reason());
        }

        AuditEventAgentComponent client = event.addAgent()
                .setType(concept(DCM, "110153", "Source Role ID"))
                .setRequestor(record.user() == null);
        if (record.clientId() != null) {
            client.setWho(new Reference().setIdentifier(new Identifier().setValue(record.clientId())));
        } else {
            client.setWho(new Reference().setDisplay("unidentified client"));
        }
        AuditEventAgentComponent server = event.addAgent()
                .setType(concept(DCM, "110152", "Destination Role ID"))
                .setRequestor(false)
                .setWho(new Reference().setDisplay(observer));
        if (record.server() != null) {
            server.getWho().setIdentifier(new Identifier().setValue(record.server()));
            server.getNetwork().setAddress(record.server()).setType(AuditEventAgentNetworkType._5);
        }
        if (record.user() != null) {
            Reference who = USER_REFERENCE.matcher(record.user()).matches()
                    ? new Reference(record.user())
                    : new Reference().setIdentifier(new Identifier().setValue(record.user()));
            event.addAgent()
                    .setType(concept("http://terminology.hl7.org/CodeSystem/v3-ParticipationType", "IRCP", "information recipient"))
                    .setWho(who)
                    .setRequestor(true);
        }

        event.getSource().setSite(record.site()).setObserver(new Reference().setDisplay(observer))
                .addType(new Coding("http://terminology.hl7.org/CodeSystem/security-source-type", "4", "Application Server"));

        AuditEventEntityComponent transaction = event.addEntity()
                .setType(new Coding(BALP_ENTITY_TYPE, "XrequestId", "X-Request-Id"));
        transaction.getWhat().setIdentifier(new Identifier().setValue(record.correlationId()));
        transaction.addDetail().setType("decision").setValue(new org.hl7.fhir.r4.model.StringType(
                record.decision().name() + " " + record.status()));
        transaction.addDetail().setType("route").setValue(new org.hl7.fhir.r4.model.StringType(record.route()));
        if (record.accessTokenFingerprint() != null) {
            transaction.addDetail().setType("access-token-sha256")
                    .setValue(new org.hl7.fhir.r4.model.StringType(record.accessTokenFingerprint()));
        }
        if (record.capabilityId() != null) {
            transaction.addDetail().setType("capability-id").setValue(new org.hl7.fhir.r4.model.StringType(record.capabilityId()));
        }
        if (search && record.query() != null) {
            event.addEntity()
                    .setType(new Coding(ENTITY_TYPE, "2", "System Object"))
                    .setRole(new Coding(OBJECT_ROLE, "24", "Query"))
                    .setQuery(record.query().getBytes(StandardCharsets.UTF_8))
                    .setDescription(record.query());
        }
        if (record.patientId() != null) {
            event.addEntity()
                    .setType(new Coding(ENTITY_TYPE, "1", "Person"))
                    .setRole(new Coding(OBJECT_ROLE, "1", "Patient"))
                    .setWhat(new Reference("Patient/" + record.patientId()));
        }
        for (String study : record.studyInstanceUids()) {
            event.addEntity()
                    .setType(new Coding("http://hl7.org/fhir/resource-types", "ImagingStudy", "ImagingStudy"))
                    .setRole(new Coding(OBJECT_ROLE, "4", "Domain Resource"))
                    .setWhat(new Reference().setType("ImagingStudy")
                            .setIdentifier(new Identifier().setSystem("urn:dicom:uid").setValue("urn:oid:" + study)));
        }
        return event;
    }

    private static AuditEventOutcome outcome(AuditRecord record) {
        if (record.decision() == Decision.PERMIT) {
            return AuditEventOutcome._0;
        }
        return record.status() >= 500 ? AuditEventOutcome._8 : AuditEventOutcome._4;
    }

    private static CodeableConcept concept(String system, String code, String display) {
        return new CodeableConcept(new Coding(system, code, display));
    }

    private AuditEvents() {}
}
