package org.smartimaging.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smartimaging.examples.DemoServer.DemoOptions;
import org.smartimaging.examples.demo.DemoConfigs;
import org.smartimaging.examples.demo.DemoDataset;
import org.smartimaging.examples.demo.DemoPatient;
import org.smartimaging.examples.demo.DemoPatients;
import org.smartimaging.testing.Bodies;
import org.smartimaging.testing.OrthancServer;

/**
 * OHIF's prebuilt viewer ({@code @ohif/app} 3.13, its {@code dist/} fetched by
 * {@code scripts/install-test-peers}) served from its own origin opens a study straight from an
 * {@code ImagingStudy} search: {@code qidoRoot} and {@code wadoRoot} are the study's Endpoint
 * address, the access token a real one from the demo EHR passed as OHIF's {@code ?token=}. For the
 * {@code folder}, {@code dicom-web} (Orthanc) and {@code dicom-dimse} (Orthanc's DICOM port)
 * sources the image is drawn and no request to the SDK fails; with another patient's token, an
 * expired token or a tampered capability nothing is drawn and no pixel byte is served.
 */
class OhifBrowserTest {

    static final Path OHIF_DIST = ViewerBrowserTest.BROWSER_DIR.resolve("ohif/dist");
    static final Path OUT = Path.of("target/ohif-screenshots").toAbsolutePath();
    static final Path PROFILE = Path.of("target/ohif-browser-profile").toAbsolutePath();
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final String CLIENT_ID = "ohif-test";
    /** The patient whose study OHIF opens, and the study (a two-series MR). */
    static final DemoPatient PATIENT = DemoPatients.JAMES_CHEN;

    @TempDir
    static Path data;
    static StaticSite ohif;
    static OrthancServer orthanc;
    static DemoServer server;
    static String redirectUri;

    @BeforeAll
    static void start() throws Exception {
        ViewerBrowserTest.requireBrowserTools();
        if (!Files.isRegularFile(OHIF_DIST.resolve("index.html"))) {
            fail("The OHIF test needs OHIF's prebuilt viewer in " + OHIF_DIST + ": run `bash scripts/install-test-peers`");
        }
        ohif = StaticSite.start(OHIF_DIST);
        redirectUri = ohif.origin() + "/callback";

        // The PACS: the patient's demo studies in Orthanc, for the dicom-web and dicom-dimse sources.
        Path studies = data.resolve(DemoConfigs.STUDIES_DIRECTORY);
        DemoDataset.generate(studies);
        orthanc = OrthancServer.builder().start();
        try (Stream<Path> files = Files.walk(studies.resolve(PATIENT.mrn()))) {
            orthanc.uploadAll(files.filter(f -> f.toString().endsWith(".dcm")).sorted().toList());
        }

        Path apps = data.resolve("apps.json");
        Files.writeString(apps, "[{\"client_id\": \"%s\", \"client_name\": \"OHIF Viewer\", \"redirect_uris\": [\"%s\"]}]"
                .formatted(CLIENT_ID, redirectUri));
        server = DemoServer.start(DemoOptions.parse("--port", "0", "--data", data.toString(), "--apps", apps.toString()), Map.of(
                "pacs", """
                        {"type": "dicom-web", "lookup": "studies-by-mrn", "endpoint": "%s"}""".formatted(orthanc.dicomWebUri()),
                "pacs-dimse", """
                        {"type": "dicom-dimse", "lookup": "studies-by-mrn", "endpoint": "dimse://127.0.0.1:%d", "ae": "%s",
                         "retrieval": "c-get", "cacheDirectory": "dimse-cache"}""".formatted(orthanc.dicomPort(), orthanc.aeTitle())));
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {server, orthanc, ohif}) {
            if (c != null) {
                c.close();
            }
        }
    }

    @Test
    void opensAFolderStudy() throws Exception {
        Opened study = search(DemoServer.EHR_CONFIG_KEY, token(PATIENT));

        JsonNode run = ohif("folder", study.address(), study.uid(), study.token(), "drawn");

        assertThat(sdkRequests(run)).allSatisfy(r -> assertThat(r.path("status").asInt()).isBetween(200, 399));
    }

    @Test
    void opensADicomWebStudy() throws Exception {
        Opened study = search("pacs", token(PATIENT));

        ohif("dicom-web", study.address(), study.uid(), study.token(), "drawn");
    }

    @Test
    void opensADimseStudy() throws Exception {
        Opened study = search("pacs-dimse", token(PATIENT));
        // OHIF does not retry a 503: let the SDK retrieve the study over DIMSE first (503 + Retry-After meanwhile).
        awaitRetrieved(study);

        ohif("dicom-dimse", study.address(), study.uid(), study.token(), "drawn");
    }

    @Test
    void anotherPatientsTokenDrawsNothing() throws Exception {
        Opened study = search(DemoServer.EHR_CONFIG_KEY, token(PATIENT));

        ohif("refused-other-patient", study.address(), study.uid(), token(DemoPatients.ANA_GARCIA), "refused");
    }

    @Test
    void anExpiredTokenDrawsNothing() throws Exception {
        Opened study = search(DemoServer.EHR_CONFIG_KEY, token(PATIENT));
        HttpResponse<String> expired = HTTP.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + DemoServer.EHR_PATH
                        + "/auth/admin/tokens"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("action=expire&token=" + URLEncoder.encode(study.token(), StandardCharsets.UTF_8)))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(expired.body()).isEqualTo("{\"affected\":1}");
        // The SDK caches an introspection answer briefly (the demo's introspectionCacheSeconds: 5), so
        // an expiry at the EHR reaches it within that window: wait for it, then let OHIF try.
        awaitRefusedBySdk(study);

        ohif("refused-expired", study.address(), study.uid(), study.token(), "refused");
    }

    @Test
    void aTamperedCapabilityDrawsNothing() throws Exception {
        Opened study = search(DemoServer.EHR_CONFIG_KEY, token(PATIENT));
        String address = study.address();
        int last = address.length() - 3;
        String tampered = address.substring(0, last) + (address.charAt(last) == 'A' ? 'B' : 'A') + address.substring(last + 1);

        ohif("refused-tampered", tampered, study.uid(), study.token(), "refused");
    }

    // ---------------------------------------------------------------- helpers

    record Opened(String address, String uid, String token) {}

    static String token(DemoPatient patient) throws Exception {
        return SmartLaunch.accessToken(server, CLIENT_ID, redirectUri, patient);
    }

    /** The patient's MR study from an ImagingStudy search at config {@code key}: its Endpoint address. */
    private static void awaitRefusedBySdk(Opened study) throws Exception {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
        int status;
        do {
            Thread.sleep(250);
            status = HTTP.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/" + DemoServer.EHR_CONFIG_KEY
                            + "/fhir/ImagingStudy?patient=" + PATIENT.fhirId()))
                    .header("Authorization", "Bearer " + study.token()).build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } while (status != 401 && System.nanoTime() < deadline);
        assertThat(status).as("the SDK refuses the token once its introspection cache lets the EHR's expiry through")
                .isEqualTo(401);
    }

    static Opened search(String key, String token) throws Exception {
        HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/" + key
                        + "/fhir/ImagingStudy?patient=" + PATIENT.fhirId()))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        JsonNode bundle = JSON.readTree(answer.body());
        for (JsonNode entry : bundle.path("entry")) {
            JsonNode study = entry.path("resource");
            if (study.path("modality").toString().contains("\"MR\"") || study.path("series").toString().contains("\"MR\"")) {
                String uid = study.path("identifier").get(0).path("value").asText().replace("urn:oid:", "");
                List<String> addresses = Bodies.endpointAddresses(study);
                assertThat(addresses).as("the study's Endpoint").hasSize(1);
                return new Opened(addresses.get(0), uid, token);
            }
        }
        throw new AssertionError("no MR study in " + answer.body());
    }

    static void awaitRetrieved(Opened study) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        int status;
        do {
            status = HTTP.send(HttpRequest.newBuilder(URI.create(study.address() + "/studies/" + study.uid() + "/metadata"))
                    .header("Authorization", "Bearer " + study.token()).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
            if (status == 503) {
                Thread.sleep(500);
            }
        } while (status == 503 && System.nanoTime() < deadline);
        assertThat(status).as("metadata of the DIMSE study once retrieved").isEqualTo(200);
    }

    /** OHIF's app-config.js: one DICOMweb data source whose QIDO and WADO roots are the Endpoint address. */
    static String appConfig(String address) {
        return """
                window.config = {
                  routerBasename: '/',
                  extensions: [],
                  modes: [],
                  showStudyList: false,
                  investigationalUseDialog: { option: 'never' },
                  maxNumberOfWebWorkers: 2,
                  showLoadingIndicator: true,
                  showWarningMessageForCrossOrigin: false,
                  showCPUFallbackMessage: false,
                  defaultDataSourceName: 'smart-imaging',
                  dataSources: [{
                    namespace: '@ohif/extension-default.dataSourcesModule.dicomweb',
                    sourceName: 'smart-imaging',
                    configuration: {
                      friendlyName: 'SMART Imaging',
                      name: 'smart-imaging',
                      qidoRoot: '%1$s',
                      wadoRoot: '%1$s',
                      wadoUriRoot: '%1$s',
                      imageRendering: 'wadors',
                      thumbnailRendering: 'wadors',
                      qidoSupportsIncludeField: false,
                      supportsFuzzyMatching: false,
                      supportsWildcard: false,
                      enableStudyLazyLoad: true,
                      staticWado: false,
                      singlepart: false,
                      omitQuotationForMultipartRequest: true,
                      bulkDataURI: { enabled: true },
                    },
                  }],
                };
                """.formatted(address);
    }

    /** Serves the app-config, opens {@code /viewer?StudyInstanceUIDs=...&token=...} and checks the expectation. */
    static JsonNode ohif(String name, String address, String studyUid, String token, String expect) throws Exception {
        ohif.put("/app-config.js", appConfig(address));
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("url", ohif.origin() + "/viewer?StudyInstanceUIDs=" + studyUid + "&token=" + URLEncoder.encode(token, StandardCharsets.UTF_8));
        URI sdk = URI.create(address);
        config.put("sdkOrigin", sdk.getScheme() + "://" + sdk.getRawAuthority());
        config.put("expect", expect);
        config.put("outDir", OUT.toString());
        config.put("name", "ohif-" + name);
        config.put("profileDir", PROFILE.toString());
        NodeScript.Result result = NodeScript.run("ohif-test.mjs", config, 150);
        Files.createDirectories(OUT);
        Files.writeString(OUT.resolve("ohif-" + name + ".log"), result.stdout() + "\n" + result.stderr());
        System.out.printf("OHIF %s: %d ms, %s%n", name, result.millis(), JSON.readTree(result.lastJsonLine()).path("millis"));
        assertThat(result.exitCode()).as("OHIF %s: %s%n%s", name, result.stderr(), result.stdout()).isZero();
        JsonNode run = JSON.readTree(result.lastJsonLine());
        assertThat(sdkRequests(run)).as("OHIF %s asked the SDK something", name).isNotEmpty();
        if (expect.equals("drawn")) {
            assertThat(sdkRequests(run)).as("OHIF %s fetched frames", name)
                    .anySatisfy(r -> assertThat(r.path("url").asText()).contains("/frames/1"))
                    .allSatisfy(r -> assertThat(r.path("status").asInt()).as(r.toString()).isBetween(200, 399));
        }
        return run;
    }

    static List<JsonNode> sdkRequests(JsonNode run) {
        return Stream.of(run.path("requests")).flatMap(a -> {
            List<JsonNode> list = new java.util.ArrayList<>();
            a.forEach(list::add);
            return list.stream();
        }).toList();
    }
}
