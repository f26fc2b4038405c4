package org.smartimaging.access;

import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.smartimaging.spi.AccessGrant;
import org.smartimaging.spi.ConfigSection;
import org.smartimaging.spi.StudyRecord;

/**
 * One rule of a {@link RulesPolicy}: whom it is about (a client, a user, or both), which patients
 * and studies it grants, and what it excludes.
 *
 * @param client the client id it applies to, or {@code null} for any client
 * @param user the user ({@code fhirUser} or {@code sub}) it applies to, or {@code null} for any user
 * @param patients FHIR patient ids it grants; {@code *} for any patient
 * @param studies study UIDs it grants; empty for every study of a granted patient
 * @param modalities modalities it grants (a study with at least one); empty for any
 * @param exclusions what it withholds even from a granted patient
 */
record AccessRule(String client, String user, Set<String> patients, Set<String> studies, Set<String> modalities,
        Exclusions exclusions) {

    private static final Pattern UID = Pattern.compile("[0-9]+(\\.[0-9]+)*");

    /**
     * What a rule withholds.
     *
     * @param studies study UIDs
     * @param accessionNumbers accession numbers
     * @param series series UIDs (the rest of their studies stays visible; a whole-study request is refused)
     * @param modalities series of these modalities, as {@code series}
     * @param confidential whether the policy's {@code confidential} studies are withheld
     */
    record Exclusions(Set<String> studies, Set<String> accessionNumbers, Set<String> series, Set<String> modalities,
            boolean confidential) {
        static final Exclusions NONE = new Exclusions(Set.of(), Set.of(), Set.of(), Set.of(), false);
    }

    boolean appliesTo(AccessGrant grant) {
        return (client == null || client.equals(grant.clientId())) && (user == null || user.equals(grant.user()));
    }

    boolean grantsPatient(String patientId) {
        return patients.contains("*") || patients.contains(patientId);
    }

    /** Whether the rule's grant covers the study (before exclusions). */
    boolean grantsStudy(StudyRecord study) {
        return (studies.isEmpty() || studies.contains(study.studyInstanceUid()))
                && (modalities.isEmpty() || study.modalities().stream().anyMatch(modalities::contains));
    }

    static AccessRule parse(ConfigSection rule) {
        String client = rule.optionalString("client").orElse(null);
        String user = rule.optionalString("user").orElse(null);
        if (client == null && user == null) {
            throw rule.invalid("client", "or user is required: a rule says whom it is about");
        }
        List<String> patients = rule.optionalStringList("patients");
        if (patients.isEmpty()) {
            throw rule.invalid("patients", "is required: the FHIR patient ids the rule grants, or \"*\"");
        }
        Set<String> studies = uids(rule, "studies");
        Set<String> modalities = Set.copyOf(rule.optionalStringList("modalities"));
        Exclusions exclusions = rule.optionalSection("exclude").map(AccessRule::exclusions).orElse(Exclusions.NONE);
        rule.rejectUnusedFields();
        return new AccessRule(client, user, Set.copyOf(patients), studies, modalities, exclusions);
    }

    private static Exclusions exclusions(ConfigSection exclude) {
        Exclusions exclusions = new Exclusions(uids(exclude, "studies"), Set.copyOf(exclude.optionalStringList("accessionNumbers")),
                uids(exclude, "series"), Set.copyOf(exclude.optionalStringList("modalities")),
                exclude.optionalBoolean("confidential", false));
        exclude.rejectUnusedFields();
        return exclusions;
    }

    static Set<String> uids(ConfigSection section, String field) {
        List<String> uids = section.optionalStringList(field);
        for (String uid : uids) {
            if (uid.length() > 64 || !UID.matcher(uid).matches()) {
                throw section.invalid(field, "must hold DICOM UIDs (digits and dots, at most 64 characters)");
            }
        }
        return Set.copyOf(uids);
    }
}
