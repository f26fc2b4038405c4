package org.smartimaging.engine;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.smartimaging.dicom.VR;
import org.smartimaging.spi.ImagingException.BadRequest;

/**
 * The parameters of one QIDO-RS request (PS3.18 8.3.4): matching keys by keyword or tag,
 * {@code limit}, {@code offset}, {@code includefield}, {@code fuzzymatching}. Parsing never widens:
 * a value that cannot be read is a 400, a key this server cannot match is ignored and named in the
 * {@code Warning} header, and none of it reaches beyond the studies the study token grants (that is
 * {@link QidoSearch}'s job, whatever this says).
 *
 * @param keys the matching keys, each with its values (one for wildcard and range keys)
 * @param includeAll {@code includefield=all}
 * @param included attributes named in {@code includefield}
 * @param ignored parameters this server does not match on, for the {@code Warning} header
 */
record QidoQuery(Map<QidoKey, List<String>> keys, int limit, int offset, boolean fuzzy, boolean includeAll,
        Set<QidoKey> included, List<String> ignored) {

    private static final Pattern UID = Pattern.compile("[0-9]+(\\.[0-9]+)*");
    private static final Pattern NUMBER = Pattern.compile("[0-9]{1,9}");
    private static final Pattern DATE = Pattern.compile("[0-9]{8}");
    private static final Pattern TIME = Pattern.compile("[0-9]{2}([0-9]{2}([0-9]{2}(\\.[0-9]{1,6})?)?)?");
    private static final int MAX_VALUE_LENGTH = 256;
    private static final int MAX_VALUES = 1000;

    QidoQuery {
        keys = Map.copyOf(keys);
        included = Set.copyOf(included);
        ignored = List.copyOf(ignored);
    }

    /**
     * @param level the level of the path; keys of a lower level (e.g. SOPInstanceUID on
     *     {@code /studies}) are ignored, as PS3.18 allows
     * @param maxResults the server's bound; a larger {@code limit} is cut to it
     */
    static QidoQuery parse(Map<String, List<String>> query, QidoLevel level, int maxResults) {
        Map<QidoKey, List<String>> keys = new EnumMap<>(QidoKey.class);
        Set<QidoKey> included = new HashSet<>();
        List<String> ignored = new ArrayList<>();
        boolean includeAll = false;
        int limit = maxResults;
        int offset = 0;
        boolean fuzzy = false;
        for (Map.Entry<String, List<String>> parameter : query.entrySet()) {
            String name = parameter.getKey();
            List<String> values = parameter.getValue();
            switch (name) {
                case "limit" -> limit = Math.min(number(name, values), maxResults);
                case "offset" -> offset = number(name, values);
                case "fuzzymatching" -> fuzzy = bool(name, values);
                case "includefield" -> {
                    for (String value : values) {
                        for (String field : value.split(",")) {
                            String trimmed = field.strip();
                            if (trimmed.equals("all")) {
                                includeAll = true;
                            } else {
                                QidoKey.named(trimmed).ifPresent(included::add);
                            }
                        }
                    }
                }
                default -> {
                    var key = QidoKey.named(name);
                    if (key.isEmpty() || key.get().level().ordinal() > level.ordinal()) {
                        ignored.add(QidoKey.looksLikeAttribute(name) ? name : "?");
                        continue;
                    }
                    List<String> parsed = values(key.get(), values);
                    if (!parsed.isEmpty()) {
                        keys.put(key.get(), parsed);
                    }
                }
            }
        }
        return new QidoQuery(keys, limit, offset, fuzzy, includeAll, included, ignored);
    }

    /** Whether a record's value matches the key; a record without the value never matches a set key. */
    boolean matches(QidoKey key, String value) {
        List<String> wanted = keys.get(key);
        if (wanted == null) {
            return true;
        }
        if (value == null) {
            return false;
        }
        return switch (key.matching()) {
            case UID_LIST, ANY_OF -> wanted.stream().anyMatch(w -> key.vr() == VR.CS
                    ? w.equalsIgnoreCase(value) : w.equals(value));
            case WILDCARD -> wildcard(wanted.get(0), fuzzy).matcher(value).matches();
            case RANGE -> inRange(wanted.get(0), value, key == QidoKey.STUDY_TIME);
        };
    }

    /** Whether any of a record's values matches (ModalitiesInStudy against the study's modalities). */
    boolean matchesAny(QidoKey key, List<String> values) {
        return !keys.containsKey(key) || values.stream().anyMatch(value -> matches(key, value));
    }

    /** Whether the answer should carry an attribute of a level above the query's (e.g. study attributes on series). */
    boolean includes(QidoKey key) {
        return includeAll || included.contains(key);
    }

    private static List<String> values(QidoKey key, List<String> raw) {
        List<String> values = new ArrayList<>();
        for (String value : raw) {
            if (value.length() > MAX_VALUE_LENGTH * (key.matching() == QidoKey.Matching.UID_LIST ? 64 : 1)) {
                throw new BadRequest("The value of " + key.keyword() + " is too long");
            }
            switch (key.matching()) {
                case UID_LIST, ANY_OF -> {
                    for (String item : value.split("[,\\\\]")) {
                        String trimmed = item.strip();
                        if (trimmed.isEmpty()) {
                            continue;
                        }
                        if (key.matching() == QidoKey.Matching.UID_LIST
                                && (trimmed.length() > Route.MAX_UID_LENGTH || !UID.matcher(trimmed).matches())) {
                            throw new BadRequest(key.keyword() + " takes DICOM UIDs (digits and dots), comma-separated");
                        }
                        if (key.vr() == VR.IS && !NUMBER.matcher(trimmed).matches()) {
                            throw new BadRequest(key.keyword() + " takes whole numbers");
                        }
                        values.add(trimmed);
                    }
                }
                case WILDCARD, RANGE -> {
                    if (!values.isEmpty() || raw.size() > 1) {
                        throw new BadRequest(key.keyword() + " takes one value");
                    }
                    String trimmed = value.strip();
                    if (trimmed.isEmpty() || trimmed.equals("*")) {
                        continue; // universal matching
                    }
                    if (key.matching() == QidoKey.Matching.RANGE) {
                        checkRange(key, trimmed);
                    }
                    values.add(trimmed);
                }
            }
            if (values.size() > MAX_VALUES) {
                throw new BadRequest("At most " + MAX_VALUES + " values of " + key.keyword());
            }
        }
        return List.copyOf(new LinkedHashSet<>(values));
    }

    private static void checkRange(QidoKey key, String value) {
        Pattern form = key.vr() == VR.DA ? DATE : TIME;
        int dash = value.indexOf('-');
        String low = dash < 0 ? value : value.substring(0, dash);
        String high = dash < 0 ? value : value.substring(dash + 1);
        boolean valid = (low.isEmpty() || form.matcher(low).matches()) && (high.isEmpty() || form.matcher(high).matches())
                && !(low.isEmpty() && high.isEmpty()) && value.indexOf('-', dash + 1) < 0;
        if (!valid) {
            throw new BadRequest(key.keyword() + " takes " + (key.vr() == VR.DA ? "YYYYMMDD" : "HHMMSS")
                    + ", a range a-b, -b or a-");
        }
    }

    private static boolean inRange(String range, String value, boolean time) {
        int dash = range.indexOf('-');
        String low = dash < 0 ? range : range.substring(0, dash);
        String high = dash < 0 ? range : range.substring(dash + 1);
        String v = time ? value.replace(":", "") : value;
        if (time) {
            // a time bound names a whole hour or minute: 10 is 10:00:00 to 10:59:59.999999
            low = low.isEmpty() ? low : padRight(low, '0');
            high = high.isEmpty() ? high : padRight(high, '9');
            v = padRight(v, '0');
        }
        return (low.isEmpty() || v.compareTo(low) >= 0) && (high.isEmpty() || v.compareTo(high) <= 0);
    }

    private static String padRight(String time, char fill) {
        String whole = time.contains(".") ? time : time + ".";
        StringBuilder padded = new StringBuilder(whole.substring(0, whole.indexOf('.')));
        while (padded.length() < 6) {
            padded.append(fill);
        }
        String fraction = whole.substring(whole.indexOf('.') + 1);
        StringBuilder f = new StringBuilder(fraction);
        while (f.length() < 6) {
            f.append(fill);
        }
        return padded + "." + f;
    }

    private static Pattern wildcard(String value, boolean caseInsensitive) {
        StringBuilder regex = new StringBuilder();
        for (char c : value.toCharArray()) {
            switch (c) {
                case '*' -> regex.append(".*");
                case '?' -> regex.append('.');
                default -> regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString(), caseInsensitive ? Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE : 0);
    }

    private static int number(String name, List<String> values) {
        if (values.size() != 1 || !NUMBER.matcher(values.get(0)).matches()) {
            throw new BadRequest(name + " takes one whole number");
        }
        return Integer.parseInt(values.get(0));
    }

    private static boolean bool(String name, List<String> values) {
        if (values.size() != 1 || !(values.get(0).equalsIgnoreCase("true") || values.get(0).equalsIgnoreCase("false"))) {
            throw new BadRequest(name + " takes true or false");
        }
        return Boolean.parseBoolean(values.get(0));
    }
}
