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
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.smartimaging.dimse.DimseImageSourceProvider;
import org.smartimaging.spi.ConfigSection;
import org.smartimaging.spi.HostEnvironment;
import org.smartimaging.spi.ImageSource;
import org.smartimaging.spi.Retrieval;
import org.smartimaging.spi.RetrieveRequest;
import org.smartimaging.testing.TestStudies;

/**
 * Retrieval of one large study over C-GET from dcmqrscp: the SDK's dicom-dimse source (retrieve into
 * its cache, then stream every instance out) against dcmtk's getscu, same archive, same run, several
 * rounds; the SDK's peak heap is sampled throughout. See README.md for the command and figures.
 */
public class DimseBenchmark {

    public static void main(String[] args) throws Exception {
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

    static void run(Path work, int instances, int rows, int rounds) throws Exception {
        TestStudies.Study study = TestStudies.write(work.resolve("data"), "MRN-BENCH", "CT", 1, instances, rows);
        long bytes = 0;
        for (Path f : study.files()) {
            bytes += Files.size(f);
        }
        System.out.printf("study: %d instances, %.1f MiB%n", instances, bytes / 1048576.0);
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
            MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
            System.out.printf("max heap (-Xmx): %d MiB%n", Runtime.getRuntime().maxMemory() >> 20);
            System.out.println("round | getscu s | SDK retrieve s | SDK serve s | ratio retrieve/getscu | SDK peak heap MiB");
            for (int round = 1; round <= rounds; round++) {
                Path out = Files.createDirectories(work.resolve("getscu-" + round));
                long t0 = System.nanoTime();
                exec(List.of("getscu", "-aec", "PACS", "--max-pdu", "131072", "-S", "-k", "QueryRetrieveLevel=STUDY", "-k",
                        "StudyInstanceUID=" + study.studyInstanceUid(), "-od", out.toString(), "127.0.0.1", String.valueOf(port)));
                double getscu = (System.nanoTime() - t0) / 1e9;
                delete(out);

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
                ObjectNode images = (ObjectNode) new ObjectMapper().readTree("""
                        {"endpoint": "dimse://127.0.0.1:%d", "ae": "PACS", "cacheDirectory": "cache-%d",
                         "cacheMaxBytes": 4294967296, "maxPduLength": 131072}""".formatted(port, round));
                double retrieve;
                double serve;
                long served;
                try (ImageSource source = new DimseImageSourceProvider().create(new ConfigSection("images", images),
                        new HostEnvironment(work, Clock.systemUTC(), HostEnvironment.UpstreamPolicy.ALLOW_ALL, "bench"))) {
                    RetrieveRequest request = RetrieveRequest.study(study.studyInstanceUid(), RetrieveRequest.Resource.INSTANCES);
                    long t1 = System.nanoTime();
                    Retrieval r;
                    while ((r = source.retrieve(request)) instanceof Retrieval.Pending) {
                        Thread.sleep(20);
                    }
                    retrieve = (System.nanoTime() - t1) / 1e9;
                    long t2 = System.nanoTime();
                    CountingStream counter = new CountingStream();
                    try (var body = ((Retrieval.Ready) r).body()) {
                        body.writeTo(counter);
                    }
                    served = counter.count;
                    serve = (System.nanoTime() - t2) / 1e9;
                }
                sampler.interrupt();
                sampler.join();
                if (served < bytes) {
                    throw new IllegalStateException("served " + served + " bytes, fewer than the study's " + bytes);
                }
                delete(work.resolve("cache-" + round));
                System.out.printf("%5d | %8.2f | %14.2f | %11.2f | %21.2f | %d%n", round, getscu, retrieve, serve,
                        retrieve / getscu, peak.get() >> 20);
            }
        } finally {
            pacs.descendants().forEach(ProcessHandle::destroyForcibly);
            pacs.destroyForcibly();
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
