package org.smartimaging.dimse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smartimaging.dimse.net.Association;
import org.smartimaging.dimse.net.AssociationSettings;
import org.smartimaging.spi.ImagingException;
import org.smartimaging.spi.Retrieval;
import org.smartimaging.spi.RetrieveRequest;
import org.smartimaging.spi.StudyQuery;
import org.smartimaging.spi.StudyRecord;
import org.smartimaging.testing.TestStudies;

/**
 * Faults end in their documented status, leave no half study in the cache, and the source goes on
 * serving: the archive killed mid-transfer, unreachable, silent past the timeout, a C-FIND answer
 * over the cap, a malformed or oversized PDU.
 */
class DimseFaultTest {

    @TempDir
    static Path dir;
    static Dcmqrscp pacs;
    static TestStudies.Study big;
    static TestStudies.Study small;
    static TestStudies.Study third;

    @BeforeAll
    static void start() {
        pacs = new Dcmqrscp(dir.resolve("pacs"), Map.of());
        big = TestStudies.write(dir.resolve("data"), "MRN-BIG", "CT", 1, 60, 256); // 128 KiB each: long enough to be cut
        small = TestStudies.write(dir.resolve("data"), "MRN-SMALL", "CT", 1, 2, 16);
        third = TestStudies.write(dir.resolve("data"), "MRN-THIRD", "MR", 1, 1, 16);
        List<Path> all = new ArrayList<>(big.files());
        all.addAll(small.files());
        all.addAll(third.files());
        pacs.store(all);
    }

    @AfterAll
    static void stop() {
        pacs.close();
    }

    static DimseImageSource source(int port, String cache, String extra) {
        return Sources.create(dir, """
                {"endpoint": "dimse://127.0.0.1:%d", "ae": "PACS", "cacheDirectory": "%s",
                 "connectTimeoutSeconds": 1, "idleTimeoutSeconds": 2 %s}""".formatted(port, cache, extra));
    }

    static RetrieveRequest study(TestStudies.Study s) {
        return RetrieveRequest.study(s.studyInstanceUid(), RetrieveRequest.Resource.INSTANCES);
    }

    @Test
    void archiveKilledMidTransferFailsOnceLeavesNothingAndIsRetried() throws Exception {
        try (DimseImageSource source = source(pacs.port(), "cache-kill", ", \"maxPduLength\": 4096")) {
            Path tmp = dir.resolve("cache-kill/tmp");
            assertThat(source.retrieve(study(big))).isInstanceOf(Retrieval.Pending.class);
            long until = System.nanoTime() + 20_000_000_000L;
            while (System.nanoTime() < until && filesUnder(tmp) < 5) {
                Thread.sleep(2);
            }
            pacs.kill();

            assertThatThrownBy(() -> Sources.untilNotPending(source, study(big), Duration.ofSeconds(20)))
                    .isInstanceOf(ImagingException.UpstreamFailure.class);
            assertThat(Sources.count(tmp)).isZero();
            assertThat(Sources.count(dir.resolve("cache-kill/studies"))).isZero();

            pacs.start();
            byte[] body = Sources.retrieveWhenReady(source, study(big), Duration.ofSeconds(60));
            assertThat(org.smartimaging.testing.Multipart.parts(
                    "multipart/related; boundary=" + new String(body, 2, 36, StandardCharsets.US_ASCII), body)).hasSize(60);
        }
    }

    @Test
    void studyLargerThanTheCacheIsRefusedInstanceByInstanceNotAsABrokenAssociation() throws Exception {
        // 60 instances of 128 KiB against a 1 MiB cache: each C-STORE past the limit is answered 0xA700
        // (a storage failure), the association carries on to the final C-GET-RSP, and nothing is kept.
        try (DimseImageSource source = source(pacs.port(), "cache-full", ", \"cacheMaxBytes\": 1048576")) {
            assertThatThrownBy(() -> Sources.untilNotPending(source, study(big), Duration.ofSeconds(20)))
                    .isInstanceOf(ImagingException.UpstreamFailure.class)
                    .hasMessageContaining("did not send the whole study")
                    .hasMessageContaining("failed)");
            assertThat(Sources.count(dir.resolve("cache-full/tmp"))).isZero();
            assertThat(Sources.count(dir.resolve("cache-full/studies"))).isZero();

            byte[] body = Sources.retrieveWhenReady(source, study(small), Duration.ofSeconds(20));
            assertThat(body.length).isGreaterThan(0);
        }
    }

    @Test
    void unreachableArchiveAnswers502AndRetriesOnTheNextRequest() throws Exception {
        try (DimseImageSource source = source(Dcmqrscp.freePort(), "cache-unreachable", "")) {
            assertThatThrownBy(() -> source.findStudies(StudyQuery.allStudies(10)))
                    .isInstanceOf(ImagingException.UpstreamFailure.class).hasMessageContaining("cannot be reached");

            assertThat(source.retrieve(study(small))).isInstanceOf(Retrieval.Pending.class);
            assertThatThrownBy(() -> Sources.untilNotPending(source, study(small), Duration.ofSeconds(10)))
                    .isInstanceOf(ImagingException.UpstreamFailure.class);
            assertThat(source.retrieve(study(small))).isInstanceOf(Retrieval.Pending.class); // reported once, then retried
            assertThat(Sources.count(dir.resolve("cache-unreachable/studies"))).isZero();
        }
    }

    @Test
    void silentArchiveTimesOutAsUpstreamFailure() throws Exception {
        try (FakePeer silent = new FakePeer(socket -> sleepQuietly(10_000));
                DimseImageSource source = source(silent.port(), "cache-silent", "")) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> source.findStudies(StudyQuery.allStudies(10)))
                    .isInstanceOf(ImagingException.UpstreamFailure.class).hasMessageContaining("in time");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));

            assertThatThrownBy(() -> Sources.untilNotPending(source, study(small), Duration.ofSeconds(10)))
                    .isInstanceOf(ImagingException.UpstreamFailure.class);
            assertThat(Sources.count(dir.resolve("cache-silent/tmp"))).isZero();
        }
    }

    @Test
    void findAnswerOverTheCapIsCancelledAndReported502() {
        try (DimseImageSource source = source(pacs.port(), "cache-cap", ", \"maxFindResults\": 2")) {
            assertThatThrownBy(() -> source.findStudies(StudyQuery.allStudies(100)))
                    .isInstanceOf(ImagingException.UpstreamFailure.class)
                    .hasMessageContaining("more than 2 matches");

            List<StudyRecord> one = source.findStudies(StudyQuery.byMrn("MRN-SMALL", 10));
            assertThat(one).extracting(StudyRecord::studyInstanceUid).containsExactly(small.studyInstanceUid());
        }
    }

    @Test
    void garbageInsteadOfAnAssociationAnswerIsUpstreamFailure() throws Exception {
        try (FakePeer garbage = new FakePeer(socket -> write(socket,
                "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
                DimseImageSource source = source(garbage.port(), "cache-garbage", "")) {
            assertThatThrownBy(() -> source.findStudies(StudyQuery.allStudies(10)))
                    .isInstanceOf(ImagingException.UpstreamFailure.class)
                    .hasRootCauseInstanceOf(org.smartimaging.dimse.net.DicomNetworkException.class);
            assertThatThrownBy(() -> Sources.untilNotPending(source, study(small), Duration.ofSeconds(10)))
                    .isInstanceOf(ImagingException.UpstreamFailure.class);
            assertThat(Sources.count(dir.resolve("cache-garbage/tmp"))).isZero();
        }
    }

    @Test
    void pduLargerThanTheNegotiatedMaximumIsRefusedBeforeItIsRead() throws Exception {
        // A peer that accepts the association, then announces a 2 GiB P-DATA-TF PDU.
        try (FakePeer oversize = new FakePeer(socket -> {
            try {
                Optional<Association> a = Association.accept(socket, "PACS", AssociationSettings.defaults(),
                        pc -> pc.transferSyntaxes().stream().findFirst());
                if (a.isPresent()) {
                    write(socket, new byte[] {4, 0, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0, 0, 0, 0});
                    sleepQuietly(3000);
                }
            } catch (java.io.IOException e) {
                // the test checks the client side
            }
        }); DimseImageSource source = source(oversize.port(), "cache-oversize", "")) {
            assertThatThrownBy(() -> source.findStudies(StudyQuery.allStudies(10)))
                    .isInstanceOf(ImagingException.UpstreamFailure.class)
                    .rootCause().hasMessageContaining("exceeds the maximum");
        }
    }

    static long filesUnder(Path dir) {
        try (var walk = java.nio.file.Files.walk(dir)) {
            return walk.filter(java.nio.file.Files::isRegularFile).count();
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            return 0;
        }
    }

    static void write(Socket socket, byte[] bytes) {
        try {
            InputStream in = socket.getInputStream();
            in.readNBytes(6);
            OutputStream out = socket.getOutputStream();
            out.write(bytes);
            out.flush();
            sleepQuietly(500);
        } catch (java.io.IOException e) {
            // peer went away
        }
    }

    static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A tiny TCP peer on a free loopback port that treats each connection with {@code behaviour}. */
    static final class FakePeer implements AutoCloseable {
        private final ServerSocket server;
        private final Thread thread;

        FakePeer(Consumer<Socket> behaviour) throws java.io.IOException {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            thread = new Thread(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket socket = server.accept();
                        Thread t = new Thread(() -> {
                            try (socket) {
                                behaviour.accept(socket);
                            } catch (java.io.IOException e) {
                                // closed
                            }
                        });
                        t.setDaemon(true);
                        t.start();
                    } catch (java.io.IOException e) {
                        return;
                    }
                }
            });
            thread.setDaemon(true);
            thread.start();
        }

        int port() {
            return server.getLocalPort();
        }

        @Override
        public void close() throws java.io.IOException {
            server.close();
        }
    }
}
