package org.smartimaging.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smartimaging.examples.DemoServer.DemoOptions;
import org.smartimaging.examples.demo.DemoConfigs;
import org.smartimaging.examples.demo.DemoPatient;
import org.smartimaging.examples.demo.DemoPatients;

/**
 * A third-party SMART app built on SMART's own JavaScript client (npm {@code fhirclient}, its
 * browser build), served from its own origin and registered with the demo EHR through
 * {@code --apps}, completes a standalone launch in chromium, finds the imaging server through the
 * EHR's {@code associated_endpoints}, searches {@code ImagingStudy} there and retrieves a study's
 * metadata with the same token.
 */
class SmartAppBrowserTest {

    static final Path APP = ViewerBrowserTest.BROWSER_DIR.resolve("smart-app");
    static final Path FHIR_CLIENT = ViewerBrowserTest.BROWSER_DIR.resolve("node_modules/fhirclient/build/fhir-client.min.js");
    static final Path OUT = Path.of("target/smart-app-screenshots").toAbsolutePath();
    static final String CLIENT_ID = "imaging-sample-app";
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path data;
    static StaticSite app;
    static DemoServer server;

    @BeforeAll
    static void start() throws Exception {
        ViewerBrowserTest.requireBrowserTools();
        if (!Files.isRegularFile(FHIR_CLIENT)) {
            fail("The SMART app test needs npm's fhirclient: run `npm ci --prefix examples/src/test/browser`");
        }
        app = StaticSite.start(APP);
        app.put("/fhir-client.js", Files.readString(FHIR_CLIENT));
        app.put("/app-settings.js", "window.APP_SETTINGS = {clientId: '" + CLIENT_ID + "'};");
        Path apps = data.resolve("apps.json");
        Files.writeString(apps, "[{\"client_id\": \"%s\", \"client_name\": \"Imaging sample app\", \"redirect_uris\": [\"%s/index.html\"]}]"
                .formatted(CLIENT_ID, app.origin()));
        server = DemoServer.start(DemoOptions.parse("--port", "0", "--data", data.toString(), "--apps", apps.toString()));
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (app != null) {
            app.close();
        }
    }

    @Test
    void fhirclientAppLaunchesFindsTheImagingServerAndReadsTheStudies() throws Exception {
        DemoPatient patient = DemoPatients.MARIA_OKAFOR;
        Map<String, Object> argument = new LinkedHashMap<>();
        argument.put("launchUrl", app.origin() + "/launch.html?iss=" + URLEncoder.encode(server.ehrFhirBase(), StandardCharsets.UTF_8));
        argument.put("patientId", patient.fhirId());
        argument.put("outDir", OUT.toString());

        NodeScript.Result run = NodeScript.run("smart-app-test.mjs", argument, 90);
        System.out.printf("fhirclient app: %d ms%n", run.millis());

        assertThat(run.exitCode()).as("%s%n%s", run.stderr(), run.stdout()).isZero();
        JsonNode result = JSON.readTree(run.lastJsonLine());
        assertThat(result.path("patientId").asText()).isEqualTo(patient.fhirId());
        assertThat(result.path("patientName").asText()).isEqualTo(patient.given() + " " + patient.family());
        assertThat(result.path("imagingBase").asText()).isEqualTo(server.imagingFhirBase());
        List<String> studies = JSON.convertValue(result.path("studies"), JSON.getTypeFactory().constructCollectionType(List.class, String.class));
        assertThat(studies).containsExactlyInAnyOrderElementsOf(studyUids(patient));
        assertThat(result.path("metadataInstances").asInt()).isPositive();
        assertThat(result.path("metadataStudyUids").toString()).isEqualTo("[\"" + studies.get(0) + "\"]");
    }

    static List<String> studyUids(DemoPatient patient) throws Exception {
        try (Stream<Path> dirs = Files.list(data.resolve(DemoConfigs.STUDIES_DIRECTORY).resolve(patient.mrn()))) {
            return dirs.filter(Files::isDirectory).map(d -> d.getFileName().toString()).toList();
        }
    }
}
