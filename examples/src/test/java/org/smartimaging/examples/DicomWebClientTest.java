package org.smartimaging.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smartimaging.engine.ImagingEngine;
import org.smartimaging.engine.ServerOptions;
import org.smartimaging.testing.OrthancServer;
import org.smartimaging.testing.TestStudies;

/**
 * dicomweb-client 0.10.4, the DICOMweb library inside OHIF 3.13, asks the SDK exactly what OHIF
 * asks to open a study (QIDO-RS study, series, the patient's other studies, instances; WADO-RS
 * series metadata and a rendering), against the folder source and against Orthanc through the
 * dicom-web source. Fails, never skips, without Node and {@code npm ci --prefix examples/src/test/dicomweb-client}.
 */
class DicomWebClientTest {

    static final Path CLIENT_DIR = Path.of("src/test/dicomweb-client").toAbsolutePath();
    static final String NPM_INSTALL = "npm ci --prefix examples/src/test/dicomweb-client";
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final String PATIENT_A = """
            {"resourceType": "Patient", "id": "pat-a",
             "identifier": [{"type": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v2-0203", "code": "MR"}]},
                             "system": "urn:mrn", "value": "MRN-A"}]}""";

    @TempDir
    static Path data;
    static OrthancServer orthanc;
    static ImagingEngine engine;
    static ServletOnJetty servlet;
    static String base;
    static TestStudies.Study a1;
    static TestStudies.Study b;

    @BeforeAll
    static void start() throws Exception {
        if (!Files.isDirectory(CLIENT_DIR.resolve("node_modules/dicomweb-client"))) {
            fail("dicomweb-client is not installed: run from the repository root `" + NPM_INSTALL + "` (Node 18+)");
        }
        Path studies = data.resolve("studies");
        a1 = TestStudies.write(studies, "MRN-A", "CT", 2, 3, 16);
        TestStudies.Study a2 = TestStudies.write(studies, "MRN-A", "MR", 1, 2, 16);
        b = TestStudies.write(studies, "MRN-B", "CT", 1, 2, 16);
        orthanc = OrthancServer.builder().start();
        for (TestStudies.Study study : List.of(a1, a2, b)) {
            orthanc.uploadAll(study.files());
        }
        String authorization = "\"authorization\": {\"type\": \"mock\", \"patient\": " + PATIENT_A + "}";
        engine = new ImagingEngine(ServerOptions.builder().dataDirectory(data).randomStudyTokenKey()
                .builtInConfig("folder", "{" + authorization + ", \"images\": {\"type\": \"folder\", \"directory\": \"studies\","
                        + " \"lookup\": \"studies-by-mrn\"}}")
                .builtInConfig("pacs", "{" + authorization + ", \"images\": {\"type\": \"dicom-web\", \"endpoint\": \""
                        + orthanc.dicomWebUri() + "\", \"lookup\": \"studies-by-mrn\"}}")
                .build());
        servlet = new ServletOnJetty(engine, "/api");
        base = servlet.mountUrl();
    }

    @AfterAll
    static void stop() throws Exception {
        if (servlet != null) {
            servlet.close();
        }
        if (orthanc != null) {
            orthanc.close();
        }
    }

    @Test
    void opensAStudyTheWayOhifDoesFromTheFolderSource() throws Exception {
        assertOpensStudyA1("folder");
    }

    @Test
    void opensAStudyTheWayOhifDoesFromOrthancThroughTheDicomWebSource() throws Exception {
        assertOpensStudyA1("pacs");
    }

    private static void assertOpensStudyA1(String config) throws Exception {
        String address = endpointAddress(config, a1.studyInstanceUid());

        JsonNode out = runClient(address, "any-token", a1.studyInstanceUid(), b.studyInstanceUid());

        assertThat(texts(out.path("studies"))).containsExactly(a1.studyInstanceUid());
        assertThat(out.path("patientId").asText()).isEqualTo("MRN-A");
        assertThat(texts(out.path("modalities"))).containsExactly("CT");
        assertThat(texts(out.path("series"))).containsExactlyInAnyOrderElementsOf(a1.seriesInstanceUids());
        assertThat(texts(out.path("seriesCounts"))).containsExactly("3", "3");
        // the same patient's other study (A2) is not in this capability: only A1 is listed
        assertThat(texts(out.path("patientStudies"))).containsExactly(a1.studyInstanceUid());
        assertThat(texts(out.path("wildcard"))).containsExactly(a1.studyInstanceUid());
        assertThat(texts(out.path("uidList"))).containsExactly(a1.studyInstanceUid());
        String firstSeries = out.path("series").get(0).asText();
        int first = a1.seriesInstanceUids().indexOf(firstSeries);
        assertThat(texts(out.path("instances"))).containsExactlyInAnyOrderElementsOf(a1.sopInstanceUids().subList(3 * first, 3 * first + 3));
        assertThat(out.path("studyInstances").asInt()).isEqualTo(6);
        assertThat(texts(out.path("metadata"))).containsExactlyInAnyOrderElementsOf(texts(out.path("instances")));
        assertThat(out.path("renderedBytes").asInt()).isPositive();
        assertThat(out.path("foreignSeries").asInt()).isEqualTo(403);
        assertThat(out.path("noToken").asInt()).isEqualTo(401);
    }

    private static String endpointAddress(String config, String studyUid) throws IOException, InterruptedException {
        HttpResponse<String> search = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/" + config + "/fhir/ImagingStudy?patient=pat-a"))
                .header("Authorization", "Bearer any-token").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(search.statusCode()).as(search.body()).isEqualTo(200);
        for (JsonNode entry : JSON.readTree(search.body()).path("entry")) {
            JsonNode study = entry.path("resource");
            if (study.path("id").asText().equals(studyUid)) {
                return study.path("contained").get(0).path("address").asText();
            }
        }
        throw new AssertionError("Study " + studyUid + " not in the search: " + search.body());
    }

    private static JsonNode runClient(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("node", "qido-client.mjs"));
        command.addAll(List.of(args));
        Process process;
        try {
            process = new ProcessBuilder(command).directory(CLIENT_DIR.toFile()).redirectErrorStream(true).start();
        } catch (IOException e) {
            return fail("Cannot run node (Node.js 18 or later must be on the PATH): " + e.getMessage());
        }
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("dicomweb-client did not finish within 60 s");
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(process.exitValue()).as(output).isZero();
        String[] lines = output.split("\n");
        return JSON.readTree(lines[lines.length - 1]);
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(node -> texts.add(node.asText()));
        return texts;
    }
}
