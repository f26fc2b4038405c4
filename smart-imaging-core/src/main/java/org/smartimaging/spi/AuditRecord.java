package org.smartimaging.spi;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One access decision, as the engine hands it to every {@link AuditSink}: who asked (the client, on
 * whose behalf), for which patient and studies, over which route, and what was decided. Never
 * carries a credential: the access token and the capability appear only as a fingerprint and an id
 * that correlate them with the decision.
 *
 * @param recorded when the decision was made
 * @param action a study search or a DICOMweb retrieval
 * @param site the configuration ({@code {key}}, or {@code dyn:{sha256}} for a dynamic one: its JSON may hold upstream secrets)
 * @param route what was asked, without values: {@code ImagingStudy}, {@code wado/study},
 *     {@code wado/series/metadata}, {@code wado/instance/frames}, ...
 * @param query the search parameters as received ({@code patient=123&_count=1}); {@code null} for retrievals
 * @param clientId the client id the authorizer established; {@code null} when unknown (no or invalid token, open configs)
 * @param user the user the client acts for ({@code fhirUser}), when the grant names one
 * @param patientId the patient's FHIR id the request was for, when known
 * @param studyInstanceUids the studies returned (search) or requested (retrieval)
 * @param decision permit, deny (401/403), or error (any other failure: bad input, not found, upstream down)
 * @param status the HTTP status answered
 * @param reason why it was denied or failed (the client-safe message); {@code null} on success
 * @param correlationId ties this record to the request ({@code X-Request-Id} when the client sent a
 *     sane one, else generated) and to the answer's {@code X-Request-Id}
 * @param accessTokenFingerprint the first 128 bits of SHA-256 over the access token, base64url; {@code null} without a token
 * @param capabilityId the study token's id ({@code jti}), or a fingerprint of it when it has none; {@code null} for searches
 * @param server the base URL of the configuration that answered
 */
public record AuditRecord(
        Instant recorded, Action action, String site, String route, String query,
        String clientId, String user, String patientId, List<String> studyInstanceUids,
        Decision decision, int status, String reason,
        String correlationId, String accessTokenFingerprint, String capabilityId, String server) {

    public AuditRecord {
        Objects.requireNonNull(recorded, "recorded");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(decision, "decision");
        Objects.requireNonNull(correlationId, "correlationId");
        studyInstanceUids = List.copyOf(studyInstanceUids);
    }

    public enum Action {
        SEARCH,
        RETRIEVE
    }

    public enum Decision {
        PERMIT,
        DENY,
        ERROR;

        /** 401 and 403 are access decisions; other failures are errors. */
        public static Decision ofStatus(int status) {
            if (status < 400) {
                return PERMIT;
            }
            return status == 401 || status == 403 ? DENY : ERROR;
        }
    }
}
