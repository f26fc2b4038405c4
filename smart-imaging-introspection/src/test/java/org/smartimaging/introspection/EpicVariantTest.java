package org.smartimaging.introspection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.smartimaging.spi.AccessGrant;
import org.smartimaging.spi.Authorizer;
import org.smartimaging.spi.ImagingException;
import org.smartimaging.testing.MutableClock;

/**
 * {@code smart-on-fhir-with-epic-bugfixes} against an authorization server that behaves as Epic's:
 * introspection at {@code /introspect} but not listed in the smart-configuration, and the patient
 * as the introspection answer's {@code sub} (an absolute Patient URL).
 */
class EpicVariantTest {

    private static TestEhr ehr;

    @BeforeAll
    static void startEhr() throws Exception {
        ehr = TestEhr.start(SmartOnFhirVariant.EPIC);
    }

    @AfterAll
    static void stopEhr() throws Exception {
        if (ehr != null) {
            ehr.close();
        }
    }

    private String epicTokenFor(String patientId) {
        // Epic's sub is the user's FHIR Patient URL; no patient claim
        return ehr.oauth.issue(TestEhr.VIEWER, ehr.fhir.baseUrl() + "/Patient/" + patientId, TestEhr.IMAGING_SCOPES, null, 600);
    }

    @Test
    void takesThePatientFromSubAtTheDerivedIntrospectionEndpoint() {
        Authorizer authorizer = TestEhr.authorizer(ehr.authorizationSection(), new MutableClock());
        ehr.oauth.resetCounts();

        AccessGrant grant = authorizer.authorize(epicTokenFor("A"));

        assertThat(grant.patientId()).isEqualTo("A");
        assertThat(grant.scopes()).contains("patient/ImagingStudy.rs");
        assertThat(ehr.oauth.count("introspection")).isEqualTo(1);
    }

    @Test
    void theStandardVariantCannotFindEpicsIntrospectionEndpoint() {
        ObjectNode section = ehr.authorizationSection().put("type", SmartOnFhirVariant.STANDARD.type());
        Authorizer authorizer = TestEhr.authorizer(section, new MutableClock());

        var failure = catchThrowableOfType(() -> authorizer.authorize(epicTokenFor("A")), ImagingException.UpstreamFailure.class);

        assertThat(failure.getMessage()).contains("introspection_endpoint");
    }

    @Test
    void refusesATokenWhoseSubIsNotAPatient() {
        Authorizer authorizer = TestEhr.authorizer(ehr.authorizationSection(), new MutableClock());
        String token = ehr.oauth.issue(TestEhr.VIEWER, ehr.fhir.baseUrl() + "/Practitioner/P1", TestEhr.IMAGING_SCOPES, null, 600);

        assertThat(catchThrowableOfType(() -> authorizer.authorize(token), ImagingException.Forbidden.class)).isNotNull();
    }

    @Test
    void rejectsARevokedEpicToken() {
        Authorizer authorizer = TestEhr.authorizer(ehr.authorizationSection(), new MutableClock());
        String token = epicTokenFor("B");
        ehr.oauth.revoke(token, TestEhr.VIEWER, null);

        assertThat(catchThrowableOfType(() -> authorizer.authorize(token), ImagingException.Unauthorized.class).error())
                .isEqualTo("invalid_token");
    }

    @Test
    void readsThePatientWithTheBackendToken() {
        var resolver = TestEhr.patientResolver(ehr.authorizationSection(), new MutableClock());

        var patient = resolver.resolve("B", new AccessGrant("B", Set.of(), null, null));

        assertThat(patient.getIdentifierFirstRep().getValue()).isEqualTo("MRN-B");
    }
}
