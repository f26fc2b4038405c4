package org.smartimaging.examples.ehr;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Read;
import ca.uhn.fhir.rest.annotation.RequiredParam;
import ca.uhn.fhir.rest.annotation.Search;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.server.IResourceProvider;
import ca.uhn.fhir.rest.server.RestfulServer;
import ca.uhn.fhir.rest.server.exceptions.AuthenticationException;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.util.List;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Patient;
import org.smartimaging.examples.demo.DemoConfigs;
import org.smartimaging.examples.demo.DemoPatient;
import org.smartimaging.examples.demo.DemoPatients;
import org.smartimaging.examples.ehr.EhrTokens.AccessTokenInfo;

/**
 * The demo EHR's FHIR R4 server (HAPI plain server): {@code Patient} read and search by
 * identifier, for the demo patients. Every request but {@code metadata} needs a bearer token this
 * EHR issued (checked by the provider): an app token whose patient scope covers Patient (and only its own patient), or the
 * imaging server's backend token with {@code system/Patient.read}.
 */
final class EhrFhirServer extends RestfulServer {

    private final transient EhrTokens tokens;

    EhrFhirServer(EhrTokens tokens) {
        super(FhirContext.forR4Cached());
        this.tokens = tokens;
    }

    /** No {@code X-Powered-By} naming HAPI and its version. */
    @Override
    public void addHeadersToResponse(jakarta.servlet.http.HttpServletResponse response) {
        // nothing: a version banner only helps an attacker pick an exploit
    }

    @Override
    protected void initialize() {
        setServerName("Demo EHR");
        setServerVersion("demo");
        setImplementationDescription("Demo EHR FHIR server");
        setDefaultResponseEncoding(EncodingEnum.JSON);
        registerProvider(new PatientProvider());
    }

    /** Patient read and search by identifier, limited to what the token may see. */
    public final class PatientProvider implements IResourceProvider {

        @Override
        public Class<Patient> getResourceType() {
            return Patient.class;
        }

        @Read
        public Patient read(@IdParam IdType id, RequestDetails details) {
            AccessTokenInfo grant = grant(details);
            DemoPatient patient = DemoPatients.byFhirId(id.getIdPart())
                    .orElseThrow(() -> new ResourceNotFoundException(id));
            if (!maySee(grant, patient)) {
                throw new ForbiddenOperationException("The access token is not for this patient");
            }
            return resource(patient);
        }

        @Search
        public List<Patient> byIdentifier(@RequiredParam(name = Patient.SP_IDENTIFIER) TokenParam identifier,
                RequestDetails details) {
            AccessTokenInfo grant = grant(details);
            return DemoPatients.all().stream()
                    .filter(p -> p.mrn().equals(identifier.getValue()))
                    .filter(p -> identifier.getSystem() == null || identifier.getSystem().isEmpty()
                            || identifier.getSystem().equals("urn:smart-imaging-demo:mrn"))
                    .filter(p -> maySee(grant, p))
                    .map(EhrFhirServer::resource)
                    .toList();
        }

        /** The grant of the request's bearer token (checked here, not in an interceptor: HAPI logs those failures as errors). */
        private AccessTokenInfo grant(RequestDetails details) {
            String authorization = details.getHeader("Authorization");
            if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
                throw unauthorized("This FHIR server needs an access token (Authorization: Bearer)", null);
            }
            AccessTokenInfo grant = tokens.active(authorization.substring(7).strip())
                    .orElseThrow(() -> unauthorized("The access token is expired, revoked or unknown", "invalid_token"));
            if (!readsPatients(grant)) {
                throw new ForbiddenOperationException("The access token's scopes do not include reading Patient");
            }
            return grant;
        }
    }

    private static AuthenticationException unauthorized(String message, String error) {
        AuthenticationException e = new AuthenticationException(message);
        e.addResponseHeader("WWW-Authenticate", error == null ? "Bearer" : "Bearer error=\"" + error + "\"");
        return e;
    }

    static boolean readsPatients(AccessTokenInfo grant) {
        for (String scope : grant.scope().split(" ")) {
            String[] parts = scope.split("[/.]");
            if (parts.length == 3 && parts[0].equals(grant.backend() ? "system" : "patient")
                    && (parts[1].equals("*") || parts[1].equals("Patient"))
                    && (parts[2].equals("read") || parts[2].equals("*") || parts[2].matches("c?ru?d?s?") && parts[2].contains("r"))) {
                return true;
            }
        }
        return false;
    }

    private static boolean maySee(AccessTokenInfo grant, DemoPatient patient) {
        return grant.backend() || patient.fhirId().equals(grant.patientId());
    }

    static Patient resource(DemoPatient patient) {
        return FhirContext.forR4Cached().newJsonParser().parseResource(Patient.class, DemoConfigs.patientJson(patient));
    }
}
