package org.smartimaging.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.smartimaging.engine.EngineFixture.get;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smartimaging.engine.EngineFixture.Answer;
import org.smartimaging.testing.MutableClock;
import org.smartimaging.testing.TestStudies;

/** Immutable DICOM answers are cacheable by the client that asked, and revalidated only after every check. */
class CachingTest {

    @TempDir
    static Path data;
    static final MutableClock CLOCK = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    static ImagingEngine engine;
    static TestStudies.Study study;
    static TestStudies.Study other;
    static String base;
    static String instancePath;

    @BeforeAll
    static void start() {
        study = TestStudies.write(data.resolve("studies"), "MRN-A", "CT", 1, 2, 8);
        other = TestStudies.write(data.resolve("studies"), "MRN-B", "CT", 1, 1, 8);
        engine = new ImagingEngine(ServerOptions.builder().dataDirectory(data).studyTokenKey(EngineFixture.KEY).clock(CLOCK)
                .studyTokenLifetime(Duration.ofMinutes(30))
                .builtInConfig("demo", ImagingEngineTest.config("\"type\": \"mock\", \"patient\": " + ImagingEngineTest.PATIENT_A,
                        "\"lookup\": \"studies-by-mrn\""))
                .build());
        base = EngineFixture.below(ImagingEngineTest.wadoAddress(
                get(engine, "/demo/fhir/ImagingStudy?patient=pat-a", "any-token"), study.studyInstanceUid()));
        instancePath = base + "/studies/" + study.studyInstanceUid() + "/series/" + study.seriesInstanceUids().get(0)
                + "/instances/" + study.sopInstanceUids().get(0);
    }

    @AfterAll
    static void stop() {
        engine.close();
    }

    static Answer fetch(String path, String bearer, String ifNoneMatch, String accept) {
        Map<String, String> headers = new HashMap<>();
        if (bearer != null) {
            headers.put("Authorization", "Bearer " + bearer);
        }
        if (ifNoneMatch != null) {
            headers.put("If-None-Match", ifNoneMatch);
        }
        if (accept != null) {
            headers.put("Accept", accept);
        }
        return get(engine, path, headers);
    }

    @Test
    void instancesCarryAnETagAndAPrivateMaxAgeWithinTheCapability() {
        Answer answer = fetch(instancePath, "any-token", null, null);

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.header("ETag")).matches("W/\"[A-Za-z0-9_-]+\"");
        assertThat(answer.header("Cache-Control")).startsWith("private, max-age=");
        long maxAge = Long.parseLong(answer.header("Cache-Control").substring("private, max-age=".length()));
        assertThat(maxAge).isPositive().isLessThanOrEqualTo(Duration.ofMinutes(30).toSeconds());
        assertThat(answer.header("Vary")).contains("Accept").contains("Origin");
    }

    @Test
    void maxAgeNeverOutlivesTheCapability() {
        String path = EngineFixture.below(ImagingEngineTest.wadoAddress(
                get(engine, "/demo/fhir/ImagingStudy?patient=pat-a", "any-token"), study.studyInstanceUid()))
                + instancePath.substring(base.length());
        CLOCK.advance(Duration.ofMinutes(29));
        try {
            Answer late = fetch(path, "any-token", null, null);

            assertThat(late.header("Cache-Control")).isEqualTo("private, max-age=60");
        } finally {
            CLOCK.advance(Duration.ofMinutes(-29));
        }
    }

    @Test
    void studiesAndMetadataOfStoredFilesAreCacheableToo() {
        Answer studyAnswer = fetch(base + "/studies/" + study.studyInstanceUid(), "any-token", null, null);
        Answer metadata = fetch(base + "/studies/" + study.studyInstanceUid() + "/metadata", "any-token", null, null);

        assertThat(studyAnswer.header("ETag")).isNotNull();
        assertThat(metadata.header("ETag")).isNotNull().isNotEqualTo(studyAnswer.header("ETag"));
    }

    @Test
    void answers304ToAMatchingIfNoneMatch() {
        String etag = fetch(instancePath, "any-token", null, null).header("ETag");

        Answer again = fetch(instancePath, "any-token", etag, null);
        Answer listed = fetch(instancePath, "any-token", "\"other\", " + etag, null);
        Answer strong = fetch(instancePath, "any-token", etag.substring(2), null);

        assertThat(again.status()).isEqualTo(304);
        assertThat(again.body()).isEmpty();
        assertThat(again.header("ETag")).isEqualTo(etag);
        assertThat(again.header("Cache-Control")).startsWith("private, max-age=");
        assertThat(listed.status()).isEqualTo(304);
        assertThat(strong.status()).isEqualTo(304);
    }

    @Test
    void never304WithoutTheChecksOfAFullRequest() {
        String etag = fetch(instancePath, "any-token", null, null).header("ETag");
        String forged = instancePath.replaceFirst("\\.[A-Za-z0-9_-]+/studies", ".AAAA/studies");
        String otherStudy = base + "/studies/" + other.studyInstanceUid() + "/series/" + other.seriesInstanceUids().get(0)
                + "/instances/" + other.sopInstanceUids().get(0);

        assertThat(fetch(instancePath, null, etag, null).status()).isEqualTo(401);
        assertThat(fetch(instancePath, null, "*", null).status()).isEqualTo(401);
        assertThat(fetch(forged, "any-token", etag, null).status()).isEqualTo(401);
        assertThat(fetch(otherStudy, "any-token", "*", null).status()).isEqualTo(403);
    }

    @Test
    void anotherRepresentationHasAnotherETag() {
        String dicom = fetch(instancePath, "any-token", null, null).header("ETag");
        Answer rendered = fetch(instancePath + "/rendered", "any-token", dicom, "image/png");

        assertThat(rendered.status()).isEqualTo(200);
        assertThat(rendered.header("ETag")).isNotEqualTo(dicom);
        assertThat(fetch(instancePath + "/rendered", "any-token", null, "image/jpeg").header("ETag"))
                .isNotEqualTo(rendered.header("ETag"));
    }

    @Test
    void aStudyETagChangesWhenItsFilesChange() throws Exception {
        String path = base + "/studies/" + study.studyInstanceUid() + "/metadata";
        String before = fetch(path, "any-token", null, null).header("ETag");
        Path file = study.files().get(1);
        FileTime modified = Files.getLastModifiedTime(file);

        Files.setLastModifiedTime(file, FileTime.fromMillis(modified.toMillis() + 60_000));
        try {
            Answer after = fetch(path, "any-token", before, null);

            assertThat(after.status()).isEqualTo(200);
            assertThat(after.header("ETag")).isNotEqualTo(before);
        } finally {
            Files.setLastModifiedTime(file, modified);
        }
    }

    @Test
    void searchesAndErrorsAreNeverStored() {
        assertThat(get(engine, "/demo/fhir/ImagingStudy?patient=pat-a", "any-token").header("Cache-Control")).isEqualTo("no-store");
        assertThat(fetch(instancePath, null, null, null).header("Cache-Control")).isEqualTo("no-store");
        assertThat(fetch(base + "/studies", "any-token", null, null).header("Cache-Control")).isEqualTo("no-store");
    }
}
