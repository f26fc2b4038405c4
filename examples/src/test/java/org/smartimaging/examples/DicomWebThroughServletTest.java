package org.smartimaging.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smartimaging.engine.ImagingEngine;
import org.smartimaging.engine.ServerOptions;
import org.smartimaging.testing.DcmtkStudyWriter;
import org.smartimaging.testing.DcmtkStudyWriter.Study;
import org.smartimaging.testing.Multipart;
import org.smartimaging.testing.OrthancServer;

/**
 * The {@code dicom-web} source behind the servlet's non-blocking output, against a real Orthanc:
 * what the client receives is exactly what Orthanc answers directly, part for part.
 */
class DicomWebThroughServletTest {

    static final Study STUDY = Study.small("1.2.826.0.1.3680043.10.1002.1", "MRN-SERVLET", 2, 3);
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    static Path files;
    static OrthancServer orthanc;
    static ImagingEngine engine;
    static ServletOnJetty servlet;
    static String base;

    @BeforeAll
    static void start() throws Exception {
        orthanc = OrthancServer.builder().basicAuth("sdk", "pacs-Secret-42").start();
        orthanc.uploadAll(DcmtkStudyWriter.write(STUDY, files.resolve("study")));
        engine = new ImagingEngine(ServerOptions.builder().dataDirectory(files).randomStudyTokenKey()
                .builtInConfig("pacs", """
                        {"authorization": {"type": "mock", "disableAuthzChecks": true},
                         "images": {"type": "dicom-web", "lookup": "all-studies-on-server", "endpoint": "%s",
                                    "authentication": {"type": "http-basic", "username": "sdk", "password": "pacs-Secret-42"}}}"""
                        .formatted(orthanc.dicomWebUri()))
                .build());
        servlet = new ServletOnJetty(engine, "/imaging");
        base = servlet.mountUrl() + "/pacs";
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
    void aStudyThroughTheServletIsOrthancsAnswerPartForPart() throws Exception {
        String accept = "multipart/related; type=\"application/dicom\"";
        HttpResponse<byte[]> proxied = get(wadoBase() + "/studies/" + STUDY.studyUid(), accept);
        HttpResponse<byte[]> direct = orthanc.get("/dicom-web/studies/" + STUDY.studyUid(), accept);

        assertThat(proxied.statusCode()).isEqualTo(200);
        List<byte[]> parts = Multipart.parts(proxied.headers().firstValue("Content-Type").orElseThrow(), proxied.body());
        List<byte[]> expected = Multipart.parts(direct.headers().firstValue("Content-Type").orElseThrow(), direct.body());
        assertThat(parts).hasSize(6).usingElementComparator(java.util.Arrays::compare).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void metadataThroughTheServletIsOrthancsJson() throws Exception {
        HttpResponse<byte[]> proxied = get(wadoBase() + "/studies/" + STUDY.studyUid() + "/metadata", "application/dicom+json");

        assertThat(proxied.statusCode()).isEqualTo(200);
        assertThat(new ObjectMapper().readTree(proxied.body())).hasSize(6);
    }

    private static String wadoBase() throws Exception {
        JsonNode bundle = new ObjectMapper().readTree(get(base + "/fhir/ImagingStudy", "application/fhir+json").body());
        return bundle.path("entry").get(0).path("resource").path("contained").get(0).path("address").asText();
    }

    private static HttpResponse<byte[]> get(String url, String accept) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("Accept", accept).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }
}
