import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.smartimaging.dimse.DimseImageSourceProvider;
import org.smartimaging.spi.ConfigSection;
import org.smartimaging.spi.HostEnvironment;
import org.smartimaging.spi.ImageSource;
import org.smartimaging.spi.Retrieval;
import org.smartimaging.spi.RetrieveRequest;
import org.smartimaging.testing.OrthancServer;
import org.smartimaging.testing.TestStudies;

/**
 * Retrieval of one large study over C-GET: the SDK's dicom-dimse source (retrieve into its cache,
 * then stream every instance out) against dcmtk's getscu, from the same archive in the same run,
 * several rounds, alternating which goes first. Archives: Orthanc 1.10 (the headline) and dcmtk's
 * dcmqrscp (BENCH_ARCHIVES=orthanc or dcmqrscp to run one). The SDK's peak heap is sampled during
 * its legs. See README.md for the command and figures.
 */
public class DimseBenchmark {

    /** The source's own figures from its log line "Retrieved a study ... in M ms (transfer T ms, ...)", in ms. */
    /** How often the SDK leg asks retrieve() again; BENCH_POLL_MS, default 20 (a host's Retry-After is 1 s or more). */
    static final long POLL_MILLIS = Long.parseLong(System.getenv().getOrDefault("BENCH_POLL_MS", "20"));
    static final AtomicLong LOGGED_TOTAL = new AtomicLong(-1);
    static final AtomicLong LOGGED_TRANSFER = new AtomicLong(-1);
    static final java.util.regex.Pattern RETRIEVED =
            java.util.regex.Pattern.compile("Retrieved a study .* in (\\d+) ms \\(transfer (\\d+) ms");

    public static void main(String[] args) throws Exception {
        // slf4j-simple looks System.err up at each line: a tee picks up the source's own timing.
        java.io.PrintStream err = System.err;
        System.setErr(new java.io.PrintStream(new OutputStream() {
            private final java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();

            @Override
            public void write(int b) {
                err.write(b);
                if (b == '\n') {
                    var m = RETRIEVED.matcher(line.toString(java.nio.charset.StandardCharsets.UTF_8));
                    if (m.find()) {
                        LOGGED_TOTAL.set(Long.parseLong(m.group(1)));
                        LOGGED_TRANSFER.set(Long.parseLong(m.group(2)));
                    }
                    line.reset();
                } else {
                    line.write(b);
                }
            }
        }, true));
        int instances = args.length > 0 ? Integer.parseInt(args[0]) : 80;
        int rows = args.length > 1 ? Integer.parseInt(args[1]) : 1200;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        Path work = Files.createTempDirectory("dimse-bench");
        try {
            run(work, instances, rows, rounds);
        } finally {
            delete(work);
        }
    }

    /** A C-GET SCP holding the study: its AE title and port on loopback. */
    record Archive(String name, String ae, int port) {}

    static void run(Path work, int instances, int rows, int rounds) throws Exception {
        TestStudies.Study study = TestStudies.write(work.resolve("data"), "MRN-BENCH", "CT", 1, instances, rows);
        long bytes = 0;
        for (Path f : study.files()) {
            bytes += Files.size(f);
        }
        System.out.printf(Locale.ROOT, "study: %d instances, %.1f MiB; TCP_NODELAY=%s for the dcmtk peers (getscu, dcmqrscp, Orthanc)%n",
                instances, bytes / 1048576.0, System.getenv().getOrDefault("TCP_NODELAY", "(unset: Nagle on)"));
        String only = System.getenv().getOrDefault("BENCH_ARCHIVES", "orthanc,dcmqrscp");
        Map<String, Summary> summaries = new LinkedHashMap<>();
        if (only.contains("orthanc")) {
            // Orthanc 1.10 as the archive: any calling AE may C-GET (DicomAlwaysAllowGet, DicomCheckCalledAet off,
            // both set by the fixture), so neither getscu nor the SDK needs a DicomModalities entry.
            try (OrthancServer orthanc = OrthancServer.builder().storageDirectory(work.resolve("orthanc"))
                    .option("DicomThreadsCount", 4).start()) {
                long t0 = System.nanoTime();
                orthanc.uploadAll(study.files());
                System.out.printf(Locale.ROOT, "Orthanc %s: loaded over REST in %.1f s%n", orthanc.aeTitle(),
                        (System.nanoTime() - t0) / 1e9);
                summaries.put("Orthanc 1.10", rounds(work, new Archive("orthanc", orthanc.aeTitle(), orthanc.dicomPort()),
                        study, bytes, rounds));
            }
        }
        if (only.contains("dcmqrscp")) {
            int port;
            try (var s = new java.net.ServerSocket(0)) {
                port = s.getLocalPort();
            }
            Path storage = Files.createDirectories(work.resolve("pacs"));
            Path cfg = work.resolve("dcmqrscp.cfg");
            Files.writeString(cfg, """
                    NetworkTCPPort = %d
                    MaxPDUSize = 131072
                    MaxAssociations = 16
                    HostTable BEGIN
                    HostTable END
                    VendorTable BEGIN
                    VendorTable END
                    AETable BEGIN
                    PACS %s RW (500, 1024mb) ANY
                    AETable END
                    """.formatted(port, storage));
            Process pacs = new ProcessBuilder("dcmqrscp", "-c", cfg.toString(), String.valueOf(port))
                    .redirectErrorStream(true).redirectOutput(work.resolve("dcmqrscp.log").toFile()).start();
            try {
                waitFor(port);
                List<String> store = new ArrayList<>(List.of("storescu", "-aec", "PACS", "127.0.0.1", String.valueOf(port)));
                study.files().forEach(f -> store.add(f.toString()));
                exec(store);
                summaries.put("dcmqrscp", rounds(work, new Archive("dcmqrscp", "PACS", port), study, bytes, rounds));
            } finally {
                pacs.descendants().forEach(ProcessHandle::destroyForcibly);
                pacs.destroyForcibly();
            }
        }
        double mib = bytes / 1048576.0;
        System.out.printf(Locale.ROOT, "%nsummary (%.1f MiB, %d rounds, medians; -Xmx %d MiB; load average now %s)%n",
                mib, rounds, Runtime.getRuntime().maxMemory() >> 20, loadAverage());
        System.out.println("archive | getscu s | SDK retrieve s | SDK logged s (transfer s) | SDK retrieve+serve s | getscu MiB/s "
                + "| SDK MiB/s | SDK time / getscu time | SDK retrieve / getscu | SDK transfer / getscu | SDK peak heap MiB (max)");
        summaries.forEach((name, s) -> System.out.printf(Locale.ROOT,
                "%s | %.2f | %.2f | %.2f (%.2f) | %.2f | %.0f | %.0f | %.2f | %.2f | %.2f | %d%n",
                name, s.getscu, s.retrieve, s.logged, s.transfer, s.total, mib / s.getscu, mib / s.total,
                s.total / s.getscu, s.retrieve / s.getscu, s.transfer / s.getscu, s.peakHeapMiB));
    }

    record Summary(double getscu, double retrieve, double logged, double transfer, double total, long peakHeapMiB) {}

    /** Rounds against one archive: getscu and the SDK, alternating which goes first; returns the medians. */
    static Summary rounds(Path work, Archive archive, TestStudies.Study study, long bytes, int rounds) throws Exception {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        System.out.printf(Locale.ROOT, "%n%s (AE %s, port %d), -Xmx %d MiB, load average %s%n", archive.name(), archive.ae(),
                archive.port(), Runtime.getRuntime().maxMemory() >> 20, loadAverage());
        System.out.println("round | getscu s | SDK retrieve s | SDK logged s | SDK transfer s | SDK serve s | SDK total / getscu "
                + "| SDK peak heap MiB | SDK JVM CPU s during retrieve");
        List<Double> getscuTimes = new ArrayList<>();
        List<Double> retrieveTimes = new ArrayList<>();
        List<Double> totalTimes = new ArrayList<>();
        List<Double> loggedTimes = new ArrayList<>();
        List<Double> transferTimes = new ArrayList<>();
        long maxPeak = 0;
        for (int round = 1; round <= rounds; round++) {
            double getscu = 0;
            double retrieve = 0;
            double serve = 0;
            double cpu = 0;
            long peakMiB = 0;
            boolean getscuFirst = round % 2 == 1;
            for (int leg = 0; leg < 2; leg++) {
                if ((leg == 0) == getscuFirst) {
                    Path out = Files.createDirectories(work.resolve("getscu-" + archive.name() + "-" + round));
                    long t0 = System.nanoTime();
                    exec(List.of("getscu", "-aet", "GETSCU", "-aec", archive.ae(), "--max-pdu", "131072", "-S", "-k",
                            "QueryRetrieveLevel=STUDY", "-k", "StudyInstanceUID=" + study.studyInstanceUid(),
                            "-od", out.toString(), "127.0.0.1", String.valueOf(archive.port())));
                    getscu = (System.nanoTime() - t0) / 1e9;
                    long got;
                    try (var files = Files.list(out)) {
                        got = files.count();
                    }
                    if (got != study.files().size()) {
                        throw new IllegalStateException("getscu got " + got + " files of " + study.files().size());
                    }
                    delete(out);
                    continue;
                }
                System.gc();
                AtomicLong peak = new AtomicLong();
                Thread sampler = new Thread(() -> {
                    while (!Thread.currentThread().isInterrupted()) {
                        peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                        try {
                            Thread.sleep(5);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                });
                sampler.setDaemon(true);
                sampler.start();
                String cache = "cache-" + archive.name() + "-" + round;
                ObjectNode images = (ObjectNode) new ObjectMapper().readTree("""
                        {"endpoint": "dimse://127.0.0.1:%d", "ae": "%s", "callingAe": "SMARTBENCH", "cacheDirectory": "%s",
                         "cacheMaxBytes": 4294967296, "maxPduLength": %s}""".formatted(archive.port(), archive.ae(), cache,
                        System.getenv().getOrDefault("BENCH_SDK_PDU", "131072")));
                long served;
                try (ImageSource source = new DimseImageSourceProvider().create(new ConfigSection("images", images),
                        new HostEnvironment(work, Clock.systemUTC(), HostEnvironment.UpstreamPolicy.ALLOW_ALL, "bench"))) {
                    RetrieveRequest request = RetrieveRequest.study(study.studyInstanceUid(), RetrieveRequest.Resource.INSTANCES);
                    LOGGED_TOTAL.set(-1);
                    LOGGED_TRANSFER.set(-1);
                    long cpu0 = processCpuNanos();
                    long t1 = System.nanoTime();
                    Retrieval r;
                    while ((r = source.retrieve(request)) instanceof Retrieval.Pending) {
                        Thread.sleep(POLL_MILLIS);
                    }
                    retrieve = (System.nanoTime() - t1) / 1e9;
                    cpu = (processCpuNanos() - cpu0) / 1e9;
                    long t2 = System.nanoTime();
                    CountingStream counter = new CountingStream();
                    try (var body = ((Retrieval.Ready) r).body()) {
                        body.writeTo(counter);
                    }
                    served = counter.count;
                    serve = (System.nanoTime() - t2) / 1e9;
                } finally {
                    sampler.interrupt();
                    sampler.join();
                }
                if (served < bytes) {
                    throw new IllegalStateException("served " + served + " bytes, fewer than the study's " + bytes);
                }
                delete(work.resolve(cache));
                peakMiB = peak.get() >> 20;
            }
            double logged = LOGGED_TOTAL.get() / 1e3;
            double transfer = LOGGED_TRANSFER.get() / 1e3;
            loggedTimes.add(logged);
            transferTimes.add(transfer);
            getscuTimes.add(getscu);
            retrieveTimes.add(retrieve);
            totalTimes.add(retrieve + serve);
            maxPeak = Math.max(maxPeak, peakMiB);
            System.out.printf(Locale.ROOT, "%5d | %8.3f | %14.3f | %12.3f | %14.3f | %11.3f | %18.2f | %d | %.3f%n", round, getscu,
                    retrieve, logged, transfer, serve, (retrieve + serve) / getscu, peakMiB, cpu);
        }
        return new Summary(median(getscuTimes), median(retrieveTimes), median(loggedTimes), median(transferTimes),
                median(totalTimes), maxPeak);
    }

    /** CPU time of the whole benchmark JVM (all threads: the retrieval, GC, JIT). */
    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (java.io.IOException e) {
            return "?";
        }
    }

    static final class CountingStream extends OutputStream {
        long count;

        @Override
        public void write(int b) {
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            count += len;
        }
    }

    static void exec(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (p.waitFor() != 0) {
            throw new IllegalStateException(command.get(0) + " failed");
        }
    }

    static void waitFor(int port) throws Exception {
        for (int i = 0; i < 200; i++) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return;
            } catch (java.io.IOException e) {
                Thread.sleep(50);
            }
        }
        throw new IllegalStateException("dcmqrscp did not start");
    }

    static void delete(Path root) throws java.io.IOException {
        if (Files.exists(root)) {
            try (var walk = Files.walk(root)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
