package org.smartimaging.benchmarks.dicomweb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
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
 * Retrieval throughput and search latency of the {@code dicom-web} source, through the whole SDK
 * (engine + servlet on Jetty 12), against the same Orthanc asked directly, in one run.
 *
 * <p>Arguments: study size in MiB (default 400), rounds (default 5). Run with a small heap
 * ({@code -Xmx256m}): a study larger than the heap can only get through if it is streamed.
 */
public final class DicomWebBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String USER = "bench";
    private static final String PASSWORD = "bench-secret";
    private static final String MRN = "MRN-BENCH";
    private static final String ACCEPT = "multipart/related; type=\"application/dicom\"; transfer-syntax=*";
    private static final int SEARCH_ITERATIONS = 30;

    public static void main(String[] args) throws Exception {
        int sizeMiB = args.length > 0 ? Integer.parseInt(args[0]) : 400;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        String client = args.length > 2 ? args[2] : "curl";
        if (!client.equals("curl") && !client.equals("jvm")) {
            throw new IllegalArgumentException("client must be curl or jvm, not " + client);
        }
        // 2 MiB instances (1024 x 1024 x 16 bit) in 4 series
        int instances = Math.max(4, sizeMiB / 2);
        int perSeries = (instances + 3) / 4;
        Study study = new Study("1.2.826.0.1.3680043.10.9999.1", MRN, "Bench^Mark", "20240101", "120000",
                "ACC-BENCH", "Benchmark study", "CT", 4, perSeries, 1024, 1024);

        Path work = Files.createTempDirectory("dicomweb-bench-");
        try (OrthancServer orthanc = OrthancServer.builder().basicAuth(USER, PASSWORD).start()) {
            long t0 = System.nanoTime();
            List<Path> files = DcmtkStudyWriter.write(study, work.resolve("study"));
            long bytesOnDisk = 0;
            for (Path file : files) {
                bytesOnDisk += Files.size(file);
                orthanc.upload(file);
                Files.delete(file);
            }
            System.out.printf(Locale.ROOT, "Study: %d instances, %.1f MiB, generated and loaded into Orthanc in %.1f s%n",
                    files.size(), bytesOnDisk / 1048576.0, (System.nanoTime() - t0) / 1e9);

            String config = """
                    {"authorization": {"type": "mock", "disableAuthzChecks": true},
                     "images": {"type": "dicom-web", "lookup": "studies-by-mrn", "endpoint": "%s",
                                "authentication": {"type": "http-basic", "username": "%s", "password": "%s"}}}
                    """.formatted(orthanc.dicomWebUri(), USER, PASSWORD);
            try (ImagingEngine engine = new ImagingEngine(ServerOptions.builder()
                    .builtInConfig("bench", config).dataDirectory(work).randomStudyTokenKey().build())) {
                Server jetty = new Server(new InetSocketAddress("127.0.0.1", 0));
                ServletContextHandler context = new ServletContextHandler();
                context.setContextPath("/");
                ServletHolder holder = new ServletHolder(new SmartImagingServlet(engine));
                holder.setAsyncSupported(true);
                context.addServlet(holder, "/api/*");
                jetty.setHandler(context);
                jetty.start();
                try {
                    int port = ((ServerConnector) jetty.getConnectors()[0]).getLocalPort();
                    run(orthanc, URI.create("http://127.0.0.1:" + port + "/api"), study, rounds, client);
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

    private static void run(OrthancServer orthanc, URI sdk, Study study, int rounds, String client) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        String searchUrl = sdk + "/bench/fhir/ImagingStudy?patient=" + URLEncoder.encode(MRN, StandardCharsets.UTF_8);

        // The WADO base the FHIR answer gives the app
        HttpResponse<byte[]> search = http.send(sdkRequest(searchUrl), HttpResponse.BodyHandlers.ofByteArray());
        if (search.statusCode() != 200) {
            throw new IllegalStateException("SDK search failed: " + search.statusCode() + " " + new String(search.body()));
        }
        String wadoBase = address(JSON.readTree(search.body()));
        URI viaSdk = URI.create(wadoBase + "/studies/" + study.studyUid());
        URI direct = URI.create(orthanc.dicomWebUri() + "/studies/" + study.studyUid());

        String basic = "Basic " + Base64.getEncoder().encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
        Map<String, String> directHeaders = Map.of("Accept", ACCEPT, "Authorization", basic);
        Map<String, String> sdkHeaders = Map.of("Accept", ACCEPT, "Authorization", "Bearer benchmark");
        Fetcher fetcher = client.equals("curl") ? DicomWebBenchmark::curl : (uri, headers) -> jvmFetch(http, uri, headers);
        long orthancPid = ProcessHandle.current().children()
                .filter(p -> p.info().command().map(c -> c.endsWith("Orthanc")).orElse(false))
                .mapToLong(ProcessHandle::pid).findFirst().orElse(-1);
        System.out.printf(Locale.ROOT, "Client: %s; load average before: %s%n", client.equals("curl")
                ? "external curl process per request (time_total)" : "in-JVM java.net.http.HttpClient", loadAverage());

        // Warm-up (JIT, connection pools), not counted
        fetcher.fetch(direct, directHeaders);
        fetcher.fetch(viaSdk, sdkHeaders);

        resetPeaks();
        long heapBefore = usedHeapAfterGc();
        HeapSampler sampler = new HeapSampler();
        sampler.start();
        List<Double> directRates = new ArrayList<>();
        List<Double> sdkRates = new ArrayList<>();
        // CPU seconds per GiB moved, per leg: Orthanc's process, this JVM (SDK + Jetty, and the client if jvm),
        // the rest of the machine (curl, other users); and the machine's busy share during the leg.
        Map<Boolean, List<double[]>> cpu = Map.of(true, new ArrayList<>(), false, new ArrayList<>());
        System.out.printf(Locale.ROOT, "%-6s %-7s %11s %8s %8s %6s %13s %13s %13s%n", "round", "path", "bytes", "seconds",
                "MiB/s", "busy%", "orthanc s/GiB", "jvm s/GiB", "other s/GiB");
        for (int round = 1; round <= rounds; round++) {
            // Alternate which goes first, so neither always meets a warmer page cache
            boolean directFirst = round % 2 == 1;
            for (int leg = 0; leg < 2; leg++) {
                boolean isDirect = (leg == 0) == directFirst;
                CpuSnapshot before = CpuSnapshot.take(orthancPid);
                Fetched got = isDirect ? fetcher.fetch(direct, directHeaders) : fetcher.fetch(viaSdk, sdkHeaders);
                CpuSnapshot after = CpuSnapshot.take(orthancPid);
                double rate = got.bytes() / 1048576.0 / got.seconds();
                (isDirect ? directRates : sdkRates).add(rate);
                double gib = got.bytes() / 1073741824.0;
                double[] shares = after.minus(before, gib);
                cpu.get(isDirect).add(shares);
                System.out.printf(Locale.ROOT, "%-6d %-7s %11d %8.2f %8.1f %6.0f %13.2f %13.2f %13.2f%n", round,
                        isDirect ? "direct" : "sdk", got.bytes(), got.seconds(), rate, shares[0], shares[1], shares[2],
                        shares[3]);
            }
        }
        sampler.stop();
        long heapAfter = usedHeapAfterGc();
        double directMedian = median(directRates);
        double sdkMedian = median(sdkRates);
        System.out.printf(Locale.ROOT, "Throughput median: direct %.1f MiB/s, SDK %.1f MiB/s, ratio %.2fx (client %s)%n",
                directMedian, sdkMedian, sdkMedian / directMedian, client);
        for (boolean isDirect : new boolean[] {true, false}) {
            System.out.printf(Locale.ROOT, "CPU median, %s: machine busy %.0f %%, s/GiB: Orthanc %.2f, JVM %.2f, other %.2f%n",
                    isDirect ? "direct" : "sdk", medianOf(cpu.get(isDirect), 0), medianOf(cpu.get(isDirect), 1),
                    medianOf(cpu.get(isDirect), 2), medianOf(cpu.get(isDirect), 3));
        }
        System.out.printf(Locale.ROOT, "Load average after: %s%n", loadAverage());
        Runtime runtime = Runtime.getRuntime();
        System.out.printf(Locale.ROOT,
                "Heap (SDK and client JVM, -Xmx %d MiB): after GC before %.1f MiB, after %.1f MiB; "
                        + "sampled max used %.1f MiB; pool peak sum %.1f MiB%n",
                runtime.maxMemory() >> 20, heapBefore / 1048576.0, heapAfter / 1048576.0,
                sampler.max.get() / 1048576.0, peakHeap() / 1048576.0);

        // Search latency: the FHIR search through the SDK vs the QIDO-RS calls it needs, made directly
        List<Double> sdkSearch = new ArrayList<>();
        List<Double> directSearch = new ArrayList<>();
        for (int i = 0; i < SEARCH_ITERATIONS + 3; i++) {
            long start = System.nanoTime();
            HttpResponse<byte[]> answer = http.send(sdkRequest(searchUrl), HttpResponse.BodyHandlers.ofByteArray());
            double sdkMillis = (System.nanoTime() - start) / 1e6;
            if (answer.statusCode() != 200) {
                throw new IllegalStateException("search " + answer.statusCode());
            }
            start = System.nanoTime();
            int calls = directQido(http, orthanc);
            double directMillis = (System.nanoTime() - start) / 1e6;
            if (i >= 3) {
                sdkSearch.add(sdkMillis);
                directSearch.add(directMillis);
            }
            if (i == 0) {
                System.out.printf("Direct QIDO-RS calls per search: %d (sequential)%n", calls);
            }
        }
        System.out.printf(Locale.ROOT,
                "Search latency median over %d: SDK ImagingStudy %.1f ms, direct QIDO-RS %.1f ms, ratio %.2fx%n",
                SEARCH_ITERATIONS, median(sdkSearch), median(directSearch), median(sdkSearch) / median(directSearch));
    }

    /** The same QIDO-RS requests the source makes, one after another; returns how many. */
    private static int directQido(HttpClient http, OrthancServer orthanc) throws Exception {
        String base = orthanc.dicomWebUri().toString();
        JsonNode studies = qido(http, orthanc, base + "/studies?PatientID=" + MRN
                + "&includefield=00080020&includefield=00080030&includefield=00081030&includefield=00080050"
                + "&includefield=00080061&includefield=00100010&includefield=00100020&limit=1000");
        int calls = 1;
        for (JsonNode study : studies) {
            String studyUid = study.path("0020000D").path("Value").get(0).asText();
            JsonNode series = qido(http, orthanc, base + "/studies/" + studyUid
                    + "/series?includefield=00200011&includefield=00080060&includefield=0008103E&limit=1000");
            calls++;
            for (JsonNode one : series) {
                String seriesUid = one.path("0020000E").path("Value").get(0).asText();
                qido(http, orthanc, base + "/studies/" + studyUid + "/series/" + seriesUid
                        + "/instances?includefield=00080016&includefield=00200013&limit=1000");
                calls++;
            }
        }
        return calls;
    }

    private static JsonNode qido(HttpClient http, OrthancServer orthanc, String url) throws Exception {
        HttpResponse<byte[]> response = http.send(orthanc.authorized(HttpRequest.newBuilder(URI.create(url)))
                .header("Accept", "application/dicom+json").build(), HttpResponse.BodyHandlers.ofByteArray());
        return JSON.readTree(response.body());
    }

    private static HttpRequest sdkRequest(String url) {
        return sdkRequestBuilder(URI.create(url)).build();
    }

    private static HttpRequest.Builder sdkRequestBuilder(URI uri) {
        return HttpRequest.newBuilder(uri).header("Authorization", "Bearer benchmark");
    }

    /** One body read into nothing: its length and the seconds it took. */
    record Fetched(long bytes, double seconds) {}

    @FunctionalInterface
    interface Fetcher {
        Fetched fetch(URI uri, Map<String, String> headers) throws Exception;
    }

    /** Reads the whole body into nothing with the JDK client, timed from request to last byte. */
    private static Fetched jvmFetch(HttpClient http, URI uri, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri);
        headers.forEach(request::header);
        long start = System.nanoTime();
        HttpResponse<InputStream> response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(uri.getPath() + " -> HTTP " + response.statusCode());
        }
        long total = 0;
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = response.body()) {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                total += n;
            }
        }
        return new Fetched(total, (System.nanoTime() - start) / 1e9);
    }

    /**
     * Reads the whole body into /dev/null with an external curl process; the time is curl's own
     * {@code time_total} (connect to last byte), so process start-up is not counted.
     */
    private static Fetched curl(URI uri, Map<String, String> headers) throws Exception {
        List<String> command = new ArrayList<>(List.of("curl", "-s", "-S", "--fail", "-o", "/dev/null", "-w",
                "%{size_download} %{time_total}"));
        headers.forEach((name, value) -> command.addAll(List.of("-H", name + ": " + value)));
        command.add(uri.toString());
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
        if (process.waitFor() != 0) {
            throw new IllegalStateException("curl " + uri.getPath() + " failed: " + out);
        }
        String[] fields = out.split(" ");
        return new Fetched(Long.parseLong(fields[0]), Double.parseDouble(fields[1]));
    }

    /** Jiffies (1/100 s on Linux) of the whole machine and of one process, and this JVM's CPU time. */
    private record CpuSnapshot(long busy, long total, long orthanc, long jvmNanos) {
        static CpuSnapshot take(long orthancPid) {
            try {
                String[] cpu = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
                long total = 0;
                for (int i = 1; i < cpu.length; i++) {
                    total += Long.parseLong(cpu[i]);
                }
                long idle = Long.parseLong(cpu[4]) + Long.parseLong(cpu[5]);
                long orthanc = 0;
                if (orthancPid > 0) {
                    String stat = Files.readString(Path.of("/proc/" + orthancPid + "/stat"));
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    orthanc = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
                }
                long jvm = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                        .getProcessCpuTime();
                return new CpuSnapshot(total - idle, total, orthanc, jvm);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        /** busy %, then CPU seconds per GiB: Orthanc, this JVM, everything else. */
        double[] minus(CpuSnapshot before, double gib) {
            double busySeconds = (busy - before.busy) / 100.0;
            double orthancSeconds = (orthanc - before.orthanc) / 100.0;
            double jvmSeconds = (jvmNanos - before.jvmNanos) / 1e9;
            return new double[] {100.0 * (busy - before.busy) / Math.max(1, total - before.total), orthancSeconds / gib,
                jvmSeconds / gib, Math.max(0, busySeconds - orthancSeconds - jvmSeconds) / gib};
        }
    }

    private static double medianOf(List<double[]> rows, int column) {
        return median(rows.stream().map(row -> row[column]).toList());
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (java.io.IOException e) {
            return "?";
        }
    }

    private static String address(JsonNode node) {
        if (node.isObject() && node.has("address")) {
            return node.get("address").asText();
        }
        for (JsonNode child : node) {
            String found = address(child);
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static void resetPeaks() {
        ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
    }

    private static long peakHeap() {
        return ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(pool -> pool.getType() == MemoryType.HEAP)
                .mapToLong(pool -> pool.getPeakUsage().getUsed())
                .sum();
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        System.gc();
        Thread.sleep(200);
        Runtime runtime = Runtime.getRuntime();
        return runtime.totalMemory() - runtime.freeMemory();
    }

    /** Samples used heap every 10 ms (includes garbage not yet collected). */
    private static final class HeapSampler {
        final AtomicLong max = new AtomicLong();
        private volatile boolean running = true;
        private final Thread thread = new Thread(() -> {
            Runtime runtime = Runtime.getRuntime();
            while (running) {
                max.accumulateAndGet(runtime.totalMemory() - runtime.freeMemory(), Math::max);
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });

        void start() {
            thread.setDaemon(true);
            thread.start();
        }

        void stop() throws InterruptedException {
            running = false;
            thread.join();
        }
    }
}
