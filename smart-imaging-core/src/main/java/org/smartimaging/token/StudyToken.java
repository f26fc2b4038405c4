package org.smartimaging.token;

import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * What a WADO base URL grants: the studies of one patient under one configuration, until a time.
 * Travels as a compact JWS in the URL path ({@link StudyTokenCodec}).
 *
 * @param patientId the patient the token was issued for; {@code null} when the search had none
 *     (open configurations)
 * @param bindingId the configuration it is valid for ({@link org.smartimaging.config.ImagingConfig#bindingId()})
 * @param studyInstanceUids the studies it grants
 * @param expiresAt when it stops working
 * @param requiresAccessToken whether a request must also carry an access token for the same patient
 *     ({@code false}: a bearer capability URL)
 * @param id a random identifier of this capability ({@code jti}), so that audit records can name it
 *     without carrying it; {@code null} only in tokens issued before ids existed
 */
public record StudyToken(
        String patientId, String bindingId, Set<String> studyInstanceUids, Instant expiresAt, boolean requiresAccessToken,
        String id) {

    public StudyToken {
        Objects.requireNonNull(bindingId, "bindingId");
        Objects.requireNonNull(expiresAt, "expiresAt");
        studyInstanceUids = Set.copyOf(studyInstanceUids);
    }

    /** A new capability with a fresh random id. */
    public StudyToken(String patientId, String bindingId, Set<String> studyInstanceUids, Instant expiresAt,
            boolean requiresAccessToken) {
        this(patientId, bindingId, studyInstanceUids, expiresAt, requiresAccessToken, java.util.UUID.randomUUID().toString());
    }

    public boolean grantsStudy(String studyInstanceUid) {
        return studyInstanceUids.contains(studyInstanceUid);
    }
}
