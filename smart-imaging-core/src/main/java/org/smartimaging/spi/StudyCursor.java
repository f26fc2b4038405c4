package org.smartimaging.spi;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A position in the newest-first order of studies ({@link #NEWEST_FIRST}): the study a page ended
 * with. The next page holds the studies after it. Travels in {@code next} links as an opaque token;
 * it carries no permission (every page is checked again), only a place.
 *
 * @param started the study's start, or {@code null} when unknown (such studies sort last)
 * @param studyInstanceUid the study's UID, breaking ties
 */
public record StudyCursor(Instant started, String studyInstanceUid) {

    /** Newest study first (by start, unknown last), then by UID: a total order, so pages never overlap. */
    public static final Comparator<StudyRecord> NEWEST_FIRST = Comparator
            .comparing(StudyRecord::started, Comparator.nullsLast(Comparator.reverseOrder()))
            .thenComparing(StudyRecord::studyInstanceUid);

    private static final Pattern UID = Pattern.compile("[0-9]+(\\.[0-9]+)*");
    private static final Pattern TEXT = Pattern.compile("(-?[0-9]{1,19}|-)~([0-9.]{1,64})");

    public StudyCursor {
        Objects.requireNonNull(studyInstanceUid, "studyInstanceUid");
    }

    public static StudyCursor after(StudyRecord study) {
        return new StudyCursor(study.started(), study.studyInstanceUid());
    }

    /** Whether the study comes after this position in {@link #NEWEST_FIRST} order. */
    public boolean precedes(StudyRecord study) {
        StudyRecord here = new StudyRecord(studyInstanceUid, null, null, started, null, null, null, java.util.List.of());
        return NEWEST_FIRST.compare(here, study) < 0;
    }

    /** The opaque form for a URL. */
    public String encode() {
        String text = (started == null ? "-" : Long.toString(started.toEpochMilli())) + "~" + studyInstanceUid;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.US_ASCII));
    }

    /** The cursor of {@link #encode()}'s text, or empty when the text is not one. */
    public static Optional<StudyCursor> decode(String encoded) {
        if (encoded == null || encoded.length() > 128) {
            return Optional.empty();
        }
        String text;
        try {
            text = new String(Base64.getUrlDecoder().decode(encoded), StandardCharsets.US_ASCII);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        var matcher = TEXT.matcher(text);
        if (!matcher.matches() || !UID.matcher(matcher.group(2)).matches()) {
            return Optional.empty();
        }
        Instant started = matcher.group(1).equals("-") ? null : Instant.ofEpochMilli(Long.parseLong(matcher.group(1)));
        return Optional.of(new StudyCursor(started, matcher.group(2)));
    }
}
