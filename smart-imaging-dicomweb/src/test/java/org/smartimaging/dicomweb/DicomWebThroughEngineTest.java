package org.smartimaging.dicomweb;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smartimaging.engine.ImagingEngine;
import org.smartimaging.engine.ImagingRequest;
import org.smartimaging.engine.ImagingResponse;
import org.smartimaging.engine.ServerOptions;
import org.smartimaging.testing.Bodies;
import org.smartimaging.testing.DcmtkStudyWriter.Study;
import org.smartimaging.testing.DcmtkStudyWriter;
import org.smartimaging.testing.Multipart;
import org.smartimaging.testing.OrthancServer;

/** A vendor's whole integration: a config file naming the PACS, and the engine answers FHIR and WADO-RS. */
class DicomWebThroughEngineTest {

    static final String BASE = "https://localhost/api";
    static final Study STUDY = Study.small("1.2.826.0.1.3680043.10.1004.1", "MRN-E", 2, 2);

    @TempDir
    Path files;

    @Test
    void servesImagingStudiesAndTheirInstancesFromOrthancWithAConfigFileAlone() throws IOException {
        try (OrthancServer orthanc = OrthancServer.builder().basicAuth("sdk", "engine-Secret").start()) {
            orthanc.uploadAll(DcmtkStudyWriter.write(STUDY, files.resolve("study")));
            String config = """
                    {"authorization": {"type": "mock", "disableAuthzChecks": true},
                     "images": {"type": "dicom-web", "lookup": "studies-by-mrn", "endpoint": "%s",
                                "authentication": {"type": "http-basic", "username": "sdk", "password": "engine-Secret"}}}
                    """.formatted(orthanc.dicomWebUri());
            // mock with checks off: the patient is named by its MRN
            try (ImagingEngine engine = new ImagingEngine(ServerOptions.builder()
                    .builtInConfig("pacs", config)
                    .dataDirectory(files)
                    .randomStudyTokenKey()
                    .build())) {
                ImagingResponse search = engine.handle(ImagingRequest.get("/pacs/fhir/ImagingStudy",
                        Map.of("patient", List.of("MRN-E")), Map.of("Authorization", "Bearer any"), BASE));
                String bundleText = new String(Bodies.read(search.body()), java.nio.charset.StandardCharsets.UTF_8);
                assertThat(search.status()).as(bundleText).isEqualTo(200);
                JsonNode bundle = Sources.JSON.readTree(bundleText);
                assertThat(bundle.path("entry")).hasSize(1);
                JsonNode study = bundle.path("entry").get(0).path("resource");
                assertThat(study.path("identifier").get(0).path("value").asText())
                        .isEqualTo("urn:oid:" + STUDY.studyUid());
                assertThat(study.path("numberOfSeries").asInt()).isEqualTo(2);
                assertThat(study.path("numberOfInstances").asInt()).isEqualTo(4);

                String address = Bodies.endpointAddresses(bundle).get(0);
                assertThat(address).startsWith(BASE + "/pacs/wado/");
                ImagingResponse wado = engine.handle(ImagingRequest.get(
                        address.substring(BASE.length()) + "/studies/" + STUDY.studyUid(), Map.of(),
                        Map.of("Authorization", "Bearer any"), BASE));
                assertThat(wado.status()).isEqualTo(200);
                byte[] viaEngine = Bodies.read(wado.body());
                HttpResponse<byte[]> direct = orthanc.get("/dicom-web/studies/" + STUDY.studyUid(),
                        DicomWebSource.ACCEPT_INSTANCES);
                assertThat(Multipart.parts(wado.body().contentType(), viaEngine))
                        .hasSize(4)
                        .containsExactlyElementsOf(Multipart.parts(
                                direct.headers().firstValue("Content-Type").orElseThrow(), direct.body()));
            }
        }
    }
}
