package org.smartimaging.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smartimaging.engine.ImagingEngine;
import org.smartimaging.engine.ServerOptions;
import org.smartimaging.testing.TestStudies;

/**
 * Slow readers on a real Jetty whose thread pool is far smaller than the number of slow readers:
 * with non-blocking output they hold no thread, so other clients are served; readers below the
 * minimum rate are cut off (never sent a clean end of a truncated body).
 */
class SlowReadersTest {

    static final int THREADS = 24;
    static final int SLOW_READERS = 64;
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @TempDir
    Path data;
    Server jetty;
    QueuedThreadPool threads;
    ImagingEngine engine;
    String base;
    int port;
    TestStudies.Study written;
    final List<Socket> sockets = new ArrayList<>();

    void start(ServerOptions.Builder options) throws Exception {
        written = TestStudies.write(data.resolve("studies"), "MRN-SLOW", "CT", 1, 16, 512); // 16 x 512 KiB
        engine = new ImagingEngine(options.dataDirectory(data).randomStudyTokenKey()
                .builtInConfig("open", """
                        {"authorization": {"type": "mock", "disableAuthzChecks": true},
                         "images": {"type": "folder", "directory": "studies", "lookup": "all-studies-on-server"}}""")
                .build());
        threads = new QueuedThreadPool(THREADS, 4);
        jetty = new Server(threads);
        ServerConnector connector = new ServerConnector(jetty, 1, 1);
        connector.setHost("127.0.0.1");
        jetty.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/");
        ServletHolder holder = new ServletHolder(new SmartImagingServlet(engine));
        holder.setAsyncSupported(true);
        context.addServlet(holder, "/imaging/*");
        jetty.setHandler(context);
        jetty.start();
        port = connector.getLocalPort();
        base = "http://127.0.0.1:" + port + "/imaging";
    }

    @AfterEach
    void stop() throws Exception {
        for (Socket socket : sockets) {
            socket.close();
        }
        jetty.stop();
        engine.close();
    }

    @Test
    void slowReadersHoldNoThreadSoOthersAreServed() throws Exception {
        start(ServerOptions.builder().minResponseRate(0, Duration.ZERO));
        String study = studyPath();

        for (int i = 0; i < SLOW_READERS; i++) {
            Socket reader = request(study);
            assertThat(readHead(reader.getInputStream())).startsWith("HTTP/1.1 200");
            // ...and then reads nothing more: its answer is stuck mid-body
        }

        HttpResponse<String> search = get(base + "/open/fhir/ImagingStudy");
        HttpResponse<String> metadata = get(base + study.substring("/imaging".length()) + "/metadata");
        assertThat(search.statusCode()).isEqualTo(200);
        assertThat(metadata.statusCode()).isEqualTo(200);
        assertThat(metadata.body()).contains("MRN-SLOW");
        assertThat(threads.getBusyThreads()).as("threads busy with %d stuck downloads", SLOW_READERS)
                .isLessThan(THREADS / 2);
    }

    @Test
    void readersBelowTheMinimumRateAreCutOff() throws Exception {
        start(ServerOptions.builder().minResponseRate(64L * 1024 * 1024, Duration.ofMillis(200)));
        Socket reader = request(studyPath());
        InputStream in = reader.getInputStream();
        String head = readHead(in);
        long announced = contentLength(head);

        long received = 0;
        byte[] buffer = new byte[8 * 1024];
        try {
            for (int n; (n = in.read(buffer)) > 0; ) {
                received += n;
                Thread.sleep(20); // about 400 KB/s, far below the minimum
            }
        } catch (IOException cutOff) {
            // a reset is as good as an early end
        }

        assertThat(received).as("bytes of a %d-byte body before the connection ended", announced)
                .isLessThan(announced);
    }

    @Test
    void aFastReaderGetsTheWholeStudyByteForByte() throws Exception {
        start(ServerOptions.builder());

        HttpResponse<byte[]> answer = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                        + studyPath() + "/series/" + written.seriesInstanceUids().get(0)
                        + "/instances/" + written.sopInstanceUids().get(1)))
                .header("Accept", "multipart/related; type=\"application/dicom\"").build(),
                HttpResponse.BodyHandlers.ofByteArray());

        byte[] file = java.nio.file.Files.readAllBytes(written.files().get(1));
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.headers().firstValueAsLong("Content-Length")).hasValue(answer.body().length);
        assertThat(indexOf(answer.body(), file)).isPositive();
    }

    private String studyPath() throws Exception {
        JsonNode bundle = new ObjectMapper().readTree(get(base + "/open/fhir/ImagingStudy").body());
        JsonNode resource = bundle.path("entry").get(0).path("resource");
        String address = resource.path("contained").get(0).path("address").asText();
        return URI.create(address).getRawPath() + "/studies/" + resource.path("id").asText();
    }

    private Socket request(String path) throws IOException {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(4096);
        socket.setSoTimeout(60_000);
        socket.connect(new InetSocketAddress("127.0.0.1", port));
        sockets.add(socket);
        socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
                + "\r\nAccept: multipart/related; type=\"application/dicom\"\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        return socket;
    }

    /** The status line and headers, read byte by byte up to the blank line. */
    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        for (int b; matched < 4 && (b = in.read()) >= 0; ) {
            head.write(b);
            matched = (b == '\r' || b == '\n') ? matched + 1 : 0;
        }
        return head.toString(StandardCharsets.US_ASCII);
    }

    private static long contentLength(String head) {
        Matcher length = Pattern.compile("(?i)content-length:\\s*(\\d+)").matcher(head);
        assertThat(length.find()).as("Content-Length in %s", head).isTrue();
        return Long.parseLong(length.group(1));
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
