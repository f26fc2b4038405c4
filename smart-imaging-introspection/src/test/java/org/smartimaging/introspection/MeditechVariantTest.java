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
 * {@code smart-on-fhir-with-meditech-bugfixes} against an authorization server that behaves as
 * Meditech's: no backend-services Bearer at introspection (refused with 401), HTTP Basic
 * {@code client_id:client_secret} instead.
 */
class MeditechVariantTest {

    private static TestEhr ehr;

    @BeforeAll
    static void startEhr() throws Exception {
        ehr = TestEhr.start(SmartOnFhirVariant.MEDITECH);
    }

    @AfterAll
    static void stopEhr() throws Exception {
        if (ehr != null) {
            ehr.close();
        }
    }

    @Test
    void introspectsWithHttpBasicAndGrantsThePatient() {
        Authorizer authorizer = TestEhr.authorizer(ehr.authorizationSection(), new MutableClock());
        ehr.oauth.resetCounts();

        AccessGrant grant = authorizer.authorize(ehr.tokenFor("A"));

        assertThat(grant.patientId()).isEqualTo("A");
        assertThat(ehr.oauth.count("introspection")).isEqualTo(1);
        assertThat(ehr.oauth.count("token")).as("no backend token is needed to introspect").isZero();
    }

    @Test
    void theStandardVariantIsRefusedByMeditechsIntrospection() {
        ObjectNode section = ehr.authorizationSection().put("type", SmartOnFhirVariant.STANDARD.type());
        Authorizer authorizer = TestEhr.authorizer(section, new MutableClock());

        var failure = catchThrowableOfType(() -> authorizer.authorize(ehr.tokenFor("A")), ImagingException.UpstreamFailure.class);

        assertThat(failure.status()).isEqualTo(502);
    }

    @Test
    void neverTakesThePatientFromTheRequestWhenTheTokenHasNone() {
        Authorizer authorizer = TestEhr.authorizer(ehr.authorizationSection(), new MutableClock());
        String token = ehr.oauth.issue(TestEhr.VIEWER, "carol-without-patient", TestEhr.IMAGING_SCOPES, null, 600);

        assertThat(catchThrowableOfType(() -> authorizer.authorize(token), ImagingException.Forbidden.class).status())
                .isEqualTo(403);
    }

    @Test
    void rejectsAnInactiveToken() {
        Authorizer authorizer = TestEhr.authorizer(ehr.authorizationSection(), new MutableClock());

        assertThat(catchThrowableOfType(() -> authorizer.authorize("unknown-token"), ImagingException.Unauthorized.class).error())
                .isEqualTo("invalid_token");
    }

    @Test
    void readsThePatientWithAClientSecretBackendToken() {
        var resolver = TestEhr.patientResolver(ehr.authorizationSection(), new MutableClock());
        ehr.oauth.resetCounts();

        var patient = resolver.resolve("A", new AccessGrant("A", Set.of(), null, null));

        assertThat(patient.getIdElement().getIdPart()).isEqualTo("A");
        assertThat(ehr.oauth.count("token")).isEqualTo(1);
    }
}
