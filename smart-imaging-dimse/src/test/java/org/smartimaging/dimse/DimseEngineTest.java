package org.smartimaging.dimse;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smartimaging.engine.ImagingEngine;
import org.smartimaging.engine.ImagingRequest;
import org.smartimaging.engine.ImagingResponse;
import org.smartimaging.engine.ServerOptions;
import org.smartimaging.testing.Bodies;
import org.smartimaging.testing.Multipart;
import org.smartimaging.testing.TestStudies;

/** The 503 flow end to end through the engine: search, then a retrieval answering 503 + Retry-After, then 200. */
class DimseEngineTest {

    static final String BASE = "http://localhost/api";
    static final String PATIENT = """
            {"resourceType": "Patient", "id": "pat-1",
             "identifier": [{"type": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v2-0203", "code": "MR"}]},
                             "system": "urn:mrn", "value": "MRN-E"}]}""";

    @TempDir
    static Path dir;
    static Dcmqrscp pacs;
    static ImagingEngine engine;
    static TestStudies.Study study;

    record Answer(int status, Map<String, String> headers, String contentType, byte[] body) {
        JsonNode json() throws Exception {
            return new ObjectMapper().readTree(body);
        }
    }

    @BeforeAll
    static void start() {
        pacs = new Dcmqrscp(dir.resolve("pacs"), Map.of());
        study = TestStudies.write(dir.resolve("data"), "MRN-E", "CT", 2, 5, 32);
        pacs.store(study.files());
        String images = """
                {"type": "dicom-dimse", "lookup": "studies-by-mrn", "endpoint": "dimse://127.0.0.1:%d", "ae": "PACS",
                 "retrieval": "c-get", "//storePort": 11113}""".formatted(pacs.port());
        engine = new ImagingEngine(ServerOptions.builder()
                .dataDirectory(dir)
                .studyTokenKey("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII))
                .builtInConfig("open-dimse", "{\"authorization\": {\"type\": \"mock\", \"patient\": " + PATIENT + "}, \"images\": "
                        + images + "}")
                .build());
    }

    @AfterAll
    static void stop() {
        engine.close();
        pacs.close();
    }

    static Answer get(String path, String accept) {
        Map<String, List<String>> query = Map.of();
        int q = path.indexOf('?');
        if (q >= 0) {
            String[] kv = path.substring(q + 1).split("=", 2);
            query = Map.of(kv[0], List.of(kv[1]));
            path = path.substring(0, q);
        }
        ImagingResponse response = engine.handle(ImagingRequest.get(path, query,
                accept == null ? Map.of("Authorization", "Bearer t") : Map.of("Authorization", "Bearer t", "Accept", accept), BASE));
        return new Answer(response.status(), response.headers(), response.body().contentType(), Bodies.read(response.body()));
    }

    @Test
    void searchThen503WithRetryAfterThen200WithEveryInstance() throws Exception {
        Answer search = get("/open-dimse/fhir/ImagingStudy?patient=pat-1", null);
        assertThat(search.status()).isEqualTo(200);
        JsonNode resource = search.json().path("entry").get(0).path("resource");
        assertThat(resource.path("numberOfInstances").asInt()).isEqualTo(10);
        assertThat(resource.path("numberOfSeries").asInt()).isEqualTo(2);
        String wado = resource.path("contained").get(0).path("address").asText();
        String studyPath = URI.create(wado).getPath().substring(URI.create(BASE).getPath().length())
                + "/studies/" + study.studyInstanceUid();

        Answer first = get(studyPath, "multipart/related; type=\"application/dicom\"");
        assertThat(first.status()).isEqualTo(503);
        assertThat(first.headers().get("Retry-After")).matches("[1-9][0-9]*");

        List<Integer> statuses = new ArrayList<>();
        Answer answer = first;
        for (int i = 0; i < 100 && answer.status() == 503; i++) {
            Thread.sleep(Math.min(200, 1000L * Long.parseLong(answer.headers().get("Retry-After"))));
            answer = get(studyPath, "multipart/related; type=\"application/dicom\"");
            statuses.add(answer.status());
        }
        assertThat(answer.status()).as("statuses %s", statuses).isEqualTo(200);
        List<byte[]> parts = Multipart.parts(answer.contentType(), answer.body());
        assertThat(parts).hasSize(10);
        assertThat(answer.headers().get("ETag")).isNotNull();
        assertThat(answer.headers().get("Cache-Control")).startsWith("private, max-age=");

        Answer metadata = get(studyPath + "/metadata", "application/dicom+json");
        assertThat(metadata.status()).isEqualTo(200);
        assertThat(metadata.json()).hasSize(10);
    }

    @Test
    void qidoUnderTheWadoBaseAnswersFromCFindWithinTheCapability() throws Exception {
        JsonNode resource = get("/open-dimse/fhir/ImagingStudy?patient=pat-1", null).json().path("entry").get(0).path("resource");
        String base = URI.create(resource.path("contained").get(0).path("address").asText()).getPath()
                .substring(URI.create(BASE).getPath().length());

        Answer studies = get(base + "/studies?StudyInstanceUID=" + study.studyInstanceUid(), "application/dicom+json");
        Answer series = get(base + "/studies/" + study.studyInstanceUid() + "/series", "application/dicom+json");
        Answer instances = get(base + "/studies/" + study.studyInstanceUid() + "/series/" + study.seriesInstanceUids().get(1)
                + "/instances", "application/dicom+json");
        Answer otherPatient = get(base + "/studies?PatientID=MRN-OTHER", "application/dicom+json");

        assertThat(studies.status()).isEqualTo(200);
        assertThat(studies.json()).hasSize(1);
        assertThat(studies.json().get(0).path("00201208").path("Value").get(0).asInt()).isEqualTo(10);
        assertThat(series.json()).hasSize(2);
        assertThat(series.json().get(0).path("00201209").path("Value").get(0).asInt()).isEqualTo(5);
        List<String> sops = new ArrayList<>();
        instances.json().forEach(i -> sops.add(i.path("00080018").path("Value").get(0).asText()));
        assertThat(sops).containsExactlyElementsOf(study.sopInstanceUids().subList(5, 10));
        assertThat(otherPatient.status()).isEqualTo(200);
        assertThat(otherPatient.json()).isEmpty();
    }
}
