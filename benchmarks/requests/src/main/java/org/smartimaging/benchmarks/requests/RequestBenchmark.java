package org.smartimaging.benchmarks.requests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.smartimaging.engine.ImagingEngine;
import org.smartimaging.engine.ServerOptions;
import org.smartimaging.servlet.SmartImagingServlet;
import org.smartimaging.testing.DcmtkStudyWriter;
import org.smartimaging.testing.DcmtkStudyWriter.Study;
import org.smartimaging.testing.OrthancServer;

/**
 * Per-request cost of the SDK against the PACS asked directly, in one run: what a viewer does
 * (one instance, all instances 8 in flight, the whole study, metadata, a frame), QIDO-RS, and the
 * FHIR search, for the {@code dicom-web} source (Orthanc behind the SDK) and the {@code folder}
 * source (the same files on disk), each as a ratio {@code direct time / SDK time} (above 1: the SDK
 * is faster). Every request is made by curl (one process per scenario and leg, keep-alive within
 * it), so both legs pay the same client. Legs alternate order from round to round; ratios are
 * medians over rounds. Arguments: rounds (default 5), then optionally a PNG path for the plot.
 */
public final class RequestBenchmark {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String USER = "bench";
    static final String PASSWORD = "bench-secret";
    static final String MRN = "MRN-BENCH";
    static final String DICOM = "multipart/related; type=\"application/dicom\"; transfer-syntax=*";
    static final String FRAMES = "multipart/related; type=\"application/octet-stream\"; transfer-syntax=*";
    static final String JSON_TYPE = "application/dicom+json";
    static final int SEQUENTIAL = 20;

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        Path plot = args.length > 1 && !args[1].isBlank() ? Path.of(args[1]) : null;
        // The study: 150 CT instances of 512 x 512 x 16 bit (0.5 MiB each, 79 MB), 3 series
        Study study = new Study("1.2.826.0.1.3680043.10.9998.1", MRN, "Bench^Mark", "20240101", "120000",
                "ACC-BENCH", "Benchmark study", "CT", 3, 50, 512, 512);
        Path work = Files.createTempDirectory("request-bench-");
        try (OrthancServer orthanc = OrthancServer.builder().basicAuth(USER, PASSWORD).start()) {
            long t0 = System.nanoTime();
            List<Path> files = DcmtkStudyWriter.write(study, work.resolve("folder").resolve("big"));
            orthanc.uploadAll(files);
            for (int i = 1; i <= 7; i++) { // 8 studies for the search, as in the issue
                Study small = Study.small("1.2.826.0.1.3680043.10.9998.1" + i, MRN, 2, 3);
                orthanc.uploadAll(DcmtkStudyWriter.write(small, work.resolve("folder").resolve("s" + i)));
            }
            System.out.printf(Locale.ROOT, "Study: %d instances, %.1f MiB on disk; 7 small studies; loaded in %.1f s%n",
                    files.size(), bytes(files) / 1048576.0, (System.nanoTime() - t0) / 1e9);

            ServerOptions.Builder options = ServerOptions.builder().dataDirectory(work).randomStudyTokenKey()
                    .builtInConfig("pacs", config(orthanc, ""))
                    .builtInConfig("pacs-uncached", config(orthanc, ", \"studyCacheSeconds\": 0"))
                    .builtInConfig("folder", """
                            {"authorization": {"type": "mock", "disableAuthzChecks": true},
                             "images": {"type": "folder", "directory": "folder", "lookup": "studies-by-mrn"}}""");
            try (ImagingEngine engine = new ImagingEngine(options.build())) {
                Server jetty = new Server(new InetSocketAddress("127.0.0.1", 0));
                ServletContextHandler context = new ServletContextHandler("/");
                ServletHolder holder = new ServletHolder(new SmartImagingServlet(engine));
                // -Dbench.async=false: blocking servlet output, to compare the two write paths
                holder.setAsyncSupported(Boolean.parseBoolean(System.getProperty("bench.async", "true")));
                context.addServlet(holder, "/api/*");
                jetty.setHandler(context);
                jetty.start();
                try {
                    int port = ((ServerConnector) jetty.getConnectors()[0]).getLocalPort();
                    Results results = new Scenarios(orthanc, "http://127.0.0.1:" + port + "/api", study).run(rounds);
                    results.print();
                    if (plot != null) {
                        Plot.write(results, plot);
                        System.out.println("Plot written to " + plot.toAbsolutePath());
                    }
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

    private static String config(OrthancServer orthanc, String extra) {
        return """
                {"authorization": {"type": "mock", "disableAuthzChecks": true},
                 "images": {"type": "dicom-web", "lookup": "studies-by-mrn", "endpoint": "%s",
                            "authentication": {"type": "http-basic", "username": "%s", "password": "%s"}%s}}
                """.formatted(orthanc.dicomWebUri(), USER, PASSWORD, extra);
    }

    private static long bytes(List<Path> files) throws IOException {
        long total = 0;
        for (Path file : files) {
            total += Files.size(file);
        }
        return total;
    }

    /** The scenarios, each measured on the direct leg and on one or two SDK legs in the same round. */
    static final class Scenarios {
        private final OrthancServer orthanc;
        private final String api;
        private final Study study;
        private final String basic;

        Scenarios(OrthancServer orthanc, String api, Study study) {
            this.orthanc = orthanc;
            this.api = api;
            this.study = study;
            this.basic = "Basic " + Base64.getEncoder().encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
        }

        Results run(int rounds) throws Exception {
            String pacs = wadoBase("pacs");
            String folder = wadoBase("folder");
            String direct = orthanc.dicomWebUri().toString();
            Leg orthancLeg = new Leg("Orthanc direct", direct, "Authorization: " + basic);
            Leg pacsLeg = new Leg("dicom-web source", pacs, "Authorization: Bearer bench");
            Leg folderLeg = new Leg("folder source", folder, "Authorization: Bearer bench");
            String s = "/studies/" + study.studyUid();
            String instance = s + "/series/" + study.seriesUid(2) + "/instances/" + study.instanceUid(2, 25);
            List<String> all = new ArrayList<>();
            for (int series = 1; series <= study.seriesCount(); series++) {
                for (int i = 1; i <= study.instancesPerSeries(); i++) {
                    all.add(s + "/series/" + study.seriesUid(series) + "/instances/" + study.instanceUid(series, i));
                }
            }
            String qidoStudies = "/studies?PatientID=" + MRN
                    + "&includefield=00080020&includefield=00080030&includefield=00081030&includefield=00080050"
                    + "&includefield=00080061&includefield=00100010&includefield=00100020&includefield=00201208";
            String search = api + "/%s/fhir/ImagingStudy?patient=" + URLEncoder.encode(MRN, StandardCharsets.UTF_8);

            Results results = new Results(rounds);
            System.out.println("Load average before: " + Curl.loadAverage());
            for (int round = 0; round < rounds + 1; round++) { // round 0 warms up (JIT, pools, caches)
                boolean count = round > 0;
                measure(results, count, round, "one instance (0.5 MiB), sequential", Metric.MEDIAN_TOTAL,
                        List.of(orthancLeg, pacsLeg, folderLeg), leg -> Curl.sequential(leg, repeat(instance, SEQUENTIAL), DICOM));
                measure(results, count, round, "time to first byte, one instance", Metric.MEDIAN_FIRST_BYTE,
                        List.of(orthancLeg, pacsLeg, folderLeg), leg -> Curl.sequential(leg, repeat(instance, SEQUENTIAL), DICOM));
                measure(results, count, round, "all 150 instances, 8 in flight", Metric.WALL,
                        List.of(orthancLeg, pacsLeg, folderLeg), leg -> Curl.parallel(leg, all, DICOM, 8));
                measure(results, count, round, "whole study (79 MB)", Metric.MEDIAN_TOTAL,
                        List.of(orthancLeg, pacsLeg, folderLeg), leg -> Curl.sequential(leg, repeat(s, 3), DICOM));
                measure(results, count, round, "study metadata", Metric.MEDIAN_TOTAL,
                        List.of(orthancLeg, pacsLeg, folderLeg), leg -> Curl.sequential(leg, repeat(s + "/metadata", 10), JSON_TYPE));
                measure(results, count, round, "one frame, sequential", Metric.MEDIAN_TOTAL,
                        List.of(orthancLeg, pacsLeg, folderLeg), leg -> Curl.sequential(leg, repeat(instance + "/frames/1", SEQUENTIAL), FRAMES));
                measure(results, count, round, "QIDO-RS /studies", Metric.MEDIAN_TOTAL,
                        List.of(orthancLeg, pacsLeg, folderLeg), leg -> Curl.sequential(leg, repeat(qidoStudies, SEQUENTIAL), JSON_TYPE));
                measure(results, count, round, "FHIR search, 8 studies, repeated (vs one QIDO /studies)", Metric.MEDIAN_TOTAL,
                        List.of(orthancLeg, new Leg("dicom-web source", "", pacsLeg.header()), new Leg("folder source", "", folderLeg.header())),
                        leg -> leg.base().isEmpty()
                                ? Curl.sequential(leg, repeat(search.formatted(leg.name().startsWith("dicom") ? "pacs" : "folder"), SEQUENTIAL), "application/fhir+json")
                                : Curl.sequential(leg, repeat(qidoStudies, SEQUENTIAL), JSON_TYPE));
                measure(results, count, round, "FHIR search, 8 studies, first (no cache; vs one QIDO /studies)", Metric.MEDIAN_TOTAL,
                        List.of(orthancLeg, new Leg("dicom-web source", "", pacsLeg.header())),
                        leg -> leg.base().isEmpty()
                                ? Curl.sequential(leg, repeat(search.formatted("pacs-uncached"), SEQUENTIAL), "application/fhir+json")
                                : Curl.sequential(leg, repeat(qidoStudies, SEQUENTIAL), JSON_TYPE));
                if (count) {
                    System.out.printf(Locale.ROOT, "round %d done, load average %s%n", round, Curl.loadAverage());
                }
            }
            results.loadAfter = Curl.loadAverage();
            return results;
        }

        private void measure(Results results, boolean count, int round, String scenario, Metric metric, List<Leg> legs,
                LegRun run) throws Exception {
            String only = System.getProperty("bench.only", "");
            if (!only.isEmpty() && !scenario.contains(only)) {
                return;
            }
            List<Leg> order = new ArrayList<>(legs);
            if (round % 2 == 1) {
                java.util.Collections.reverse(order);
            }
            Map<String, Double> seconds = new LinkedHashMap<>();
            for (Leg leg : order) {
                Curl.Run r = run.run(leg);
                seconds.put(leg.name(), r.ok() ? metric.of(r) : Double.NaN);
            }
            if (count) {
                results.add(scenario, seconds);
            }
        }

        private String wadoBase(String site) throws Exception {
            Curl.Run search = Curl.sequential(new Leg(site, "", "Authorization: Bearer bench"),
                    List.of(api + "/" + site + "/fhir/ImagingStudy?patient=" + MRN), "application/fhir+json", true);
            JsonNode bundle = JSON.readTree(search.body());
            for (JsonNode entry : bundle.path("entry")) {
                if (entry.path("resource").path("identifier").toString().contains("\"urn:oid:" + study.studyUid() + "\"")) {
                    return entry.path("resource").path("contained").get(0).path("address").asText();
                }
            }
            throw new IllegalStateException("No address for the study in " + site + ": " + search.body());
        }

        private static List<String> repeat(String path, int times) {
            return java.util.Collections.nCopies(times, path);
        }
    }

    /** Where a leg sends requests: a base URL (paths are appended) or none (full URLs), and its auth header. */
    record Leg(String name, String base, String header) {}

    @FunctionalInterface
    interface LegRun {
        Curl.Run run(Leg leg) throws Exception;
    }

    /** Which figure of a curl run a scenario compares. */
    enum Metric {
        MEDIAN_TOTAL, MEDIAN_FIRST_BYTE, WALL;

        double of(Curl.Run run) {
            return switch (this) {
                case MEDIAN_TOTAL -> median(run.totals());
                case MEDIAN_FIRST_BYTE -> median(run.firstBytes());
                case WALL -> run.wallSeconds();
            };
        }
    }

    static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n == 0 ? Double.NaN : n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
