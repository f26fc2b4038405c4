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
 */
public record StudyToken(
        String patientId, String bindingId, Set<String> studyInstanceUids, Instant expiresAt, boolean requiresAccessToken) {

    public StudyToken {
        Objects.requireNonNull(bindingId, "bindingId");
        Objects.requireNonNull(expiresAt, "expiresAt");
        studyInstanceUids = Set.copyOf(studyInstanceUids);
    }

    public boolean grantsStudy(String studyInstanceUid) {
        return studyInstanceUids.contains(studyInstanceUid);
    }
}
