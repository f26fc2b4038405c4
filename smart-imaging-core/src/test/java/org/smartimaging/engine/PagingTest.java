package org.smartimaging.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.smartimaging.engine.EngineFixture.get;
import static org.smartimaging.engine.ImagingEngineTest.studyUids;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smartimaging.engine.EngineFixture.Answer;
import org.smartimaging.testing.TestStudies;

/**
 * Searches page newest first: {@code _count=1} is the newest study, {@code next} links walk
 * through all of them exactly once, {@code total} is given only when one page holds everything,
 * and {@code _count} with {@code _lastUpdated} finds what matches however many do not.
 */
class PagingTest {

    @TempDir
    static Path data;
    static ImagingEngine engine;
    /** Oldest first. */
    static final List<TestStudies.Study> studies = new ArrayList<>();

    @BeforeAll
    static void start() throws IOException {
        // the lowest UID is the oldest study, so UID order is the wrong order; files change on the study's day
        for (int day = 1; day <= 7; day++) {
            TestStudies.Study study = TestStudies.write(data.resolve("studies"), "MRN-A", "CT", 1, 1, 8, "2024030" + day);
            for (Path file : study.files()) {
                Files.setLastModifiedTime(file, FileTime.from(Instant.parse("2024-03-0" + day + "T12:00:00Z")));
            }
            studies.add(study);
        }
        engine = new ImagingEngine(ServerOptions.builder()
                .dataDirectory(data)
                .studyTokenKey(EngineFixture.KEY)
                .builtInConfig("demo", ImagingEngineTest.config("\"type\": \"mock\", \"patient\": " + ImagingEngineTest.PATIENT_A,
                        "\"lookup\": \"studies-by-mrn\""))
                .build());
    }

    @AfterAll
    static void stop() {
        engine.close();
    }

    static String next(Answer bundle) {
        for (JsonNode link : bundle.json().path("link")) {
            if (link.path("relation").asText().equals("next")) {
                return link.path("url").asText();
            }
        }
        return null;
    }

    @Test
    void countOneIsTheNewestStudy() {
        Answer answer = get(engine, "/demo/fhir/ImagingStudy?patient=pat-a&_count=1", "t");

        assertThat(studyUids(answer)).containsExactly(studies.get(6).studyInstanceUid());
        assertThat(answer.json().has("total")).isFalse();
        assertThat(next(answer)).isNotNull();
    }

    @Test
    void nextLinksPageThroughAllStudiesNewestFirstOnce() {
        List<String> seen = new ArrayList<>();
        String url = "/demo/fhir/ImagingStudy?patient=pat-a&_count=3";
        int pages = 0;
        while (url != null && pages < 10) {
            Answer page = get(engine, url, "t");
            assertThat(page.status()).isEqualTo(200);
            assertThat(studyUids(page).size()).isLessThanOrEqualTo(3);
            seen.addAll(studyUids(page));
            url = next(page);
            pages++;
        }
        List<String> newestFirst = new ArrayList<>();
        for (int i = studies.size() - 1; i >= 0; i--) {
            newestFirst.add(studies.get(i).studyInstanceUid());
        }
        assertThat(seen).containsExactlyElementsOf(newestFirst);
        assertThat(pages).isEqualTo(3);
    }

    @Test
    void totalIsGivenWhenOnePageHoldsEverything() {
        Answer answer = get(engine, "/demo/fhir/ImagingStudy?patient=pat-a", "t");

        assertThat(answer.json().path("total").asInt()).isEqualTo(7);
        assertThat(next(answer)).isNull();
    }

    @Test
    void countWithLastUpdatedFindsTheMatchesNotTheFirstStudies() {
        // only the two oldest match; a source that cut to _count first (newest) would find nothing
        Answer answer = get(engine, "/demo/fhir/ImagingStudy?patient=pat-a&_count=1&_lastUpdated=lt2024-03-03", "t");

        assertThat(studyUids(answer)).containsExactly(studies.get(1).studyInstanceUid());
        Answer second = get(engine, next(answer), "t");
        assertThat(studyUids(second)).containsExactly(studies.get(0).studyInstanceUid());
        assertThat(next(second)).isNull();
    }

    @Test
    void aForgedCursorIsABadRequest() {
        assertThat(get(engine, "/demo/fhir/ImagingStudy?patient=pat-a&_cursor=bm90LWEtY3Vyc29y", "t").status()).isEqualTo(400);
    }

    @Test
    void nextLinkKeepsTheSearchParameters() {
        String next = next(get(engine, "/demo/fhir/ImagingStudy?patient=pat-a&_count=2&_include=ImagingStudy:endpoint", "t"));

        assertThat(next).startsWith(EngineFixture.BASE + "/demo/fhir/ImagingStudy?").contains("patient=pat-a")
                .contains("_count=2").contains("_include=ImagingStudy%3Aendpoint").contains("_cursor=");
    }
}
