package org.smartimaging.benchmarks.frames;

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
import java.util.Arrays;
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
import org.smartimaging.testing.Multipart;
import org.smartimaging.testing.OrthancServer;
import org.smartimaging.testing.PixelFixtures;
import org.smartimaging.testing.PixelFixtures.Image;

/**
 * WADO-RS frames through the whole SDK (engine + servlet on Jetty 12) against the same Orthanc
 * answering the same requests directly, in one run, as OHIF asks them
 * ({@code .../frames/{n}}, {@code Accept: multipart/related; type=application/octet-stream; transfer-syntax=*}):
 * one request at a time (latency) and 8 in flight (throughput), for native multi-frame instances and
 * for the same frames JPEG-lossless encapsulated, through the {@code dicom-web} source (Orthanc
 * behind the SDK) and the {@code folder} source (the same files on disk).
 *
 * <p>Arguments: requests per leg (default 200), concurrent clients (8), instances (6), frames per
 * instance (8); frames are 512 x 512 x 16 bits.
 */
public final class FramesBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MRN = "MRN-PIXELS";
    private static final String PATIENT = """
            {"resourceType": "Patient", "id": "pat-bench",
             "identifier": [{"type": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v2-0203", "code": "MR"}]},
                             "system": "urn:mrn", "value": "%s"}]}""".formatted(MRN);
    private static final String ACCEPT = "multipart/related; type=\"application/octet-stream\"; transfer-syntax=*";
    private static final String STUDY = "1.2.826.0.1.3680043.10.543.900";

    /** One kind of request asked one way: the frame URLs it cycles through. */
    record Leg(String name, List<URI> uris, String authorization) {}

    public static void main(String[] args) throws Exception {
        int iterations = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        int concurrency = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        int instances = args.length > 2 ? Integer.parseInt(args[2]) : 6;
        int frames = args.length > 3 ? Integer.parseInt(args[3]) : 8;

        Path work = Files.createTempDirectory("frames-bench-");
        try (OrthancServer orthanc = OrthancServer.builder().start()) {
            long t0 = System.nanoTime();
            Path studies = work.resolve("studies");
            Map<String, List<Image>> kinds = new LinkedHashMap<>();
            kinds.put("native (explicit VR LE)", new ArrayList<>());
            kinds.put("JPEG lossless, one fragment per frame", new ArrayList<>());
            List<Path> files = new ArrayList<>();
            for (int i = 0; i < instances; i++) {
                Image plain = new Image(STUDY, STUDY + ".1", STUDY + ".1." + (i + 1), 512, 512, 16, 1);
                Image jpeg = new Image(STUDY, STUDY + ".2", STUDY + ".2." + (i + 1), 512, 512, 16, 1);
                byte[][] pixels = PixelFixtures.frames(plain, frames, i);
                files.add(PixelFixtures.nativeFile(studies.resolve("n" + i + ".dcm"), plain, pixels, "+te"));
                files.add(PixelFixtures.convert("dcmcjpeg", PixelFixtures.nativeFile(work.resolve("tmp/j" + i + ".dcm"), jpeg, pixels, "+te"),
                        studies.resolve("j" + i + ".dcm"), "+e1"));
                kinds.get("native (explicit VR LE)").add(plain);
                kinds.get("JPEG lossless, one fragment per frame").add(jpeg);
            }
            orthanc.uploadAll(files);
            System.out.printf(Locale.ROOT, "Data: %d native + %d JPEG-lossless instances of %d frames of 512 x 512 x 16 bits; loaded in %.1f s%n",
                    instances, instances, frames, (System.nanoTime() - t0) / 1e9);

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
                    run(orthanc, sdk, kinds, frames, iterations, concurrency);
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

    private static void run(OrthancServer orthanc, URI sdk, Map<String, List<Image>> kinds, int frames, int iterations,
            int concurrency) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        Map<String, String> bases = new LinkedHashMap<>();
        bases.put("direct", orthanc.dicomWebUri().toString());
        for (String config : List.of("pacs", "folder")) {
            bases.put(config, wadoBase(http, sdk + "/" + config + "/fhir/ImagingStudy?patient=pat-bench"));
        }
        System.out.printf(Locale.ROOT, "Client: in-JVM java.net.http.HttpClient, HTTP/1.1; %d sequential requests per leg, then %d "
                + "concurrent clients; load average before: %s%n", iterations, concurrency, loadAverage());
        for (Map.Entry<String, List<Image>> kind : kinds.entrySet()) {
            List<Leg> legs = List.of(leg("Orthanc direct", bases.get("direct"), kind.getValue(), frames, null),
                    leg("SDK dicom-web->Orthanc", bases.get("pacs"), kind.getValue(), frames, "Bearer bench"),
                    leg("SDK folder", bases.get("folder"), kind.getValue(), frames, "Bearer bench"));
            System.out.println();
            System.out.println(kind.getKey() + ": one frame per request");
            byte[] directFrame = null;
            for (Leg leg : legs) {
                byte[] frame = firstPart(http, leg);
                if (directFrame == null) {
                    directFrame = frame;
                } else if (!Arrays.equals(frame, directFrame)) {
                    throw new IllegalStateException(leg.name() + " answered other bytes than Orthanc for the same frame");
                }
                for (int i = 0; i < 20; i++) { // warm-up: JIT, connections, caches
                    time(http, leg, i);
                }
            }
            Map<Leg, List<Double>> latencies = new LinkedHashMap<>();
            legs.forEach(leg -> latencies.put(leg, new ArrayList<>()));
            for (int i = 0; i < iterations; i++) {
                List<Leg> order = new ArrayList<>(legs);
                Collections.rotate(order, i % legs.size()); // no leg always first
                for (Leg leg : order) {
                    latencies.get(leg).add(time(http, leg, i));
                }
            }
            double directMedian = percentile(latencies.get(legs.get(0)), 50);
            double directThroughput = 0;
            System.out.printf(Locale.ROOT, "  %-24s %9s %9s %10s %11s %10s%n", "leg", "median ms", "p90 ms", "x direct",
                    "req/s (" + concurrency + ")", "x direct");
            for (Leg leg : legs) {
                double throughput = throughput(http, leg, concurrency, iterations);
                if (leg == legs.get(0)) {
                    directThroughput = throughput;
                }
                double median = percentile(latencies.get(leg), 50);
                System.out.printf(Locale.ROOT, "  %-24s %9.2f %9.2f %9.2fx %11.0f %9.2fx%n", leg.name(), median,
                        percentile(latencies.get(leg), 90), median / directMedian, throughput, throughput / directThroughput);
            }
            System.out.printf(Locale.ROOT, "  (frame bytes identical on every leg: %d bytes)%n", directFrame.length);
        }
        System.out.printf(Locale.ROOT, "%nLoad average after: %s%n", loadAverage());
    }

    private static Leg leg(String name, String base, List<Image> images, int frames, String authorization) {
        List<URI> uris = new ArrayList<>();
        for (int f = 1; f <= frames; f++) {
            for (Image image : images) {
                uris.add(URI.create(base + "/studies/" + image.studyUid() + "/series/" + image.seriesUid() + "/instances/"
                        + image.sopUid() + "/frames/" + f));
            }
        }
        return new Leg(name, uris, authorization);
    }

    private static String wadoBase(HttpClient http, String searchUrl) throws Exception {
        HttpResponse<String> search = http.send(HttpRequest.newBuilder(URI.create(searchUrl)).header("Authorization", "Bearer bench")
                .build(), HttpResponse.BodyHandlers.ofString());
        if (search.statusCode() != 200) {
            throw new IllegalStateException("SDK search failed: " + search.statusCode() + " " + search.body());
        }
        for (JsonNode entry : JSON.readTree(search.body()).path("entry")) {
            if (entry.path("resource").path("id").asText().equals(STUDY)) {
                return entry.path("resource").path("contained").get(0).path("address").asText();
            }
        }
        throw new IllegalStateException("The search did not return the study: " + search.body());
    }

    private static HttpRequest request(Leg leg, int i) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(leg.uris().get(Math.floorMod(i, leg.uris().size()))).header("Accept", ACCEPT);
        if (leg.authorization() != null) {
            builder.header("Authorization", leg.authorization());
        }
        return builder.build();
    }

    private static byte[] firstPart(HttpClient http, Leg leg) throws Exception {
        HttpResponse<byte[]> response = http.send(request(leg, 0), HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(leg.name() + " answered " + response.statusCode() + ": " + new String(response.body()));
        }
        return Multipart.parts(response.headers().firstValue("Content-Type").orElseThrow(), response.body()).get(0);
    }

    /** Milliseconds for one request, body read in full. */
    private static double time(HttpClient http, Leg leg, int i) throws Exception {
        long start = System.nanoTime();
        HttpResponse<byte[]> response = http.send(request(leg, i), HttpResponse.BodyHandlers.ofByteArray());
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
                    for (int i; (i = remaining.getAndDecrement()) > 0; ) {
                        time(http, leg, i);
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
