package org.smartimaging.spi;

import java.util.Objects;
import java.util.Set;

/**
 * An {@link AccessPolicy}'s answer for one study: permitted whole, permitted except some series,
 * or denied. A request for the whole study is denied unless the study is permitted whole ("a
 * full-study request SHALL NOT return a successful partial study").
 *
 * @param permitted whether any of the study may be seen
 * @param deniedSeries series UIDs that may not be seen although the study is permitted
 * @param reason why something was denied, safe to show the client; {@code null} when nothing was
 */
public record AccessDecision(boolean permitted, Set<String> deniedSeries, String reason) {

    private static final AccessDecision PERMIT = new AccessDecision(true, Set.of(), null);

    public AccessDecision {
        deniedSeries = Set.copyOf(Objects.requireNonNull(deniedSeries, "deniedSeries"));
    }

    public static AccessDecision permit() {
        return PERMIT;
    }

    public static AccessDecision deny(String reason) {
        return new AccessDecision(false, Set.of(), Objects.requireNonNull(reason, "reason"));
    }

    /** The study minus the given series; with none given, the whole study. */
    public static AccessDecision permitExcept(Set<String> deniedSeries, String reason) {
        return deniedSeries.isEmpty() ? PERMIT : new AccessDecision(true, deniedSeries, Objects.requireNonNull(reason, "reason"));
    }

    /** Whether the whole study may be seen (a study-level request). */
    public boolean permitsWholeStudy() {
        return permitted && deniedSeries.isEmpty();
    }

    /** Whether the series may be seen (a series- or instance-level request). */
    public boolean permitsSeries(String seriesInstanceUid) {
        return permitted && !deniedSeries.contains(seriesInstanceUid);
    }
}
