package org.smartimaging.engine;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.smartimaging.config.ImagingConfig;
import org.smartimaging.spi.AccessGrant;
import org.smartimaging.spi.ImagingException;
import org.smartimaging.token.StudyToken;
import org.smartimaging.token.StudyTokenCodec;

/**
 * Issues the study token of each WADO base a search returns, and checks the one a WADO request
 * presents (DESIGN.md section 5).
 */
final class StudyTokens {

    private final StudyTokenCodec codec;
    private final Duration lifetime;
    private final Clock clock;

    StudyTokens(StudyTokenCodec codec, Duration lifetime, Clock clock) {
        this.codec = codec;
        this.lifetime = lifetime;
        this.clock = clock;
    }

    /**
     * A token for one study. A bearer capability ({@code requiresAccessToken: false}) expires no
     * later than the access token that made it.
     */
    String issue(ImagingConfig config, String patientId, AccessGrant grant, String studyInstanceUid) {
        Instant expiresAt = clock.instant().plus(lifetime);
        if (grant.expiresAt() != null && grant.expiresAt().isBefore(expiresAt)) {
            expiresAt = grant.expiresAt();
        }
        return codec.sign(new StudyToken(patientId, config.bindingId(), Set.of(studyInstanceUid), expiresAt,
                config.requiresAccessToken()));
    }

    /**
     * @throws ImagingException.Unauthorized when the token is forged, malformed or expired
     * @throws ImagingException.Forbidden when it is for another configuration or study
     */
    StudyToken verify(ImagingConfig config, String compact, String studyInstanceUid) {
        StudyToken token = verify(config, compact);
        if (!token.grantsStudy(studyInstanceUid)) {
            throw new ImagingException.Forbidden("The study token does not grant this study");
        }
        return token;
    }

    /** As {@link #verify(ImagingConfig, String, String)}, for a request that names no study (QIDO-RS {@code /studies}). */
    StudyToken verify(ImagingConfig config, String compact) {
        StudyToken token = codec.verify(compact);
        if (!token.bindingId().equals(config.bindingId())) {
            throw new ImagingException.Forbidden("The study token was issued for another configuration");
        }
        return token;
    }
}
