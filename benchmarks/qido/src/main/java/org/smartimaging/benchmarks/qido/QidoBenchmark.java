package org.smartimaging.benchmarks.qido;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.smartimaging.engine.ImagingEngine;
import org.smartimaging.engine.ServerOptions;
import org.smartimaging.servlet.SmartImagingServlet;
import org.smartimaging.testing.OrthancServer;
import org.smartimaging.testing.TestStudies;

/**
 * QIDO-RS latency and throughput through the whole SDK (engine + servlet on Jetty 12) against the
 * same Orthanc answering the same requests directly, in one run: the two requests OHIF 3.13 makes
 * to open a study (study level by StudyInstanceUID, then the study's series), through the
 * {@code dicom-web} source (Orthanc behind the SDK) and through the {@code folder} source (the same
 * files on disk).
 *
 * <p>Arguments: iterations per leg (default 200), concurrent clients for the throughput part
 * (default 8), series and instances per series of the study OHIF opens (default 4 x 25).
 */
public final class QidoBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MRN = "MRN-BENCH";
    private static final String PATIENT = """
            {"resourceType": "Patient", "id": "pat-bench",
             "identifier": [{"type": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v2-0203", "code": "MR"}]},
                             "system": "urn:mrn", "value": "%s"}]}""".formatted(MRN);
    private static final String STUDY_FIELDS = "includefield=00081030%2C00080060";
    private static final String SERIES_FIELDS = "includefield=0008103E%2C00080060%2C0020000E%2C00200011%2C00080021%2C00080031";
    private static final int OTHER_STUDIES = 30;

    /** One request asked three ways. */
    record Leg(String name, URI uri, String authorization) {}

    public static void main(String[] args) throws Exception {
        int iterations = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        int concurrency = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        int series = args.length > 2 ? Integer.parseInt(args[2]) : 4;
        int instances = args.length > 3 ? Integer.parseInt(args[3]) : 25;

        Path work = Files.createTempDirectory("qido-bench-");
        try (OrthancServer orthanc = OrthancServer.builder().start()) {
            long t0 = System.nanoTime();
            Path studies = work.resolve("studies");
            TestStudies.Study study = TestStudies.write(studies, MRN, "CT", series, instances, 64);
            orthanc.uploadAll(study.files());
            for (int i = 0; i < OTHER_STUDIES; i++) { // other patients, so neither side answers from a near-empty index
                orthanc.uploadAll(TestStudies.write(studies, "MRN-OTHER-" + i, "MR", 2, 3, 16).files());
            }
            System.out.printf(Locale.ROOT, "Data: the opened study has %d series x %d instances; %d other studies; loaded in %.1f s%n",
                    series, instances, OTHER_STUDIES, (System.nanoTime() - t0) / 1e9);

            String authorization = "\"authorization\": {\"type\": \"mock\", \"patient\": " + PATIENT + "}";
            try (ImagingEngine engine = new ImagingEngine(ServerOptions.builder().dataDirectory(work).randomStudyTokenKey()
                    .builtInConfig("pacs", "{" + authorization + ", \"images\": {\"type\": \"dicom-web\", \"endpoint\": \""
                            + orthanc.dicomWebUri() + "\", \"lookup\": \"studies-by-mrn\"}}")
                    .builtInConfig("folder", "{" + authorization + ", \"images\": {\"type\": \"folder\", \"directory\": \"studies\","
                            + " \"lookup\": \"studies-by-mrn\"}}")
                    .build())) {
                Server jetty = new Server(new InetSocketAddress("127.0.0.1", 0));
                ServletContextHandler context = new ServletContextHandler();
                context.setContextPath("/");
                context.addServlet(new ServletHolder(new SmartImagingServlet(engine)), "/api/*");
                jetty.setHandler(context);
                jetty.start();
                try {
                    URI sdk = URI.create("http://127.0.0.1:" + ((ServerConnector) jetty.getConnectors()[0]).getLocalPort() + "/api");
                    run(orthanc, sdk, study.studyInstanceUid(), iterations, concurrency);
                } finally {
                    jetty.stop();
                }
            }
        } finally {
            try (Stream<Path> paths = Files.walk(work)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static void run(OrthancServer orthanc, URI sdk, String studyUid, int iterations, int concurrency) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        Map<String, String> bases = new LinkedHashMap<>();
        for (String config : List.of("pacs", "folder")) {
            bases.put(config, wadoBase(http, sdk + "/" + config + "/fhir/ImagingStudy?patient=pat-bench", studyUid));
        }
        Map<String, List<Leg>> requests = new LinkedHashMap<>();
        requests.put("study level (OHIF: /studies?StudyInstanceUID=...)",
                legs(orthanc, bases, "/studies?StudyInstanceUID=" + studyUid + "&limit=101&offset=0&fuzzymatching=false&" + STUDY_FIELDS));
        requests.put("series level (OHIF: /studies/{S}/series)",
                legs(orthanc, bases, "/studies/" + studyUid + "/series?" + SERIES_FIELDS));

        System.out.printf(Locale.ROOT, "Client: in-JVM java.net.http.HttpClient, HTTP/1.1; %d sequential requests per leg, then %d "
                + "concurrent clients; load average before: %s%n", iterations, concurrency, loadAverage());
        for (Map.Entry<String, List<Leg>> request : requests.entrySet()) {
            System.out.println();
            System.out.println(request.getKey());
            List<Leg> legs = request.getValue();
            int directMatches = -1;
            for (Leg leg : legs) {
                int matches = matches(http, leg);
                if (directMatches < 0) {
                    directMatches = matches;
                } else if (matches != directMatches) {
                    throw new IllegalStateException(leg.name() + " answered " + matches + " matches, Orthanc " + directMatches);
                }
                for (int i = 0; i < 20; i++) { // warm-up: JIT, connections, caches
                    time(http, leg);
                }
            }
            Map<Leg, List<Double>> latencies = new LinkedHashMap<>();
            legs.forEach(leg -> latencies.put(leg, new ArrayList<>()));
            for (int i = 0; i < iterations; i++) {
                List<Leg> order = new ArrayList<>(legs);
                Collections.rotate(order, i % legs.size()); // no leg always first
                for (Leg leg : order) {
                    latencies.get(leg).add(time(http, leg));
                }
            }
            double directMedian = percentile(latencies.get(legs.get(0)), 50);
            double directThroughput = 0;
            System.out.printf(Locale.ROOT, "  %-22s %9s %9s %10s %11s %10s%n", "leg", "median ms", "p90 ms", "x direct",
                    "req/s (" + concurrency + ")", "x direct");
            for (Leg leg : legs) {
                double throughput = throughput(http, leg, concurrency, iterations);
                if (leg == legs.get(0)) {
                    directThroughput = throughput;
                }
                double median = percentile(latencies.get(leg), 50);
                System.out.printf(Locale.ROOT, "  %-22s %9.2f %9.2f %9.2fx %11.0f %9.2fx%n", leg.name(), median,
                        percentile(latencies.get(leg), 90), median / directMedian, throughput, throughput / directThroughput);
            }
            System.out.printf(Locale.ROOT, "  (%d matches each)%n", directMatches);
        }
        System.out.printf(Locale.ROOT, "%nLoad average after: %s%n", loadAverage());
    }

    private static List<Leg> legs(OrthancServer orthanc, Map<String, String> bases, String pathAndQuery) {
        return List.of(new Leg("Orthanc direct", URI.create(orthanc.dicomWebUri() + pathAndQuery), null),
                new Leg("SDK dicom-web->Orthanc", URI.create(bases.get("pacs") + pathAndQuery), "Bearer bench"),
                new Leg("SDK folder", URI.create(bases.get("folder") + pathAndQuery), "Bearer bench"));
    }

    private static String wadoBase(HttpClient http, String searchUrl, String studyUid) throws Exception {
        HttpResponse<String> search = http.send(HttpRequest.newBuilder(URI.create(searchUrl)).header("Authorization", "Bearer bench")
                .build(), HttpResponse.BodyHandlers.ofString());
        if (search.statusCode() != 200) {
            throw new IllegalStateException("SDK search failed: " + search.statusCode() + " " + search.body());
        }
        for (JsonNode entry : JSON.readTree(search.body()).path("entry")) {
            if (entry.path("resource").path("id").asText().equals(studyUid)) {
                return entry.path("resource").path("contained").get(0).path("address").asText();
            }
        }
        throw new IllegalStateException("The search did not return the study: " + search.body());
    }

    private static HttpRequest request(Leg leg) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(leg.uri()).header("Accept", "application/dicom+json");
        if (leg.authorization() != null) {
            builder.header("Authorization", leg.authorization());
        }
        return builder.build();
    }

    private static int matches(HttpClient http, Leg leg) throws Exception {
        HttpResponse<byte[]> response = http.send(request(leg), HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(leg.name() + " answered " + response.statusCode() + ": " + new String(response.body()));
        }
        return JSON.readTree(response.body()).size();
    }

    /** Milliseconds for one request, body read in full. */
    private static double time(HttpClient http, Leg leg) throws Exception {
        long start = System.nanoTime();
        HttpResponse<byte[]> response = http.send(request(leg), HttpResponse.BodyHandlers.ofByteArray());
        double ms = (System.nanoTime() - start) / 1e6;
        if (response.statusCode() != 200) {
            throw new IllegalStateException(leg.name() + " answered " + response.statusCode());
        }
        return ms;
    }

    /** Requests per second with {@code clients} concurrent clients sharing {@code total} requests. */
    private static double throughput(HttpClient http, Leg leg, int clients, int total) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        AtomicInteger remaining = new AtomicInteger(total);
        try {
            long start = System.nanoTime();
            List<Future<?>> running = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                running.add(pool.submit(() -> {
                    while (remaining.getAndDecrement() > 0) {
                        time(http, leg);
                    }
                    return null;
                }));
            }
            for (Future<?> future : running) {
                future.get();
            }
            return total / ((System.nanoTime() - start) / 1e9);
        } finally {
            pool.shutdownNow();
        }
    }

    private static double percentile(List<Double> values, int percent) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(percent / 100.0 * sorted.size()) - 1));
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).strip();
        } catch (Exception e) {
            return "unknown";
        }
    }
}
