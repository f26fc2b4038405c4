package org.smartimaging.testkit;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.smartimaging.spi.AccessDecision;
import org.smartimaging.spi.AccessGrant;
import org.smartimaging.spi.AccessPolicy;
import org.smartimaging.spi.InstanceRecord;
import org.smartimaging.spi.SeriesRecord;
import org.smartimaging.spi.StudyRecord;

/**
 * A vendor-style policy passes the AccessPolicy contract: the IG's proxy example, where a user
 * acting for the patient may not see studies or series described as confidential, and backend
 * clients reach only the patients enrolled for them.
 */
class ConfidentialStudiesPolicyContractTest extends AccessPolicyContract {

    static final String PROXY = "RelatedPerson/elena";

    /** Studies or series whose description says "confidential" are hidden from proxies. */
    static final class ConfidentialStudiesPolicy implements AccessPolicy {
        private final java.util.Map<String, Set<String>> enrolled = java.util.Map.of("quality-review", Set.of("jordan"));

        @Override
        public boolean permitsPatient(AccessGrant grant, String patientId) {
            if (grant.mode() == AccessGrant.Mode.BACKEND_SERVICES) {
                return enrolled.getOrDefault(grant.clientId(), Set.of()).contains(patientId);
            }
            return true;
        }

        @Override
        public AccessDecision decide(AccessGrant grant, String patientId, StudyRecord study) {
            if (!PROXY.equals(grant.user())) {
                return AccessDecision.permit();
            }
            if (confidential(study.description())) {
                return AccessDecision.deny("The study is confidential");
            }
            Set<String> hidden = study.series().stream().filter(s -> confidential(s.description()))
                    .map(SeriesRecord::seriesInstanceUid).collect(Collectors.toSet());
            return AccessDecision.permitExcept(hidden, "Some series are confidential");
        }

        private static boolean confidential(String description) {
            return description != null && description.toLowerCase(java.util.Locale.ROOT).contains("confidential");
        }
    }

    static final AccessGrant ELENA = new AccessGrant(AccessGrant.Mode.APP_LAUNCH, "maya", Set.of("patient/ImagingStudy.rs"),
            Instant.now().plusSeconds(3600), "second-opinion-app", PROXY);

    static StudyRecord study(String uid, String description, String... seriesDescriptions) {
        List<SeriesRecord> series = new java.util.ArrayList<>();
        for (int i = 0; i < seriesDescriptions.length; i++) {
            series.add(new SeriesRecord(uid + "." + (i + 1), i + 1, "US", seriesDescriptions[i],
                    List.of(new InstanceRecord(uid + "." + (i + 1) + ".1", "1.2.840.10008.5.1.4.1.1.6.1", 1))));
        }
        return new StudyRecord(uid, "MRN-MAYA", "Maya", null, null, description, "ACC", series);
    }

    @Override
    protected AccessPolicy createPolicy() {
        return new ConfidentialStudiesPolicy();
    }

    @Override
    protected Case permittedCase() {
        return new Case(ELENA, "maya", study("1.2.3.1", "XR ankle", "AP", "Lateral"));
    }

    @Override
    protected Case deniedCase() {
        return new Case(ELENA, "maya", study("1.2.3.2", "US pelvis (confidential encounter)", "Transabdominal"));
    }

    @Override
    protected Case partlyDeniedCase() {
        return new Case(ELENA, "maya", study("1.2.3.3", "MR knee", "Sagittal", "Confidential addendum"));
    }
}
