package org.smartimaging.introspection;

import java.net.URI;
import java.util.regex.Pattern;

/**
 * Normalises the ways authorization servers name the patient in context ({@code 123},
 * {@code Patient/123}, {@code https://ehr/fhir/Patient/123}, with or without {@code _history})
 * to the bare FHIR id.
 */
public final class PatientReference {

    /** FHIR R4 {@code id}: 1 to 64 of {@code [A-Za-z0-9\-.]}. */
    private static final Pattern FHIR_ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");

    private PatientReference() {}

    /**
     * @param reference the claim's value; a bare id is taken as the patient's id
     * @return the patient's FHIR id, or {@code null} when the value is absent or names another resource type
     * @throws IllegalArgumentException when the value is not a valid FHIR id or reference
     */
    public static String idOf(String reference) {
        if (reference == null || reference.isBlank()) {
            return null;
        }
        String text = reference.strip();
        if (!text.contains("/")) {
            return checked(text);
        }
        String path = text;
        if (text.contains("://")) {
            try {
                path = URI.create(text).getPath();
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("not a URL");
            }
            if (path == null) {
                throw new IllegalArgumentException("URL without path");
            }
        }
        return referencedPatient(path);
    }

    /** The id of a reference of the form {@code .../Patient/{id}}; {@code null} for other references. */
    static String patientInReference(String reference) {
        if (reference == null || !reference.contains("/")) {
            return null;
        }
        return idOf(reference);
    }

    /** Whether {@code id} is a valid FHIR id. */
    public static boolean isValidId(String id) {
        return id != null && FHIR_ID.matcher(id).matches();
    }

    private static String referencedPatient(String path) {
        String[] segments = path.split("/");
        int end = segments.length;
        // .../Patient/123/_history/4
        if (end >= 2 && "_history".equals(segments[end - 2])) {
            end -= 2;
        }
        if (end < 2) {
            throw new IllegalArgumentException("not a reference");
        }
        if (!"Patient".equals(segments[end - 2])) {
            return null;
        }
        return checked(segments[end - 1]);
    }

    private static String checked(String id) {
        if (!isValidId(id)) {
            throw new IllegalArgumentException("not a FHIR id");
        }
        return id;
    }
}
