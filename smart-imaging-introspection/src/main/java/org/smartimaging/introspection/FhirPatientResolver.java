package org.smartimaging.introspection;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.apache.ApacheRestfulClientFactory;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import ca.uhn.fhir.rest.client.exceptions.FhirClientConnectionException;
import ca.uhn.fhir.rest.server.exceptions.AuthenticationException;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import com.nimbusds.oauth2.sdk.token.AccessToken;
import java.time.Clock;
import java.time.Duration;
import org.hl7.fhir.r4.model.Patient;
import org.smartimaging.spi.AccessGrant;
import org.smartimaging.spi.ImagingException;
import org.smartimaging.spi.PatientResolver;

/**
 * Reads the patient in context from the EHR's FHIR server ({@code GET Patient/{id}} with HAPI's
 * generic client and the imaging server's backend token), so the engine can pick the MRN the
 * images are filed under. Answers are cached per patient for {@link #PATIENT_TTL}; a missing
 * patient is {@link ImagingException.NotFound}, an EHR that fails or is slow is
 * {@link ImagingException.UpstreamFailure} after the configured timeout.
 */
public final class FhirPatientResolver implements PatientResolver {

    /** How long a patient read is reused (identifiers rarely change; a viewer asks in bursts). */
    static final Duration PATIENT_TTL = Duration.ofSeconds(60);
    private static final long MAX_CACHED_PATIENTS = 1_000;

    private final EhrConnection ehr;
    private final IGenericClient client;
    private final SharedLoadingCache<Patient> patients;

    FhirPatientResolver(EhrConnection ehr, Clock clock) {
        this.ehr = ehr;
        int timeoutMillis = (int) ehr.settings().timeout().toMillis();
        ApacheRestfulClientFactory factory = new ApacheRestfulClientFactory(fhirContext());
        factory.setConnectTimeout(timeoutMillis);
        factory.setConnectionRequestTimeout(timeoutMillis);
        factory.setSocketTimeout(timeoutMillis);
        factory.setServerValidationMode(ServerValidationModeEnum.NEVER);
        this.client = factory.newGenericClient(ehr.settings().fhirBaseUrl().toString());
        this.patients = new SharedLoadingCache<>(
                MAX_CACHED_PATIENTS, patient -> PATIENT_TTL, clock, ehr.settings().timeout().multipliedBy(4));
    }

    static FhirContext fhirContext() {
        return FhirContext.forR4Cached();
    }

    @Override
    public Patient resolve(String patientId, AccessGrant grant) {
        if (!PatientReference.isValidId(patientId)) {
            throw new ImagingException.BadRequest("Not a valid patient id");
        }
        return patients.get(patientId, () -> read(patientId)).copy();
    }

    /** Forgets every cached patient (the configuration is going away). */
    void close() {
        patients.invalidateAll();
    }

    private Patient read(String patientId) {
        AccessToken token = ehr.backendToken();
        try {
            return readWith(patientId, token);
        } catch (AuthenticationException e) {
            // The EHR no longer takes this backend token (revoked, expired early): once more with a new one.
            ehr.rejectBackendToken(token);
            try {
                return readWith(patientId, ehr.backendToken());
            } catch (AuthenticationException again) {
                throw new ImagingException.UpstreamFailure("The EHR's FHIR server refused the imaging server's backend token");
            }
        }
    }

    private Patient readWith(String patientId, AccessToken token) {
        try {
            return client.read()
                    .resource(Patient.class)
                    .withId(patientId)
                    .withAdditionalHeader("Authorization", token.toAuthorizationHeader())
                    .execute();
        } catch (ResourceNotFoundException | ResourceGoneException e) {
            throw new ImagingException.NotFound("No such patient at the EHR");
        } catch (AuthenticationException e) {
            throw e;
        } catch (FhirClientConnectionException e) {
            throw new ImagingException.UpstreamFailure("Cannot reach the EHR's FHIR server", e);
        } catch (BaseServerResponseException e) {
            throw new ImagingException.UpstreamFailure("The EHR's FHIR server answered HTTP " + e.getStatusCode() + " to a Patient read");
        } catch (RuntimeException e) {
            throw new ImagingException.UpstreamFailure("Reading the patient at the EHR failed", e);
        }
    }
}
