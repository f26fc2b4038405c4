package org.smartimaging.engine;

import ca.uhn.fhir.model.api.TemporalPrecisionEnum;
import ca.uhn.fhir.rest.param.DateParam;
import ca.uhn.fhir.rest.param.ParamPrefixEnum;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.smartimaging.spi.ImagingException.BadRequest;
import org.smartimaging.spi.StudyCursor;

/**
 * The ImagingStudy search parameters of the Argonaut SMART Imaging Access IG, parsed and checked:
 * {@code patient}, {@code _lastUpdated}, {@code identifier}, {@code _include=ImagingStudy:endpoint},
 * plus {@code _count} and {@code _format}. Anything else is a 400 naming the parameter, so a client
 * never mistakes an ignored filter for an applied one.
 *
 * @param patientId the patient's FHIR id from {@code patient}, or {@code null} when absent
 * @param studyInstanceUid from {@code identifier=urn:oid:...}, or {@code null}
 * @param identifierMatchesNothing true when {@code identifier} names another system or a non-UID
 * @param lastUpdated the {@code _lastUpdated} conditions, all of which must hold
 * @param includeEndpoints whether {@code _include=ImagingStudy:endpoint} was asked
 * @param count the {@code _count} limit, or {@code null}
 * @param updatedFrom the earliest instant the {@code _lastUpdated} conditions admit, or {@code null}
 * @param updatedBefore the instant before which they all end, or {@code null}
 * @param cursor where this page starts ({@code _cursor}, from a {@code next} link), or {@code null}
 */
record SearchParameters(String patientId, String studyInstanceUid, boolean identifierMatchesNothing,
        List<Predicate<Instant>> lastUpdated, boolean includeEndpoints, Integer count, Instant updatedFrom,
        Instant updatedBefore, StudyCursor cursor) {

    /** The paging parameter of {@code next} links. */
    static final String CURSOR = "_cursor";

    static final Set<String> SUPPORTED = new TreeSet<>(
            List.of("patient", "_lastUpdated", "identifier", "_include", "_count", "_format", CURSOR));
    private static final Pattern FHIR_ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");
    /** {@code 123}, {@code Patient/123}, or an absolute URL ending in {@code Patient/123}. */
    private static final Pattern PATIENT_REFERENCE = Pattern.compile("(?:(?:.*/)?Patient/)?([^/]+?)(?:/_history/[^/]+)?");
    private static final Pattern OID = Pattern.compile("urn:oid:([0-9]+(?:\\.[0-9]+)*)");
    private static final int MAX_LAST_UPDATED = 4;

    static SearchParameters parse(Map<String, List<String>> query) {
        for (String name : query.keySet()) {
            if (!SUPPORTED.contains(name)) {
                throw new BadRequest("Unsupported search parameter '" + printable(name) + "'; supported: " + SUPPORTED);
            }
        }
        String patient = single(query, "patient");
        String patientId = patient == null ? null : patientId(patient);

        String studyUid = null;
        boolean matchesNothing = false;
        String identifier = single(query, "identifier");
        if (identifier != null) {
            String value = identifier;
            int bar = identifier.indexOf('|');
            if (bar >= 0) {
                String system = identifier.substring(0, bar);
                value = identifier.substring(bar + 1);
                matchesNothing = !system.isEmpty() && !system.equals("urn:dicom:uid");
            }
            Matcher oid = OID.matcher(value);
            if (oid.matches() && oid.group(1).length() <= Route.MAX_UID_LENGTH) {
                studyUid = oid.group(1);
            } else {
                matchesNothing = true;
            }
        }

        List<String> lastUpdatedValues = query.getOrDefault("_lastUpdated", List.of());
        if (lastUpdatedValues.size() > MAX_LAST_UPDATED) {
            throw new BadRequest("At most " + MAX_LAST_UPDATED + " _lastUpdated parameters");
        }
        List<Predicate<Instant>> lastUpdated = new ArrayList<>();
        Instant[] bounds = {null, null};
        for (String value : lastUpdatedValues) {
            lastUpdated.add(lastUpdated(value, bounds));
        }

        boolean include = false;
        for (String value : query.getOrDefault("_include", List.of())) {
            if (!value.equals("ImagingStudy:endpoint") && !value.equals("ImagingStudy:endpoint:Endpoint")) {
                throw new BadRequest("Unsupported _include '" + printable(value) + "'; supported: ImagingStudy:endpoint");
            }
            include = true;
        }

        Integer count = null;
        String countText = single(query, "_count");
        if (countText != null) {
            if (!countText.matches("[0-9]{1,6}")) {
                throw new BadRequest("_count must be a non-negative integer");
            }
            count = Integer.parseInt(countText);
        }
        String format = single(query, "_format");
        if (format != null && !format.equals("json") && !format.startsWith("application/fhir+json")
                && !format.startsWith("application/json")) {
            throw new BadRequest("Only JSON is supported (_format=json)");
        }
        StudyCursor cursor = null;
        String cursorText = single(query, CURSOR);
        if (cursorText != null) {
            cursor = StudyCursor.decode(cursorText)
                    .orElseThrow(() -> new BadRequest(CURSOR + " is not a position this server gave in a next link"));
        }
        return new SearchParameters(patientId, studyUid, matchesNothing, List.copyOf(lastUpdated), include, count,
                bounds[0], bounds[1], cursor);
    }

    boolean matchesLastUpdated(Instant instant) {
        if (lastUpdated.isEmpty()) {
            return true;
        }
        return instant != null && lastUpdated.stream().allMatch(condition -> condition.test(instant));
    }

    private static String patientId(String reference) {
        Matcher matcher = PATIENT_REFERENCE.matcher(reference);
        if (!matcher.matches() || !FHIR_ID.matcher(matcher.group(1)).matches()) {
            throw new BadRequest("patient must be a Patient id, Patient/{id} or an absolute Patient URL");
        }
        return matcher.group(1);
    }

    /**
     * A {@code _lastUpdated} condition over the interval its value covers at its precision; narrows
     * {@code bounds} ({from, before}) to what every condition admits, for the source to pre-filter.
     */
    private static Predicate<Instant> lastUpdated(String text, Instant[] bounds) {
        DateParam param;
        try {
            param = new DateParam(text);
        } catch (RuntimeException e) {
            throw new BadRequest("_lastUpdated must be a FHIR date or dateTime with an optional prefix (gt, ge, lt, le, eq)");
        }
        if (param.getValue() == null) {
            throw new BadRequest("_lastUpdated needs a value");
        }
        TemporalPrecisionEnum precision = param.getPrecision() == null ? TemporalPrecisionEnum.MILLI : param.getPrecision();
        Instant start = param.getValue().toInstant();
        Instant end = precision.add(param.getValue(), 1).toInstant();
        ParamPrefixEnum prefix = param.getPrefix() == null ? ParamPrefixEnum.EQUAL : param.getPrefix();
        switch (prefix) {
            case GREATERTHAN, STARTS_AFTER -> bounds[0] = later(bounds[0], end);
            case GREATERTHAN_OR_EQUALS -> bounds[0] = later(bounds[0], start);
            case LESSTHAN, ENDS_BEFORE -> bounds[1] = earlier(bounds[1], start);
            case LESSTHAN_OR_EQUALS -> bounds[1] = earlier(bounds[1], end);
            case EQUAL -> {
                bounds[0] = later(bounds[0], start);
                bounds[1] = earlier(bounds[1], end);
            }
            default -> { }
        }
        return switch (prefix) {
            case GREATERTHAN, STARTS_AFTER -> t -> !t.isBefore(end);
            case GREATERTHAN_OR_EQUALS -> t -> !t.isBefore(start);
            case LESSTHAN, ENDS_BEFORE -> t -> t.isBefore(start);
            case LESSTHAN_OR_EQUALS -> t -> t.isBefore(end);
            case EQUAL -> t -> !t.isBefore(start) && t.isBefore(end);
            case NOT_EQUAL -> t -> t.isBefore(start) || !t.isBefore(end);
            case APPROXIMATE -> throw new BadRequest("_lastUpdated does not support the ap prefix");
        };
    }

    private static Instant later(Instant a, Instant b) {
        return a == null || b.isAfter(a) ? b : a;
    }

    private static Instant earlier(Instant a, Instant b) {
        return a == null || b.isBefore(a) ? b : a;
    }

    private static String single(Map<String, List<String>> query, String name) {
        List<String> values = query.getOrDefault(name, List.of());
        if (values.size() > 1 || (values.size() == 1 && values.get(0).indexOf(',') >= 0)) {
            throw new BadRequest("Give " + name + " once, with one value");
        }
        return values.isEmpty() || values.get(0).isEmpty() ? null : values.get(0);
    }

    private static String printable(String text) {
        String shortened = text.length() > 40 ? text.substring(0, 40) + "..." : text;
        return shortened.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
