package org.smartimaging.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.smartimaging.engine.EngineFixture.get;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smartimaging.engine.EngineFixture.Answer;
import org.smartimaging.testing.Multipart;
import org.smartimaging.testing.MutableClock;
import org.smartimaging.testing.TestStudies;
import org.smartimaging.token.StudyToken;
import org.smartimaging.token.StudyTokenCodec;

/** The request flow end to end through the engine, on the folder source and the mock authorizer. */
class ImagingEngineTest {

    static final String PATIENT_A = """
            {"resourceType": "Patient", "id": "pat-a",
             "identifier": [{"type": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v2-0203", "code": "MR"}]},
                             "system": "urn:mrn", "value": "MRN-A"}]}""";

    @TempDir
    static Path data;
    static ImagingEngine engine;
    static TestStudies.Study studyA1;
    static TestStudies.Study studyA2;
    static TestStudies.Study studyB;

    static String config(String authorization, String images) {
        return "{\"authorization\": {" + authorization + "}, \"images\": {\"type\": \"folder\", \"directory\": \"studies\", " + images + "}}";
    }

    static ServerOptions.Builder options() {
        return ServerOptions.builder()
                .dataDirectory(data)
                .studyTokenKey(EngineFixture.KEY)
                .builtInConfig("demo", config("\"type\": \"mock\", \"patient\": " + PATIENT_A, "\"lookup\": \"studies-by-mrn\""))
                .builtInConfig("open", config("\"type\": \"mock\", \"disableAuthzChecks\": true", "\"lookup\": \"all-studies-on-server\""))
                .builtInConfig("capability", config("\"type\": \"mock\", \"patient\": " + PATIENT_A,
                        "\"lookup\": \"studies-by-mrn\", \"requiresAccessToken\": false"))
                .builtInConfig("noscope", config("\"type\": \"mock\", \"scopes\": [\"patient/Observation.rs\"], \"patient\": " + PATIENT_A,
                        "\"lookup\": \"studies-by-mrn\""))
                .builtInConfig("delayed", config("\"type\": \"mock\", \"disableAuthzChecks\": true",
                        "\"lookup\": \"all-studies-on-server\", \"delay\": {\"lookupUntil\": 4102444800, \"retrieveUntil\": 4102444800}"));
    }

    @BeforeAll
    static void start() {
        Path studies = data.resolve("studies");
        studyA1 = TestStudies.write(studies, "MRN-A", "CT", 2, 3, 8);
        studyA2 = TestStudies.write(studies, "MRN-A", "MR", 1, 2, 8);
        studyB = TestStudies.write(studies, "MRN-B", "CT", 1, 2, 8);
        engine = new ImagingEngine(options().build());
    }

    @AfterAll
    static void stop() {
        engine.close();
    }

    static List<String> studyUids(Answer bundle) {
        List<String> uids = new ArrayList<>();
        for (JsonNode entry : bundle.json().path("entry")) {
            if (entry.path("resource").path("resourceType").asText().equals("ImagingStudy")) {
                uids.add(entry.path("resource").path("id").asText());
            }
        }
        return uids;
    }

    static String wadoAddress(Answer bundle, String studyUid) {
        for (JsonNode entry : bundle.json().path("entry")) {
            JsonNode resource = entry.path("resource");
            if (resource.path("id").asText().equals(studyUid)) {
                return resource.path("contained").get(0).path("address").asText();
            }
        }
        throw new AssertionError("No study " + studyUid);
    }

    static Answer searchA() {
        return get(engine, "/demo/fhir/ImagingStudy?patient=pat-a", "any-token");
    }

    // --- search ---------------------------------------------------------------------------------

    @Test
    void searchReturnsTheGrantedPatientsStudiesOnly() {
        Answer answer = searchA();

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.json().path("resourceType").asText()).isEqualTo("Bundle");
        assertThat(answer.json().path("type").asText()).isEqualTo("searchset");
        assertThat(studyUids(answer)).containsExactlyInAnyOrder(studyA1.studyInstanceUid(), studyA2.studyInstanceUid());
    }

    @Test
    void mapsStudySeriesAndInstances() {
        JsonNode study = null;
        for (JsonNode entry : searchA().json().path("entry")) {
            if (entry.path("resource").path("id").asText().equals(studyA1.studyInstanceUid())) {
                study = entry.path("resource");
            }
        }
        assertThat(study).isNotNull();
        assertThat(study.path("identifier").get(0).path("system").asText()).isEqualTo("urn:dicom:uid");
        assertThat(study.path("identifier").get(0).path("value").asText()).isEqualTo("urn:oid:" + studyA1.studyInstanceUid());
        assertThat(study.path("subject").path("reference").asText()).isEqualTo("Patient/pat-a");
        assertThat(study.path("numberOfSeries").asInt()).isEqualTo(2);
        assertThat(study.path("numberOfInstances").asInt()).isEqualTo(6);
        assertThat(study.path("modality").get(0).path("code").asText()).isEqualTo("CT");
        assertThat(study.path("started").asText()).startsWith("2024-01-31T10:15:00");
        assertThat(study.path("series").get(0).path("uid").asText()).isEqualTo(studyA1.seriesInstanceUids().get(0));
        assertThat(study.path("series").get(0).path("instance")).hasSize(3);
        assertThat(study.path("series").get(0).path("instance").get(0).path("sopClass").path("code").asText())
                .isEqualTo("urn:oid:1.2.840.10008.5.1.4.1.1.2");
        JsonNode endpoint = study.path("contained").get(0);
        assertThat(endpoint.path("resourceType").asText()).isEqualTo("Endpoint");
        assertThat(endpoint.path("connectionType").path("code").asText()).isEqualTo("dicom-wado-rs");
        assertThat(endpoint.path("extension").get(0).path("valueBoolean").asBoolean()).isTrue();
        assertThat(endpoint.path("address").asText()).startsWith(EngineFixture.BASE + "/demo/wado/");
    }

    @Test
    void acceptsPatientAsReferenceOrAbsoluteUrl() {
        assertThat(studyUids(get(engine, "/demo/fhir/ImagingStudy?patient=Patient/pat-a", "t"))).hasSize(2);
        assertThat(studyUids(get(engine, "/demo/fhir/ImagingStudy?patient=https://ehr.example/fhir/Patient/pat-a", "t"))).hasSize(2);
    }

    @Test
    void rejectsSearchForAnotherPatient() {
        Answer answer = get(engine, "/demo/fhir/ImagingStudy?patient=pat-b", "any-token");

        assertThat(answer.status()).isEqualTo(403);
        assertThat(answer.json().path("resourceType").asText()).isEqualTo("OperationOutcome");
        assertThat(answer.json().path("issue").get(0).path("code").asText()).isEqualTo("forbidden");
    }

    @Test
    void rejectsSearchWithoutBearerToken() {
        Answer answer = get(engine, "/demo/fhir/ImagingStudy?patient=pat-a", (String) null);

        assertThat(answer.status()).isEqualTo(401);
        assertThat(answer.header("WWW-Authenticate")).startsWith("Bearer");
        assertThat(answer.json().path("resourceType").asText()).isEqualTo("OperationOutcome");
    }

    @Test
    void rejectsMalformedAuthorizationHeader() {
        Answer basic = get(engine, "/demo/fhir/ImagingStudy?patient=pat-a", Map.of("Authorization", "Basic dXNlcjpwYXNz"));
        Answer garbage = get(engine, "/demo/fhir/ImagingStudy?patient=pat-a", Map.of("Authorization", "Bearer a b\"c"));

        assertThat(basic.status()).isEqualTo(401);
        assertThat(basic.header("WWW-Authenticate")).contains("error=\"invalid_request\"");
        assertThat(garbage.status()).isEqualTo(401);
    }

    @Test
    void rejectsTokenWithoutImagingStudyScope() {
        Answer answer = get(engine, "/noscope/fhir/ImagingStudy?patient=pat-a", "any-token");

        assertThat(answer.status()).isEqualTo(403);
        assertThat(answer.header("WWW-Authenticate")).contains("insufficient_scope");
    }

    @Test
    void requiresThePatientParameterWhenChecksAreOn() {
        assertThat(get(engine, "/demo/fhir/ImagingStudy", "t").status()).isEqualTo(400);
    }

    @Test
    void rejectsUnsupportedParametersByName() {
        Answer answer = get(engine, "/demo/fhir/ImagingStudy?patient=pat-a&modality=CT", "t");

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.json().path("issue").get(0).path("diagnostics").asText()).contains("modality");
    }

    @Test
    void filtersByLastUpdated() {
        assertThat(studyUids(get(engine, "/demo/fhir/ImagingStudy?patient=pat-a&_lastUpdated=gt2000-01-01", "t"))).hasSize(2);
        assertThat(studyUids(get(engine, "/demo/fhir/ImagingStudy?patient=pat-a&_lastUpdated=gt2999-01-01T00:00:00Z", "t")))
                .isEmpty();
        assertThat(get(engine, "/demo/fhir/ImagingStudy?patient=pat-a&_lastUpdated=yesterday", "t").status()).isEqualTo(400);
    }

    @Test
    void filtersByStudyInstanceUidIdentifier() {
        String uid = studyA2.studyInstanceUid();

        assertThat(studyUids(get(engine, "/demo/fhir/ImagingStudy?patient=pat-a&identifier=urn:oid:" + uid, "t")))
                .containsExactly(uid);
        assertThat(studyUids(get(engine, "/demo/fhir/ImagingStudy?patient=pat-a&identifier=urn:dicom:uid%7Curn:oid:" + uid, "t")))
                .containsExactly(uid);
        assertThat(studyUids(get(engine, "/demo/fhir/ImagingStudy?patient=pat-a&identifier=urn:other%7Curn:oid:" + uid, "t")))
                .isEmpty();
        assertThat(studyUids(get(engine, "/demo/fhir/ImagingStudy?patient=pat-a&identifier=urn:oid:" + studyB.studyInstanceUid(), "t")))
                .isEmpty();
    }

    @Test
    void includesEndpointsWhenAsked() {
        Answer answer = get(engine, "/demo/fhir/ImagingStudy?patient=pat-a&_include=ImagingStudy:endpoint", "t");

        List<String> types = new ArrayList<>();
        answer.json().path("entry").forEach(e -> types.add(e.path("resource").path("resourceType").asText()
                + "/" + e.path("search").path("mode").asText()));
        assertThat(types).containsExactlyInAnyOrder("ImagingStudy/match", "Endpoint/include", "ImagingStudy/match", "Endpoint/include");
        JsonNode first = answer.json().path("entry").get(0).path("resource");
        assertThat(first.path("endpoint").get(0).path("reference").asText()).isEqualTo("Endpoint/" + first.path("id").asText());
    }

    @Test
    void openConfigListsEveryStudyWithoutToken() {
        Answer answer = get(engine, "/open/fhir/ImagingStudy?patient=anyone", (String) null);

        assertThat(studyUids(answer)).contains(studyA1.studyInstanceUid(), studyA2.studyInstanceUid(), studyB.studyInstanceUid());
    }

    @Test
    void delayedSourceAnswers503WithIntegerRetryAfter() {
        Answer search = get(engine, "/delayed/fhir/ImagingStudy?patient=x", (String) null);

        assertThat(search.status()).isEqualTo(503);
        assertThat(search.header("Retry-After")).matches("[0-9]+");
    }

    // --- retrieval ------------------------------------------------------------------------------

    @Test
    void retrievesTheStudyByteForByteFromTheEndpointAddress() throws IOException {
        String wado = wadoAddress(searchA(), studyA1.studyInstanceUid());

        Answer answer = get(engine, wado + "/studies/" + studyA1.studyInstanceUid(), "any-token");

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.contentType()).startsWith("multipart/related; type=\"application/dicom\"");
        List<byte[]> parts = Multipart.parts(answer.contentType(), answer.body());
        assertThat(parts).hasSize(6);
        for (int i = 0; i < parts.size(); i++) {
            assertThat(parts.get(i)).isEqualTo(Files.readAllBytes(studyA1.files().get(i)));
        }
    }

    @Test
    void retrievesSeriesInstanceAndMetadata() {
        String wado = wadoAddress(searchA(), studyA1.studyInstanceUid());
        String study = "/studies/" + studyA1.studyInstanceUid();
        String series = study + "/series/" + studyA1.seriesInstanceUids().get(1);

        Answer seriesAnswer = get(engine, wado + series, "t");
        Answer instance = get(engine, wado + series + "/instances/" + studyA1.sopInstanceUids().get(4), "t");
        Answer metadata = get(engine, wado + study + "/metadata", "t");

        assertThat(Multipart.parts(seriesAnswer.contentType(), seriesAnswer.body())).hasSize(3);
        assertThat(Multipart.parts(instance.contentType(), instance.body())).hasSize(1);
        assertThat(metadata.contentType()).isEqualTo("application/dicom+json");
        assertThat(metadata.json()).hasSize(6);
        assertThat(metadata.json().get(0).path("0020000D").path("Value").get(0).asText()).isEqualTo(studyA1.studyInstanceUid());
    }

    @Test
    void rejectsWadoWithoutAccessTokenWhenTokenBound() {
        String wado = wadoAddress(searchA(), studyA1.studyInstanceUid());

        assertThat(get(engine, wado + "/studies/" + studyA1.studyInstanceUid(), (String) null).status()).isEqualTo(401);
    }

    @Test
    void rejectsForgedStudyToken() {
        String wado = wadoAddress(searchA(), studyA1.studyInstanceUid());
        String forged = wado.substring(0, wado.length() - 4) + (wado.endsWith("AAAA") ? "BBBB" : "AAAA");

        Answer answer = get(engine, forged + "/studies/" + studyA1.studyInstanceUid(), "t");

        assertThat(answer.status()).isEqualTo(401);
        assertThat(answer.header("WWW-Authenticate")).contains("invalid_token");
    }

    @Test
    void rejectsStudyTokenSignedWithAnotherKey() {
        StudyTokenCodec otherKey = new StudyTokenCodec(new byte[32], java.time.Clock.systemUTC());
        String token = otherKey.sign(new StudyToken("pat-a", "demo", Set.of(studyA1.studyInstanceUid()),
                Instant.now().plusSeconds(600), true));

        Answer answer = get(engine, "/demo/wado/" + token + "/studies/" + studyA1.studyInstanceUid(), "t");

        assertThat(answer.status()).isEqualTo(401);
    }

    @Test
    void rejectsStudyTokenOfAnotherPatient() {
        String token = new StudyTokenCodec(EngineFixture.KEY, java.time.Clock.systemUTC()).sign(new StudyToken("pat-b", "demo",
                Set.of(studyB.studyInstanceUid()), Instant.now().plusSeconds(600), true));

        Answer answer = get(engine, "/demo/wado/" + token + "/studies/" + studyB.studyInstanceUid(), "token-of-a");

        assertThat(answer.status()).isEqualTo(403);
    }

    @Test
    void rejectsStudyTokenOnAnotherStudy() {
        String wado = wadoAddress(searchA(), studyA1.studyInstanceUid());

        Answer answer = get(engine, wado + "/studies/" + studyB.studyInstanceUid(), "t");

        assertThat(answer.status()).isEqualTo(403);
    }

    @Test
    void rejectsStudyTokenOfAnotherConfiguration() {
        // Same patient, same study, valid signature: only the configuration differs.
        Answer search = get(engine, "/capability/fhir/ImagingStudy?patient=pat-a", "t");
        String address = wadoAddress(search, studyA1.studyInstanceUid());
        String token = address.substring(address.lastIndexOf('/') + 1);

        Answer answer = get(engine, "/demo/wado/" + token + "/studies/" + studyA1.studyInstanceUid(), "t");

        assertThat(answer.status()).isEqualTo(403);
        assertThat(answer.json().path("issue").get(0).path("diagnostics").asText()).contains("another configuration");
    }

    @Test
    void rejectsExpiredStudyToken() {
        MutableClock clock = new MutableClock();
        try (ImagingEngine timed = new ImagingEngine(options().clock(clock).build())) {
            Answer search = get(timed, "/demo/fhir/ImagingStudy?patient=pat-a", "t");
            String wado = wadoAddress(search, studyA1.studyInstanceUid());
            String path = wado + "/studies/" + studyA1.studyInstanceUid();
            assertThat(get(timed, path, "t").status()).isEqualTo(200);

            clock.advance(java.time.Duration.ofSeconds(3601));

            Answer expired = get(timed, path, "t");
            assertThat(expired.status()).isEqualTo(401);
            assertThat(expired.json().path("issue").get(0).path("diagnostics").asText()).contains("expired");
        }
    }

    @Test
    void capabilityUrlWorksWithoutAccessTokenAndSaysSo() {
        Answer search = get(engine, "/capability/fhir/ImagingStudy?patient=pat-a", "t");
        JsonNode endpoint = search.json().path("entry").get(0).path("resource").path("contained").get(0);
        String study = search.json().path("entry").get(0).path("resource").path("id").asText();

        assertThat(endpoint.path("extension").get(0).path("valueBoolean").asBoolean()).isFalse();
        assertThat(get(engine, endpoint.path("address").asText() + "/studies/" + study, (String) null).status()).isEqualTo(200);
    }

    @Test
    void appendingToCapabilityUrlNeverWidensIt() {
        Answer search = get(engine, "/capability/fhir/ImagingStudy?patient=pat-a", "t");
        JsonNode resource = search.json().path("entry").get(0).path("resource");
        String wado = resource.path("contained").get(0).path("address").asText();
        String study = "/studies/" + resource.path("id").asText();

        assertThat(get(engine, wado + study + "/metadata/extra", (String) null).status()).isEqualTo(404);
        assertThat(get(engine, wado + "/x" + study, (String) null).status()).isIn(400, 404);
        assertThat(get(engine, wado + "/studies/" + studyB.studyInstanceUid(), (String) null).status()).isEqualTo(403);
    }

    static String signedToken(String patient, String config, String study, boolean requiresAccessToken) {
        return new StudyTokenCodec(EngineFixture.KEY, java.time.Clock.systemUTC()).sign(new StudyToken(patient, config,
                Set.of(study), Instant.now().plusSeconds(600), requiresAccessToken));
    }

    @Test
    void rejectsRetrievalWhenTheGrantLacksImagingStudyScope() {
        String token = signedToken("pat-a", "noscope", studyA1.studyInstanceUid(), true);

        Answer answer = get(engine, "/noscope/wado/" + token + "/studies/" + studyA1.studyInstanceUid(), "any-token");

        assertThat(answer.status()).isEqualTo(403);
        assertThat(answer.header("WWW-Authenticate")).contains("insufficient_scope").contains("scope=\"patient/ImagingStudy.rs\"");
    }

    @Test
    void capabilityTokenDoesNotOpenATokenBoundConfiguration() {
        String capability = signedToken("pat-a", "demo", studyA1.studyInstanceUid(), false);

        assertThat(get(engine, "/demo/wado/" + capability + "/studies/" + studyA1.studyInstanceUid(), (String) null).status())
                .isEqualTo(401);
    }

    @Test
    void rejectsSignedStudyTokenWithoutExpiry() throws Exception {
        com.nimbusds.jwt.SignedJWT jwt = new com.nimbusds.jwt.SignedJWT(
                new com.nimbusds.jose.JWSHeader(com.nimbusds.jose.JWSAlgorithm.HS256),
                new com.nimbusds.jwt.JWTClaimsSet.Builder().subject("pat-a").claim("cfg", "demo")
                        .claim("studies", List.of(studyA1.studyInstanceUid())).claim("rat", true).build());
        jwt.sign(new com.nimbusds.jose.crypto.MACSigner(EngineFixture.KEY));

        assertThat(get(engine, "/demo/wado/" + jwt.serialize() + "/studies/" + studyA1.studyInstanceUid(), "t").status())
                .isEqualTo(401);
    }

    @Test
    void rejectsOversizedBearerTokenAndPath() {
        assertThat(get(engine, "/demo/fhir/ImagingStudy?patient=pat-a", "x".repeat(10_000)).status()).isEqualTo(401);
        assertThat(get(engine, "/demo/fhir/" + "a/".repeat(5000), "t").status()).isEqualTo(400);
    }

    @Test
    void rejectsRepeatedPatientParameter() {
        assertThat(get(engine, "/demo/fhir/ImagingStudy?patient=pat-a&patient=pat-b", "t").status()).isEqualTo(400);
        assertThat(get(engine, "/demo/fhir/ImagingStudy?patient=pat-a,pat-b", "t").status()).isEqualTo(400);
    }

    @Test
    void rejectsUidPathTricks() {
        String wado = EngineFixture.below(wadoAddress(searchA(), studyA1.studyInstanceUid()));
        String study = "/studies/" + studyA1.studyInstanceUid();

        assertThat(get(engine, wado + "/studies/..", "t").status()).isEqualTo(400);
        assertThat(get(engine, wado + study + "/series/../../" + studyB.studyInstanceUid(), "t").status()).isEqualTo(400);
        assertThat(get(engine, wado + "/studies/%2e%2e", "t").status()).isEqualTo(400);
        assertThat(get(engine, "/d%65mo/fhir/metadata", "t").status()).isEqualTo(400);
        assertThat(get(engine, wado + "/studies/1.2." + "3".repeat(70), "t").status()).isEqualTo(400);
        assertThat(get(engine, wado + "/studies/1.2.abc", "t").status()).isEqualTo(400);
        assertThat(get(engine, wado + study + "/series/1.2.3/instances/x", "t").status()).isEqualTo(400);
        assertThat(get(engine, wado + study + "/series/1.2.3/instances/4.5/frames/1,2/rendered", "t").status()).isEqualTo(400);
        assertThat(get(engine, wado + study + "/series/1.2.3/instances/4.5/frames/0", "t").status()).isEqualTo(400);
    }

    @Test
    void answersNotFoundForUnknownSeries() {
        String wado = wadoAddress(searchA(), studyA1.studyInstanceUid());

        assertThat(get(engine, wado + "/studies/" + studyA1.studyInstanceUid() + "/series/1.2.3", "t").status()).isEqualTo(404);
    }

    // --- discovery and configuration -----------------------------------------------------------

    @Test
    void servesCapabilityStatementAndSmartConfiguration() {
        Answer metadata = get(engine, "/demo/fhir/metadata", (String) null);
        Answer smart = get(engine, "/demo/fhir/.well-known/smart-configuration", (String) null);

        assertThat(metadata.json().path("resourceType").asText()).isEqualTo("CapabilityStatement");
        assertThat(metadata.json().path("rest").get(0).path("resource").get(0).path("type").asText()).isEqualTo("ImagingStudy");
        assertThat(smart.json().path("capabilities").toString()).contains("smart-imaging-access");
    }

    @Test
    void answersNotFoundForUnknownConfiguration() {
        assertThat(get(engine, "/nope/fhir/ImagingStudy?patient=x", "t").status()).isEqualTo(404);
    }

    @Test
    void answersNotFoundForDynamicConfigWhileDisabled() {
        String json = config("\"type\": \"mock\", \"disableAuthzChecks\": true", "\"lookup\": \"all-studies-on-server\"");
        String encoded = Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));

        assertThat(get(engine, "/dyn/" + encoded + "/fhir/ImagingStudy?patient=x", "t").status()).isEqualTo(404);
    }

    @Test
    void servesDynamicConfigWhenEnabledAndRejectsOversizedOnes() {
        try (ImagingEngine dynamic = new ImagingEngine(options().dynamicConfigs(true, Set.of("pacs.example.org")).build())) {
            String json = "{\"authorization\": {\"type\": \"mock\", \"disableAuthzChecks\": true},"
                    + " \"images\": {\"type\": \"folder\", \"directory\": \"studies\"}}";
            String encoded = Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
            String huge = Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[5000]);

            // A folder is a local path, not an allowed upstream host: refused for dynamic configs.
            assertThat(get(dynamic, "/dyn/" + encoded + "/fhir/ImagingStudy?patient=x", "t").status()).isEqualTo(400);
            Answer oversized = get(dynamic, "/dyn/" + huge + "/fhir/ImagingStudy?patient=x", "t");
            assertThat(oversized.status()).isEqualTo(400);
            assertThat(oversized.json().path("issue").get(0).path("diagnostics").asText()).contains("larger than");
            assertThat(get(dynamic, "/dyn/!!!/fhir/ImagingStudy?patient=x", "t").status()).isIn(400, 404);
        }
    }

    @Test
    void failsAtLoadOnUnknownTypeListingKnownTypes() {
        ServerOptions bad = ServerOptions.builder().dataDirectory(data).studyTokenKey(EngineFixture.KEY)
                .builtInConfig("bad", "{\"authorization\": {\"type\": \"mock\"}, \"images\": {\"type\": \"tape-robot\"}}").build();

        assertThatThrownBy(() -> new ImagingEngine(bad)).hasMessageContaining("tape-robot").hasMessageContaining("folder");
    }

    @Test
    void failsAtLoadOnUnknownFieldNamingIt() {
        ServerOptions bad = ServerOptions.builder().dataDirectory(data).studyTokenKey(EngineFixture.KEY)
                .builtInConfig("bad", config("\"type\": \"mock\"", "\"directoyr\": \"typo\"")).build();

        assertThatThrownBy(() -> new ImagingEngine(bad)).hasMessageContaining("images.directoyr");
    }

    @Test
    void ignoresFieldsCommentedOutTheReferenceWay() {
        ServerOptions commented = ServerOptions.builder().dataDirectory(data).studyTokenKey(EngineFixture.KEY)
                .builtInConfig("c", config("\"type\": \"mock\", \"//patient\": {}", "\"//endpoint\": \"http://x\"")).build();

        try (ImagingEngine loaded = new ImagingEngine(commented)) {
            assertThat(get(loaded, "/c/fhir/metadata", (String) null).status()).isEqualTo(200);
        }
    }

    @Test
    void rejectsNonGetMethods() {
        var response = engine.handle(new ImagingRequest("POST", "/demo/fhir/ImagingStudy", Map.of(), h -> null, EngineFixture.BASE));

        assertThat(response.status()).isEqualTo(405);
    }
}
