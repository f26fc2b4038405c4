package org.smartimaging.config;

import java.time.Duration;
import java.time.Instant;

/**
 * {@code images.delay}: until these instants, searches and retrievals answer 503 with
 * {@code Retry-After}, to exercise an app's slow-PACS handling on any source.
 *
 * @param lookupUntil searches wait until then; {@code null} for never
 * @param retrieveUntil retrievals wait until then; {@code null} for never
 */
public record Delay(Instant lookupUntil, Instant retrieveUntil) {

    public static final Delay NONE = new Delay(null, null);

    /** How long a search must still wait at {@code now}; zero when it need not. */
    public Duration lookupWait(Instant now) {
        return remaining(lookupUntil, now);
    }

    /** How long a retrieval must still wait at {@code now}; zero when it need not. */
    public Duration retrieveWait(Instant now) {
        return remaining(retrieveUntil, now);
    }

    private static Duration remaining(Instant until, Instant now) {
        return until == null || !now.isBefore(until) ? Duration.ZERO : Duration.between(now, until);
    }
}
