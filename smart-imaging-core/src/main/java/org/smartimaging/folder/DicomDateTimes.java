package org.smartimaging.folder;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;

/**
 * DICOM DA + TM (+ TimezoneOffsetFromUTC) to an {@link Instant}. Without an offset the time is read
 * as UTC: DICOM leaves the zone to the site, and a fixed rule keeps results reproducible.
 */
public final class DicomDateTimes {

    private DicomDateTimes() {}

    /** @return the instant, or {@code null} when the date is absent or malformed */
    public static Instant instant(String date, String time, String timezoneOffset) {
        if (date == null || !date.matches("\\d{8}")) {
            return null;
        }
        try {
            LocalDate day = LocalDate.of(Integer.parseInt(date.substring(0, 4)), Integer.parseInt(date.substring(4, 6)),
                    Integer.parseInt(date.substring(6, 8)));
            LocalTime clock = time(time);
            ZoneOffset offset = offset(timezoneOffset);
            return LocalDateTime.of(day, clock).toInstant(offset);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static LocalTime time(String time) {
        if (time == null) {
            return LocalTime.MIDNIGHT;
        }
        String digits = time.replace(":", "");
        int dot = digits.indexOf('.');
        String whole = dot >= 0 ? digits.substring(0, dot) : digits;
        if (!whole.matches("\\d{2}(\\d{2}(\\d{2})?)?")) {
            return LocalTime.MIDNIGHT;
        }
        int hour = Integer.parseInt(whole.substring(0, 2));
        int minute = whole.length() >= 4 ? Integer.parseInt(whole.substring(2, 4)) : 0;
        int second = whole.length() >= 6 ? Integer.parseInt(whole.substring(4, 6)) : 0;
        return LocalTime.of(hour, minute, Math.min(second, 59));
    }

    private static ZoneOffset offset(String offset) {
        if (offset == null || !offset.matches("[+-]\\d{4}")) {
            return ZoneOffset.UTC;
        }
        try {
            return ZoneOffset.of(offset.substring(0, 3) + ":" + offset.substring(3));
        } catch (java.time.DateTimeException e) {
            return ZoneOffset.UTC;
        }
    }
}
