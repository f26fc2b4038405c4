package org.smartimaging.access;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.smartimaging.spi.AccessDecision;
import org.smartimaging.spi.AccessGrant;
import org.smartimaging.spi.AccessPolicy;
import org.smartimaging.spi.SeriesRecord;
import org.smartimaging.spi.StudyRecord;

/**
 * {@code access.type: rules}: who may see which patients and studies, written down per client
 * and/or user. A grant no rule applies to keeps the default (an app launch sees its patient's
 * studies; a backend client sees nothing). Among the rules that apply, a patient or study is
 * granted when any rule grants it, and withheld when any rule excludes it (exclusions win).
 *
 * <p>Confidential studies are known by listing them: the policy's {@code confidential} study UIDs
 * and accession numbers, which a rule withholds with {@code "exclude": {"confidential": true}}.
 */
final class RulesPolicy implements AccessPolicy {

    private final List<AccessRule> rules;
    private final Set<String> confidentialStudies;
    private final Set<String> confidentialAccessionNumbers;

    RulesPolicy(List<AccessRule> rules, Set<String> confidentialStudies, Set<String> confidentialAccessionNumbers) {
        this.rules = List.copyOf(rules);
        this.confidentialStudies = Set.copyOf(confidentialStudies);
        this.confidentialAccessionNumbers = Set.copyOf(confidentialAccessionNumbers);
    }

    @Override
    public boolean permitsPatient(AccessGrant grant, String patientId) {
        List<AccessRule> applying = applying(grant);
        if (applying.isEmpty()) {
            return grant.mode() == AccessGrant.Mode.APP_LAUNCH;
        }
        return applying.stream().anyMatch(rule -> rule.grantsPatient(patientId));
    }

    @Override
    public AccessDecision decide(AccessGrant grant, String patientId, StudyRecord study) {
        List<AccessRule> applying = applying(grant).stream().filter(rule -> rule.grantsPatient(patientId)).toList();
        if (applying.isEmpty()) {
            return applying(grant).isEmpty() && grant.mode() == AccessGrant.Mode.APP_LAUNCH
                    ? AccessDecision.permit() : AccessDecision.deny("no access rule grants this patient");
        }
        if (applying.stream().noneMatch(rule -> rule.grantsStudy(study))) {
            return AccessDecision.deny("no access rule grants this study");
        }
        Set<String> deniedSeries = new HashSet<>();
        for (AccessRule rule : applying) {
            AccessRule.Exclusions exclude = rule.exclusions();
            if (exclude.studies().contains(study.studyInstanceUid())
                    || (study.accessionNumber() != null && exclude.accessionNumbers().contains(study.accessionNumber()))) {
                return AccessDecision.deny("the study is excluded for this client");
            }
            if (exclude.confidential() && isConfidential(study)) {
                return AccessDecision.deny("the study is confidential");
            }
            for (SeriesRecord series : study.series()) {
                if (exclude.series().contains(series.seriesInstanceUid())
                        || (series.modality() != null && exclude.modalities().contains(series.modality()))) {
                    deniedSeries.add(series.seriesInstanceUid());
                }
            }
        }
        if (!deniedSeries.isEmpty() && study.series().stream().allMatch(s -> deniedSeries.contains(s.seriesInstanceUid()))) {
            return AccessDecision.deny("every series of the study is excluded for this client");
        }
        return AccessDecision.permitExcept(deniedSeries, "some series are excluded for this client");
    }

    private boolean isConfidential(StudyRecord study) {
        return confidentialStudies.contains(study.studyInstanceUid())
                || (study.accessionNumber() != null && confidentialAccessionNumbers.contains(study.accessionNumber()));
    }

    private List<AccessRule> applying(AccessGrant grant) {
        return rules.stream().filter(rule -> rule.appliesTo(grant)).toList();
    }
}
