package org.smartimaging.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.smartimaging.engine.EngineFixture.get;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smartimaging.engine.EngineFixture.Answer;
import org.smartimaging.testing.TestStudies;

/** {@code rendered} and {@code thumbnail} at study, series and instance level (the IG's SHOULD). */
class RenderedLevelsTest {

    @TempDir
    static Path data;
    static ImagingEngine engine;
    static TestStudies.Study study;
    static String studyPath;

    @BeforeAll
    static void start() {
        study = TestStudies.write(data.resolve("studies"), "MRN-A", "CT", 2, 3, 16);
        engine = new ImagingEngine(ServerOptions.builder().dataDirectory(data).studyTokenKey(EngineFixture.KEY)
                .builtInConfig("demo", ImagingEngineTest.config("\"type\": \"mock\", \"patient\": " + ImagingEngineTest.PATIENT_A,
                        "\"lookup\": \"studies-by-mrn\""))
                .build());
        studyPath = EngineFixture.below(ImagingEngineTest.wadoAddress(
                get(engine, "/demo/fhir/ImagingStudy?patient=pat-a", "any-token"), study.studyInstanceUid()))
                + "/studies/" + study.studyInstanceUid();
    }

    @AfterAll
    static void stop() {
        engine.close();
    }

    static Answer png(String path) {
        return get(engine, path, Map.of("Authorization", "Bearer any-token", "Accept", "image/png"));
    }

    @Test
    void studyAndSeriesAreRenderedByTheirMiddleImageOfTheFirstSeries() {
        String firstSeries = studyPath + "/series/" + study.seriesInstanceUids().get(0);
        Answer middle = png(firstSeries + "/instances/" + study.sopInstanceUids().get(1) + "/rendered");

        Answer ofStudy = png(studyPath + "/rendered");
        Answer ofSeries = png(firstSeries + "/rendered");
        Answer ofSecondSeries = png(studyPath + "/series/" + study.seriesInstanceUids().get(1) + "/rendered");

        assertThat(ofStudy.status()).isEqualTo(200);
        assertThat(ofStudy.contentType()).isEqualTo("image/png");
        assertThat(ofStudy.body()).isEqualTo(middle.body());
        assertThat(ofSeries.body()).isEqualTo(middle.body());
        assertThat(ofSecondSeries.body()).isEqualTo(png(studyPath + "/series/" + study.seriesInstanceUids().get(1)
                + "/instances/" + study.sopInstanceUids().get(4) + "/rendered").body());
    }

    @Test
    void thumbnailsAtEveryLevel() {
        String series = studyPath + "/series/" + study.seriesInstanceUids().get(0);
        for (String path : new String[] {studyPath, series, series + "/instances/" + study.sopInstanceUids().get(0)}) {
            Answer thumbnail = get(engine, path + "/thumbnail", "any-token");

            assertThat(thumbnail.status()).as(path).isEqualTo(200);
            assertThat(thumbnail.contentType()).as(path).startsWith("image/");
        }
    }

    @Test
    void renderingNeedsTheSameChecksAsEverythingElse() {
        assertThat(get(engine, studyPath + "/rendered", (String) null).status()).isEqualTo(401);
        assertThat(get(engine, studyPath + "/thumbnail", (String) null).status()).isEqualTo(401);
    }
}
