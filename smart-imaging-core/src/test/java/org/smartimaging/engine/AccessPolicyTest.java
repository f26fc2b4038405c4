package org.smartimaging.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.smartimaging.engine.EngineFixture.get;
import static org.smartimaging.engine.ImagingEngineTest.config;
import static org.smartimaging.engine.ImagingEngineTest.studyUids;
import static org.smartimaging.engine.ImagingEngineTest.wadoAddress;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smartimaging.engine.EngineFixture.Answer;
import org.smartimaging.spi.AccessDecision;
import org.smartimaging.spi.AccessGrant;
import org.smartimaging.spi.AccessPolicy;
import org.smartimaging.spi.AccessPolicyProvider;
import org.smartimaging.spi.Authorization;
import org.smartimaging.spi.AuthorizationProvider;
import org.smartimaging.spi.ConfigSection;
import org.smartimaging.spi.HostEnvironment;
import org.smartimaging.spi.StudyRecord;
import org.smartimaging.testing.TestStudies;

/**
 * The access-check step with an access policy a host hands in: searches omit denied studies,
 * retrievals of them are refused on every route, a study with a denied series is refused whole,
 * and Backend Services grants reach only the patients the policy gives the client.
 */
class AccessPolicyTest {

    static final String PATIENT_A = ImagingEngineTest.PATIENT_A;

    @TempDir
    static Path data;
    static ImagingEngine engine;
    static TestStudies.Study permitted;
    static TestStudies.Study confidential;
    static TestStudies.Study partial;
    static TestStudies.Study otherPatients;
    static final List<String> closed = new ArrayList<>();

    /** Denies the confidential study, and the second series of the partial one; backend client "referral" gets pat-a. */
    static final class TestPolicy implements AccessPolicy {
        @Override
        public boolean permitsPatient(AccessGrant grant, String patientId) {
            return grant.mode() == AccessGrant.Mode.APP_LAUNCH
                    || ("referral".equals(grant.clientId()) && "pat-a".equals(patientId));
        }

        @Override
        public AccessDecision decide(AccessGrant grant, String patientId, StudyRecord study) {
            if (study.studyInstanceUid().equals(confidential.studyInstanceUid())) {
                return AccessDecision.deny("confidential");
            }
            if (study.studyInstanceUid().equals(partial.studyInstanceUid())) {
                return AccessDecision.permitExcept(Set.of(partial.seriesInstanceUids().get(1)), "confidential series");
            }
            return AccessDecision.permit();
        }

        @Override
        public void close() {
            closed.add("policy");
        }
    }

    /** A host's own authorization: every token is a backend grant of client "referral" (or "stranger"). */
    static final class BackendAuthorization implements AuthorizationProvider {
        @Override
        public String type() {
            return "test-backend";
        }

        @Override
        public Authorization create(ConfigSection section, HostEnvironment environment) {
            String client = section.optionalString("client").orElse("referral");
            List<String> scopes = section.optionalStringList("scopes");
            AccessGrant grant = new AccessGrant(AccessGrant.Mode.BACKEND_SERVICES, null,
                    Set.copyOf(scopes.isEmpty() ? List.of("system/ImagingStudy.rs") : scopes), null, client, null);
            return new Authorization() {
                @Override
                public org.smartimaging.spi.Authorizer authorizer() {
                    return token -> grant;
                }

                @Override
                public org.smartimaging.spi.PatientResolver patientResolver() {
                    return (patientId, g) -> {
                        Patient patient = new Patient();
                        patient.setId(patientId);
                        patient.addIdentifier().setValue(patientId.equals("pat-a") ? "MRN-A" : "MRN-B").setType(new CodeableConcept(
                                new Coding("http://terminology.hl7.org/CodeSystem/v2-0203", "MR", null)));
                        return patient;
                    };
                }

                @Override
                public void close() {
                    closed.add("authorization");
                }
            };
        }
    }

    static String withAccess(String authorization, String access) {
        String base = config(authorization, "\"lookup\": \"studies-by-mrn\"");
        return base.substring(0, base.length() - 1) + ", \"access\": {" + access + "}}";
    }

    @BeforeAll
    static void start() {
        Path studies = data.resolve("studies");
        permitted = TestStudies.write(studies, "MRN-A", "CR", 1, 2, 8);
        confidential = TestStudies.write(studies, "MRN-A", "US", 1, 2, 8);
        partial = TestStudies.write(studies, "MRN-A", "CT", 2, 2, 8);
        otherPatients = TestStudies.write(studies, "MRN-B", "CT", 1, 1, 8);
        AccessPolicyProvider policies = new AccessPolicyProvider() {
            @Override
            public String type() {
                return "test";
            }

            @Override
            public AccessPolicy create(ConfigSection access, HostEnvironment environment) {
                return new TestPolicy();
            }
        };
        engine = new ImagingEngine(ServerOptions.builder()
                .dataDirectory(data)
                .studyTokenKey(EngineFixture.KEY)
                .provider(policies)
                .provider(new BackendAuthorization())
                .builtInConfig("proxy", withAccess("\"type\": \"mock\", \"patient\": " + PATIENT_A, "\"type\": \"test\""))
                .builtInConfig("bearer", withAccess("\"type\": \"mock\", \"patient\": " + PATIENT_A, "\"type\": \"test\"")
                        .replace("\"lookup\"", "\"requiresAccessToken\": false, \"lookup\""))
                .builtInConfig("backend", withAccess("\"type\": \"test-backend\"", "\"type\": \"test\", \"backendServices\": true"))
                .builtInConfig("backend-stranger", withAccess("\"type\": \"test-backend\", \"client\": \"stranger\"",
                        "\"type\": \"test\", \"backendServices\": true"))
                .builtInConfig("backend-patient-scope", withAccess("\"type\": \"test-backend\", \"scopes\": [\"patient/*.rs\"]",
                        "\"type\": \"test\", \"backendServices\": true"))
                .builtInConfig("no-backend-mode", withAccess("\"type\": \"test-backend\"", "\"type\": \"test\""))
                .builtInConfig("backend-default-policy", withAccess("\"type\": \"test-backend\"", "\"backendServices\": true"))
                .build());
    }

    @AfterAll
    static void stop() {
        engine.close();
    }

    static List<String> routes(String wado, TestStudies.Study study, int series) {
        String s = "/studies/" + study.studyInstanceUid();
        String r = s + "/series/" + study.seriesInstanceUids().get(series);
        String i = r + "/instances/" + study.sopInstanceUids().get(series * 2);
        return List.of(wado + s, wado + s + "/metadata", wado + r, wado + r + "/metadata", wado + i, wado + i + "/metadata",
                wado + i + "/rendered", wado + i + "/frames/1");
    }

    // --- app launch with restrictions (the IG's proxy example) ---------------------------------

    @Test
    void searchOmitsDeniedStudiesAndTheirEndpoints() {
        Answer answer = get(engine, "/proxy/fhir/ImagingStudy?patient=pat-a&_include=ImagingStudy:endpoint", "t");

        assertThat(answer.status()).isEqualTo(200);
        assertThat(studyUids(answer)).containsExactlyInAnyOrder(permitted.studyInstanceUid(), partial.studyInstanceUid());
        assertThat(answer.text()).doesNotContain(confidential.studyInstanceUid());
        long endpoints = 0;
        for (var entry : answer.json().path("entry")) {
            if (entry.path("resource").path("resourceType").asText().equals("Endpoint")) {
                endpoints++;
            }
        }
        assertThat(endpoints).isEqualTo(2);
    }

    @Test
    void searchLeavesDeniedSeriesOut() {
        Answer answer = get(engine, "/proxy/fhir/ImagingStudy?patient=pat-a", "t");

        assertThat(answer.text()).contains(partial.seriesInstanceUids().get(0)).doesNotContain(partial.seriesInstanceUids().get(1));
    }

    @Test
    void deniedStudyIsRefusedOnEveryRouteEvenWithAStudyToken() {
        // a capability for the confidential study, as a search before the restriction would have issued it
        String wado = "/proxy/wado/" + ImagingEngineTest.signedToken("pat-a", "proxy", confidential.studyInstanceUid(), true);
        for (String route : routes(wado, confidential, 0)) {
            Answer answer = get(engine, route, "t");
            assertThat(answer.status()).as(route).isEqualTo(403);
            assertThat(answer.text()).as(route).contains("not permitted");
        }
    }

    @Test
    void permittedStudyIsServedOnEveryRoute() {
        String wado = wadoAddress(get(engine, "/proxy/fhir/ImagingStudy?patient=pat-a", "t"), permitted.studyInstanceUid());
        // frames are left out here: the generated test images are not what the frames route serves yet
        for (String route : routes(wado, permitted, 0).stream().filter(r -> !r.contains("/frames/")).toList()) {
            assertThat(get(engine, route, Map.of("Authorization", "Bearer t", "Accept", "*/*")).status()).as(route).isEqualTo(200);
        }
    }

    @Test
    void wholeStudyRequestWithADeniedSeriesIsDeniedWhole() {
        String wado = wadoAddress(get(engine, "/proxy/fhir/ImagingStudy?patient=pat-a", "t"), partial.studyInstanceUid());
        String study = wado + "/studies/" + partial.studyInstanceUid();

        assertThat(get(engine, study, "t").status()).isEqualTo(403);
        assertThat(get(engine, study + "/metadata", "t").status()).isEqualTo(403);
        assertThat(get(engine, study + "/series/" + partial.seriesInstanceUids().get(0), "t").status()).isEqualTo(200);
        for (String route : routes(wado, partial, 1)) {
            assertThat(get(engine, route, "t").status()).as(route).isEqualTo(403);
        }
    }

    @Test
    void qidoUnderTheWadoBaseHidesDeniedSeries() {
        String wado = wadoAddress(get(engine, "/proxy/fhir/ImagingStudy?patient=pat-a", "t"), partial.studyInstanceUid());
        Answer series = get(engine, wado + "/studies/" + partial.studyInstanceUid() + "/series",
                Map.of("Authorization", "Bearer t", "Accept", "application/dicom+json"));

        assertThat(series.status()).isEqualTo(200);
        assertThat(series.text()).contains(partial.seriesInstanceUids().get(0)).doesNotContain(partial.seriesInstanceUids().get(1));
    }

    // --- Backend Services (the IG's example table) ------------------------------------------------

    @Test
    void backendClientFindsOnlyPermittedStudiesOfItsPatient() {
        Answer answer = get(engine, "/backend/fhir/ImagingStudy?patient=pat-a&_include=ImagingStudy:endpoint", "t");

        assertThat(answer.status()).isEqualTo(200);
        assertThat(studyUids(answer)).contains(permitted.studyInstanceUid()).doesNotContain(confidential.studyInstanceUid());
    }

    @Test
    void backendClientRetrievesAPermittedStudyWithTheSameToken() {
        Answer search = get(engine, "/backend/fhir/ImagingStudy?patient=pat-a", "t");
        String wado = wadoAddress(search, permitted.studyInstanceUid());

        assertThat(get(engine, wado + "/studies/" + permitted.studyInstanceUid(), "t").status()).isEqualTo(200);
    }

    @Test
    void backendClientIsRefusedAPatientOutsideItsAccess() {
        Answer answer = get(engine, "/backend/fhir/ImagingStudy?patient=pat-b", "t");

        assertThat(answer.status()).isEqualTo(403);
        assertThat(answer.text()).contains("outside the client's authorized access");
    }

    @Test
    void backendClientUnknownToThePolicyGetsNothing() {
        assertThat(get(engine, "/backend-stranger/fhir/ImagingStudy?patient=pat-a", "t").status()).isEqualTo(403);
        assertThat(get(engine, "/backend-default-policy/fhir/ImagingStudy?patient=pat-a", "t").status()).isEqualTo(403);
    }

    @Test
    void systemScopesGrantNothingWithoutBackendServicesMode() {
        Answer answer = get(engine, "/no-backend-mode/fhir/ImagingStudy?patient=pat-a", "t");

        assertThat(answer.status()).isEqualTo(403);
        assertThat(answer.text()).contains("Backend Services");
    }

    @Test
    void backendGrantNeedsSystemScopeAndIsToldSo() {
        Answer answer = get(engine, "/backend-patient-scope/fhir/ImagingStudy?patient=pat-a", "t");

        assertThat(answer.status()).isEqualTo(403);
        assertThat(answer.header("WWW-Authenticate")).contains("insufficient_scope").contains("scope=\"system/ImagingStudy.rs\"");
    }

    // --- bearer capabilities ------------------------------------------------------------------------

    @Test
    void bearerCapabilitiesAreIssuedOnlyForPermittedStudies() {
        Answer answer = get(engine, "/bearer/fhir/ImagingStudy?patient=pat-a", "t");

        assertThat(studyUids(answer)).contains(permitted.studyInstanceUid()).doesNotContain(confidential.studyInstanceUid());
    }

    // --- providers --------------------------------------------------------------------------------

    @Test
    void siteClosesAuthorizationAndPolicyWithTheEngine() {
        ImagingEngine own = new ImagingEngine(ServerOptions.builder().dataDirectory(data).studyTokenKey(EngineFixture.KEY)
                .provider(new BackendAuthorization())
                .builtInConfig("b", withAccess("\"type\": \"test-backend\"", "\"backendServices\": true"))
                .build());
        closed.clear();
        own.close();

        assertThat(closed).contains("authorization");
    }

    @Test
    void withoutClassPathProvidersOnlyHandedInTypesAreKnown() {
        assertThatThrownBy(() -> new ImagingEngine(ServerOptions.builder().dataDirectory(data).studyTokenKey(EngineFixture.KEY)
                .classPathProviders(false)
                .provider(new BackendAuthorization())
                .builtInConfig("m", config("\"type\": \"mock\"", "\"lookup\": \"all-studies-on-server\""))
                .build()))
                .hasMessageContaining("authorization.type is 'mock'")
                .hasMessageContaining("test-backend");
    }

    @Test
    void unknownAccessTypeIsAConfigErrorListingTheKnownOnes() {
        assertThatThrownBy(() -> new ImagingEngine(ServerOptions.builder().dataDirectory(data).studyTokenKey(EngineFixture.KEY)
                .builtInConfig("x", withAccess("\"type\": \"mock\"", "\"type\": \"rulez\""))
                .build()))
                .hasMessageContaining("access.type is 'rulez'")
                .hasMessageContaining("patient-context");
    }
}
