package org.smartimaging.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smartimaging.spi.AccessDecision;
import org.smartimaging.spi.AccessGrant;
import org.smartimaging.spi.AccessPolicy;
import org.smartimaging.spi.ConfigSection;
import org.smartimaging.spi.HostEnvironment;
import org.smartimaging.spi.ImagingException;
import org.smartimaging.spi.InstanceRecord;
import org.smartimaging.spi.SeriesRecord;
import org.smartimaging.spi.StudyRecord;

/** The rules policy: per client and user, patients, studies, modalities and exclusions. */
class RulesPolicyTest {

    static final ObjectMapper JSON = new ObjectMapper();

    static final StudyRecord ANKLE = study("1.2.1", "ACC-ANKLE", series("1.2.1.1", "CR"));
    static final StudyRecord PELVIS = study("1.2.2", "ACC-PELVIS", series("1.2.2.1", "US"));
    static final StudyRecord CARDIAC = study("1.2.3", "ACC-HEART", series("1.2.3.1", "CT"), series("1.2.3.2", "SR"));

    static final String RULES = """
            {"rules": [
               {"user": "RelatedPerson/mom", "patients": ["daughter"], "exclude": {"confidential": true, "modalities": ["SR"]}},
               {"client": "cardiac-review", "patients": ["daughter", "son"], "modalities": ["CT"]},
               {"client": "referral", "patients": ["daughter"], "studies": ["1.2.1"]},
               {"client": "referral", "user": "Practitioner/blocked", "patients": ["*"], "exclude": {"accessionNumbers": ["ACC-ANKLE"]}}
             ],
             "confidential": {"accessionNumbers": ["ACC-PELVIS"]}}""";

    @TempDir
    Path data;

    static StudyRecord study(String uid, String accession, SeriesRecord... series) {
        return new StudyRecord(uid, "MRN-D", "Doe^Daughter", null, null, "test", accession, List.of(series));
    }

    static SeriesRecord series(String uid, String modality) {
        return new SeriesRecord(uid, 1, modality, null, List.of(new InstanceRecord(uid + ".1", "1.2.840.10008.5.1.4.1.1.1", 1)));
    }

    static AccessGrant app(String patient, String client, String user) {
        return new AccessGrant(AccessGrant.Mode.APP_LAUNCH, patient, Set.of("patient/ImagingStudy.rs"), null, client, user);
    }

    static AccessGrant backend(String client) {
        return new AccessGrant(AccessGrant.Mode.BACKEND_SERVICES, null, Set.of("system/ImagingStudy.rs"), null, client, null);
    }

    AccessPolicy fromFile(String json) throws Exception {
        Files.writeString(data.resolve("rules.json"), json);
        ObjectNode access = JSON.createObjectNode().put("type", "rules").put("rules", "rules.json");
        ConfigSection section = new ConfigSection("access", access);
        section.markUsed("type");
        AccessPolicy policy = new RulesPolicyProvider().create(section, new HostEnvironment(data, Clock.systemUTC(),
                HostEnvironment.UpstreamPolicy.ALLOW_ALL, "test"));
        section.rejectUnusedFields();
        return policy;
    }

    @Test
    void proxyUserDoesNotSeeTheConfidentialStudy() throws Exception {
        AccessPolicy policy = fromFile(RULES);
        AccessGrant mom = app("daughter", "viewer", "RelatedPerson/mom");

        assertThat(policy.permitsPatient(mom, "daughter")).isTrue();
        assertThat(policy.decide(mom, "daughter", ANKLE).permitsWholeStudy()).isTrue();
        assertThat(policy.decide(mom, "daughter", PELVIS).permitted()).isFalse();
    }

    @Test
    void excludedModalityWithholdsItsSeriesAndSoTheWholeStudy() throws Exception {
        AccessDecision decision = fromFile(RULES).decide(app("daughter", "viewer", "RelatedPerson/mom"), "daughter", CARDIAC);

        assertThat(decision.permitted()).isTrue();
        assertThat(decision.permitsSeries("1.2.3.1")).isTrue();
        assertThat(decision.permitsSeries("1.2.3.2")).isFalse();
        assertThat(decision.permitsWholeStudy()).isFalse();
    }

    @Test
    void theUserThemselvesKeepsTheDefault() throws Exception {
        AccessPolicy policy = fromFile(RULES);
        AccessGrant daughter = app("daughter", "viewer", "Patient/daughter");

        assertThat(policy.permitsPatient(daughter, "daughter")).isTrue();
        assertThat(policy.decide(daughter, "daughter", PELVIS).permitsWholeStudy()).isTrue();
    }

    @Test
    void backendClientReachesOnlyItsPatientsAndStudies() throws Exception {
        AccessPolicy policy = fromFile(RULES);
        AccessGrant referral = backend("referral");

        assertThat(policy.permitsPatient(referral, "daughter")).isTrue();
        assertThat(policy.permitsPatient(referral, "son")).isFalse();
        assertThat(policy.decide(referral, "daughter", ANKLE).permitsWholeStudy()).isTrue();
        assertThat(policy.decide(referral, "daughter", PELVIS).permitted()).isFalse();
    }

    @Test
    void modalityRuleGrantsOnlyStudiesWithThatModality() throws Exception {
        AccessPolicy policy = fromFile(RULES);
        AccessGrant cardiac = backend("cardiac-review");

        assertThat(policy.decide(cardiac, "son", CARDIAC).permitsWholeStudy()).isTrue();
        assertThat(policy.decide(cardiac, "son", ANKLE).permitted()).isFalse();
    }

    @Test
    void backendClientWithoutRulesGetsNothing() throws Exception {
        AccessPolicy policy = fromFile(RULES);

        assertThat(policy.permitsPatient(backend("stranger"), "daughter")).isFalse();
        assertThat(policy.decide(backend("stranger"), "daughter", ANKLE).permitted()).isFalse();
    }

    @Test
    void exclusionsWinOverGrantsAmongApplyingRules() throws Exception {
        AccessPolicy policy = fromFile(RULES);
        AccessGrant blocked = new AccessGrant(AccessGrant.Mode.BACKEND_SERVICES, null, Set.of("system/ImagingStudy.rs"), null,
                "referral", "Practitioner/blocked");

        assertThat(policy.decide(blocked, "daughter", ANKLE).permitted()).isFalse();
    }

    @Test
    void ruleWithoutWhomIsRefused() {
        assertThatThrownBy(() -> fromFile("{\"rules\": [{\"patients\": [\"*\"]}]}"))
                .isInstanceOf(ImagingException.InvalidConfig.class).hasMessageContaining("client");
    }

    @Test
    void unknownRuleFieldIsRefusedByName() {
        assertThatThrownBy(() -> fromFile("{\"rules\": [{\"client\": \"x\", \"patients\": [\"*\"], \"modalites\": [\"CT\"]}]}"))
                .isInstanceOf(ImagingException.InvalidConfig.class).hasMessageContaining("modalites");
    }

    @Test
    void rulesFileMustLieInsideTheDataDirectory() {
        ObjectNode access = JSON.createObjectNode().put("rules", "../outside.json");
        assertThatThrownBy(() -> new RulesPolicyProvider().create(new ConfigSection("access", access),
                new HostEnvironment(data, Clock.systemUTC(), HostEnvironment.UpstreamPolicy.ALLOW_ALL, "test")))
                .isInstanceOf(ImagingException.InvalidConfig.class).hasMessageContaining("inside the data directory");
    }
}
