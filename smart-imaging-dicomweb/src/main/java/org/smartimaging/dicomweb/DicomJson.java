package org.smartimaging.dicomweb;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;

/**
 * Reads the few attributes the search needs from a DICOM JSON object (PS3.18 F.2):
 * {@code "0020000D": {"vr": "UI", "Value": ["1.2.3"]}}; person names are objects with
 * {@code Alphabetic}; IS values may come as numbers or strings, depending on the PACS.
 */
final class DicomJson {

    static final String STUDY_DATE = "00080020";
    static final String STUDY_TIME = "00080030";
    static final String ACCESSION_NUMBER = "00080050";
    static final String MODALITIES_IN_STUDY = "00080061";
    static final String TIMEZONE_OFFSET = "00080201";
    static final String STUDY_DESCRIPTION = "00081030";
    static final String PATIENT_NAME = "00100010";
    static final String PATIENT_ID = "00100020";
    static final String STUDY_INSTANCE_UID = "0020000D";
    static final String SERIES_INSTANCE_UID = "0020000E";
    static final String SERIES_NUMBER = "00200011";
    static final String MODALITY = "00080060";
    static final String SERIES_DESCRIPTION = "0008103E";
    static final String SOP_CLASS_UID = "00080016";
    static final String SOP_INSTANCE_UID = "00080018";
    static final String INSTANCE_NUMBER = "00200013";
    static final String NUMBER_OF_STUDY_RELATED_INSTANCES = "00201208";

    private DicomJson() {}

    /** The first value as text (a PN's {@code Alphabetic} group), or {@code null}. */
    static String string(JsonNode dataset, String tag) {
        JsonNode first = first(dataset, tag);
        if (first == null) {
            return null;
        }
        if (first.isObject()) {
            JsonNode alphabetic = first.get("Alphabetic");
            return alphabetic != null && alphabetic.isTextual() ? blankToNull(alphabetic.asText()) : null;
        }
        return first.isValueNode() ? blankToNull(first.asText().trim()) : null;
    }

    /** The first value as an integer (IS as number or string), or {@code null}. */
    static Integer integer(JsonNode dataset, String tag) {
        JsonNode first = first(dataset, tag);
        if (first == null) {
            return null;
        }
        if (first.isIntegralNumber() && first.canConvertToInt()) {
            return first.intValue();
        }
        if (first.isTextual()) {
            try {
                return Integer.valueOf(first.asText().trim());
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    /**
     * StudyDate + StudyTime as an instant: UTC, or shifted by TimezoneOffsetFromUTC when the PACS
     * gives it. {@code null} without a date or with one that does not parse.
     */
    static Instant dateTime(JsonNode dataset, String dateTag, String timeTag) {
        String date = string(dataset, dateTag);
        if (date == null) {
            return null;
        }
        try {
            String digits = date.replace(".", "").replace("-", "");
            if (digits.length() != 8) {
                return null;
            }
            LocalDate day = LocalDate.of(Integer.parseInt(digits.substring(0, 4)),
                    Integer.parseInt(digits.substring(4, 6)), Integer.parseInt(digits.substring(6, 8)));
            LocalTime time = time(string(dataset, timeTag));
            return day.atTime(time).toInstant(offset(string(dataset, TIMEZONE_OFFSET)));
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** TM: {@code HH[MM[SS[.F{1,6}]]]}, also the old {@code HH:MM:SS} form; midnight when absent. */
    private static LocalTime time(String tm) {
        if (tm == null) {
            return LocalTime.MIDNIGHT;
        }
        String text = tm.replace(":", "");
        String whole = text.contains(".") ? text.substring(0, text.indexOf('.')) : text;
        String fraction = text.contains(".") ? text.substring(text.indexOf('.') + 1) : "";
        int hour = whole.length() >= 2 ? Integer.parseInt(whole.substring(0, 2)) : 0;
        int minute = whole.length() >= 4 ? Integer.parseInt(whole.substring(2, 4)) : 0;
        int second = whole.length() >= 6 ? Math.min(59, Integer.parseInt(whole.substring(4, 6))) : 0;
        int nanos = 0;
        if (!fraction.isEmpty()) {
            String padded = (fraction + "000000000").substring(0, 9);
            nanos = Integer.parseInt(padded);
        }
        return LocalTime.of(hour, minute, second, nanos);
    }

    private static ZoneOffset offset(String value) {
        if (value == null || value.length() != 5) {
            return ZoneOffset.UTC;
        }
        try {
            int hours = Integer.parseInt(value.substring(1, 3));
            int minutes = Integer.parseInt(value.substring(3, 5));
            int sign = value.charAt(0) == '-' ? -1 : 1;
            return ZoneOffset.ofHoursMinutes(sign * hours, sign * minutes);
        } catch (NumberFormatException | java.time.DateTimeException e) {
            return ZoneOffset.UTC;
        }
    }

    private static JsonNode first(JsonNode dataset, String tag) {
        JsonNode element = dataset.get(tag);
        if (element == null) {
            element = dataset.get(tag.toLowerCase(java.util.Locale.ROOT));
        }
        if (element == null || !element.isObject()) {
            return null;
        }
        JsonNode values = element.get("Value");
        if (values == null || !values.isArray() || values.isEmpty()) {
            return null;
        }
        JsonNode first = values.get(0);
        return first == null || first.isNull() ? null : first;
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text;
    }
}
