package org.smartimaging.dicomweb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smartimaging.spi.BodyChunks;
import org.smartimaging.spi.ImageSource;
import org.smartimaging.spi.ImagingException;
import org.smartimaging.spi.ResponseBody;
import org.smartimaging.spi.Retrieval;
import org.smartimaging.spi.RetrieveRequest.Resource;
import org.smartimaging.spi.RetrieveRequest;
import org.smartimaging.spi.StudyQuery;
import org.smartimaging.testing.DcmtkStudyWriter.Study;
import org.smartimaging.testing.DcmtkStudyWriter;
import org.smartimaging.testing.Multipart;
import org.smartimaging.testing.OrthancServer;

/** What the source answers when the PACS fails: never a silent 200, never a hang, never a credential. */
class DicomWebSourceFailureTest {

    static final String PASSWORD = "Pw-never-shown-99";
    static final Study STUDY = new Study("1.2.826.0.1.3680043.10.1002.1", "MRN-K", "Kill^Test", "20230505", "0808",
            "ACC-K", "Kill test", "MR", 1, 8, 256, 256);

    @TempDir
    Path files;

    @Test
    void orthancKilledMidRequestIsA502AndTheSourceWorksAgainAfterRestart() throws Exception {
        try (OrthancServer orthanc = OrthancServer.builder().basicAuth("sdk", PASSWORD).start();
                ImageSource source = Sources.fromJson(
                        Sources.basicConfig(orthanc.dicomWebUri().toString(), "sdk", PASSWORD, ""))) {
            orthanc.uploadAll(DcmtkStudyWriter.write(STUDY, files));
            assertThat(source.findStudies(StudyQuery.allStudies(10))).hasSize(1);

            // given a client hammering the source with searches and retrievals
            List<Throwable> failures = new CopyOnWriteArrayList<>();
            AtomicBoolean running = new AtomicBoolean(true);
            Thread client = new Thread(() -> {
                while (running.get()) {
                    try {
                        source.findStudies(StudyQuery.allStudies(10));
                        try (ResponseBody body = ((Retrieval.Ready) source.retrieve(
                                RetrieveRequest.study(STUDY.studyUid(), Resource.INSTANCES))).body()) {
                            body.writeTo(OutputStream.nullOutputStream());
                        }
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                }
            });
            client.start();
            Thread.sleep(300);

            // when the PACS dies under it
            orthanc.kill();
            long deadline = System.currentTimeMillis() + 10_000;
            while (failures.size() < 3 && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
            running.set(false);
            client.join(10_000);

            // then every failure is a 502 naming the host (or a broken-off body once streaming began)
            assertThat(failures).isNotEmpty();
            assertThat(failures).allSatisfy(e -> {
                if (e instanceof IOException) {
                    assertThat(e).hasMessageContaining("127.0.0.1:" + orthanc.httpPort());
                } else {
                    assertThat(e).isInstanceOf(ImagingException.UpstreamFailure.class)
                            .hasMessageContaining("127.0.0.1:" + orthanc.httpPort());
                    assertThat(((ImagingException) e).status()).isEqualTo(502);
                }
                assertThat(e.getMessage()).doesNotContain(PASSWORD);
            });
            assertThat(failures).anySatisfy(e -> assertThat(e).isInstanceOf(ImagingException.UpstreamFailure.class));

            // and after a restart the same source answers again
            orthanc.restart();
            assertThat(source.findStudies(StudyQuery.allStudies(10))).hasSize(1);
            Sources.Body body = Sources.read(source.retrieve(RetrieveRequest.study(STUDY.studyUid(), Resource.INSTANCES)));
            assertThat(Multipart.parts(body.contentType(), body.bytes())).hasSize(8);
        }
    }

    @Test
    void unreachablePacsIsA502NamingTheHost() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        try (ImageSource source = Sources.fromJson(
                Sources.basicConfig("http://127.0.0.1:" + closedPort + "/dicom-web", "sdk", PASSWORD, ""))) {
            assertThatThrownBy(() -> source.findStudies(StudyQuery.byMrn("X", 10)))
                    .isInstanceOf(ImagingException.UpstreamFailure.class)
                    .hasMessageContaining("127.0.0.1:" + closedPort)
                    .hasMessageNotContaining(PASSWORD);
            assertThatThrownBy(() -> source.retrieve(RetrieveRequest.study("1.2.3", Resource.INSTANCES)))
                    .isInstanceOf(ImagingException.UpstreamFailure.class)
                    .hasMessageContaining("127.0.0.1:" + closedPort);
        }
    }

    @Test
    void aPacsThatNeverAnswersIsA502WithinTheRequestTimeout() throws Exception {
        try (SilentServer silent = new SilentServer(null);
                ImageSource source = Sources.fromJson(Sources.basicConfig(silent.url(), "sdk", PASSWORD,
                        "\"requestTimeoutSeconds\": 1, \"connectTimeoutSeconds\": 1"))) {
            long started = System.nanoTime();
            assertThatThrownBy(() -> source.findStudies(StudyQuery.byMrn("X", 10)))
                    .isInstanceOf(ImagingException.UpstreamFailure.class)
                    .hasMessageContaining("did not answer within 1 s")
                    .hasMessageContaining(silent.hostAndPort());
            assertThatThrownBy(() -> source.retrieve(RetrieveRequest.study("1.2.3", Resource.INSTANCES)))
                    .isInstanceOf(ImagingException.UpstreamFailure.class)
                    .hasMessageContaining("did not answer within 1 s");
            assertThat((System.nanoTime() - started) / 1_000_000).isLessThan(5_000);
        }
    }

    @Test
    void aBodyThatStallsIsAbandonedAfterTheReadTimeout() throws Exception {
        String headers = "HTTP/1.1 200 OK\r\nContent-Type: multipart/related; type=\"application/dicom\"; boundary=b\r\n"
                + "Content-Length: 1000000\r\n\r\n--b\r\nContent-Type: application/dicom\r\n\r\n";
        try (SilentServer stalling = new SilentServer(headers);
                ImageSource source = Sources.fromJson(Sources.basicConfig(stalling.url(), "sdk", PASSWORD,
                        "\"readTimeoutSeconds\": 1"))) {
            Retrieval retrieval = source.retrieve(RetrieveRequest.study("1.2.3", Resource.INSTANCES));
            ResponseBody body = ((Retrieval.Ready) retrieval).body();
            assertThat(body.contentType()).isEqualTo("multipart/related; type=\"application/dicom\"; boundary=b");
            long started = System.nanoTime();
            try (body) {
                assertThatThrownBy(() -> body.writeTo(OutputStream.nullOutputStream()))
                        .isInstanceOf(IOException.class)
                        .hasMessageContaining("sent nothing for 1 s");
            }
            assertThat((System.nanoTime() - started) / 1_000_000).isBetween(900L, 4_000L);
        }
    }

    @Test
    void aPolledBodyThatStallsWakesItsWriterAndFailsAfterTheReadTimeout() throws Exception {
        String headers = "HTTP/1.1 200 OK\r\nContent-Type: multipart/related; type=\"application/dicom\"; boundary=b\r\n"
                + "Content-Length: 1000000\r\n\r\n--b\r\nContent-Type: application/dicom\r\n\r\n";
        try (SilentServer stalling = new SilentServer(headers);
                ImageSource source = Sources.fromJson(Sources.basicConfig(stalling.url(), "sdk", PASSWORD,
                        "\"readTimeoutSeconds\": 1"))) {
            ResponseBody body = ((Retrieval.Ready) source.retrieve(RetrieveRequest.study("1.2.3", Resource.INSTANCES))).body();
            BodyChunks chunks = body.chunks().orElseThrow();
            java.util.concurrent.CountDownLatch woken = new java.util.concurrent.CountDownLatch(1);
            try (body) {
                BodyChunks.Chunk chunk;
                long received = 0;
                while ((chunk = chunks.poll(woken::countDown)) instanceof BodyChunks.Bytes bytes) {
                    received += bytes.buffer().remaining();
                }
                assertThat(chunk).as("nothing more yet after %d bytes", received).isNull();
                assertThat(woken.await(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
                assertThatThrownBy(() -> chunks.poll(() -> { }))
                        .isInstanceOf(IOException.class)
                        .hasMessageContaining("sent nothing for 1 s");
            }
        }
    }

    @Test
    void a503WithRetryAfterIsRetryLaterWithTheSameSeconds() throws IOException {
        HttpServer busy = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        busy.createContext("/", exchange -> {
            exchange.getResponseHeaders().add("Retry-After", "7");
            exchange.sendResponseHeaders(503, -1);
            exchange.close();
        });
        busy.start();
        String url = "http://127.0.0.1:" + busy.getAddress().getPort() + "/dicom-web";
        try (ImageSource source = Sources.fromJson(Sources.basicConfig(url, "sdk", PASSWORD, ""))) {
            assertThatThrownBy(() -> source.findStudies(StudyQuery.byMrn("X", 10)))
                    .isInstanceOfSatisfying(ImagingException.RetryLater.class,
                            e -> assertThat(e.retryAfterSeconds()).isEqualTo(7));
            assertThatThrownBy(() -> source.retrieve(RetrieveRequest.study("1.2.3", Resource.INSTANCES)))
                    .isInstanceOfSatisfying(ImagingException.RetryLater.class, e -> {
                        assertThat(e.retryAfterSeconds()).isEqualTo(7);
                        assertThat(e.status()).isEqualTo(503);
                    });
        } finally {
            busy.stop(0);
        }
    }

    @Test
    void anUpstream406Or400StaysWhatItIs() throws IOException {
        HttpServer refusing = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        refusing.createContext("/", exchange -> {
            exchange.sendResponseHeaders(exchange.getRequestURI().getPath().contains("/series/") ? 400 : 406, -1);
            exchange.close();
        });
        refusing.start();
        String url = "http://127.0.0.1:" + refusing.getAddress().getPort() + "/dicom-web";
        try (ImageSource source = Sources.fromJson(Sources.basicConfig(url, "sdk", PASSWORD, ""))) {
            assertThatThrownBy(() -> source.retrieve(RetrieveRequest.study("1.2.3", Resource.INSTANCES)))
                    .isInstanceOf(ImagingException.NotAcceptable.class)
                    .satisfies(e -> assertThat(((ImagingException) e).status()).isEqualTo(406));
            assertThatThrownBy(() -> source.retrieve(new RetrieveRequest("1.2.3", "4.5", null, Resource.METADATA,
                    List.of(), null, java.util.Map.of())))
                    .isInstanceOf(ImagingException.BadRequest.class)
                    .satisfies(e -> assertThat(((ImagingException) e).status()).isEqualTo(400));
        } finally {
            refusing.stop(0);
        }
    }

    /** Accepts connections, reads the request, then sends {@code prefix} (if any) and nothing more. */
    static final class SilentServer implements AutoCloseable {
        private final ServerSocket socket;
        private final List<Socket> accepted = new CopyOnWriteArrayList<>();
        private final Thread acceptor;

        SilentServer(String prefix) throws IOException {
            socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            acceptor = new Thread(() -> {
                while (!socket.isClosed()) {
                    try {
                        Socket connection = socket.accept();
                        accepted.add(connection);
                        if (prefix != null) {
                            InputStream in = connection.getInputStream();
                            readRequestHead(in);
                            connection.getOutputStream().write(prefix.getBytes(StandardCharsets.ISO_8859_1));
                            connection.getOutputStream().flush();
                        }
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
        }

        private static void readRequestHead(InputStream in) throws IOException {
            int matched = 0;
            byte[] end = {'\r', '\n', '\r', '\n'};
            while (matched < 4) {
                int b = in.read();
                if (b < 0) {
                    return;
                }
                matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
            }
        }

        String hostAndPort() {
            return "127.0.0.1:" + socket.getLocalPort();
        }

        String url() {
            return "http://" + hostAndPort() + "/dicom-web";
        }

        @Override
        public void close() throws IOException {
            socket.close();
            for (Socket connection : accepted) {
                connection.close();
            }
        }
    }
}
