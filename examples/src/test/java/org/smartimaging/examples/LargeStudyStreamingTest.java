package org.smartimaging.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smartimaging.dicom.DicomFileWriter;
import org.smartimaging.dicom.Uids;
import org.smartimaging.testing.TestStudies;

/**
 * Streaming, not buffering: a study of 400 MiB is served by a demo server whose heap is 64 MiB
 * (a forked JVM), in full, and the server is still alive afterwards.
 */
class LargeStudyStreamingTest {

    static final int INSTANCES = 100;
    static final int ROWS = 1450; // 1450 x 1450 x 2 bytes: just over 4 MiB of pixels per instance

    @TempDir
    Path data;
    @TempDir
    Path configs;

    @Test
    void servesAStudySixTimesLargerThanTheHeap() throws Exception {
        String study = TestStudies.newUid();
        String series = TestStudies.newUid();
        Path dir = Files.createDirectories(data.resolve("big"));
        long expectedBytes = 0;
        for (int i = 1; i <= INSTANCES; i++) {
            Path file = dir.resolve(i + ".dcm");
            DicomFileWriter.write(file, TestStudies.image("MRN-BIG", "CT", study, series, 1, TestStudies.newUid(), i, ROWS),
                    Uids.ExplicitVRLittleEndian);
            expectedBytes += Files.size(file);
        }
        assertThat(expectedBytes).isGreaterThan(400L * 1024 * 1024);
        Files.writeString(configs.resolve("big.json"), """
                {"authorization": {"type": "mock", "disableAuthzChecks": true},
                 "images": {"type": "folder", "directory": "big", "lookup": "all-studies-on-server"}}""");

        Process server = new ProcessBuilder(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m", "-XX:+ExitOnOutOfMemoryError", "-cp", System.getProperty("java.class.path"),
                DemoServer.class.getName(), "--port", "0", "--data", data.toString(), "--config-dir", configs.toString())
                .redirectErrorStream(true).start();
        try {
            String base = awaitBaseUrl(server);
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            JsonNode bundle = new ObjectMapper().readTree(http.send(HttpRequest.newBuilder(
                    URI.create(base + "/big/fhir/ImagingStudy")).build(), HttpResponse.BodyHandlers.ofByteArray()).body());
            String address = bundle.path("entry").get(0).path("resource").path("contained").get(0).path("address").asText();

            HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(URI.create(address + "/studies/" + study))
                    .build(), HttpResponse.BodyHandlers.ofInputStream());
            long received = 0;
            try (InputStream body = response.body()) {
                byte[] buffer = new byte[1 << 16];
                for (int n; (n = body.read(buffer)) > 0; ) {
                    received += n;
                }
            }

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(received).isGreaterThan(expectedBytes);
            assertThat(server.isAlive()).as("server survived with -Xmx64m").isTrue();
        } finally {
            server.destroy();
            server.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static String awaitBaseUrl(Process server) throws Exception {
        Pattern started = Pattern.compile("demo server on (http://\\S+)");
        BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        StringBuilder seen = new StringBuilder();
        for (String line; System.nanoTime() < deadline && (line = out.readLine()) != null; ) {
            seen.append(line).append('\n');
            Matcher m = started.matcher(line);
            if (m.find()) {
                Thread drain = new Thread(() -> drain(out));
                drain.setDaemon(true);
                drain.start();
                return m.group(1);
            }
        }
        throw new AssertionError("The demo server did not start:\n" + seen);
    }


    /** Reads the server's output until it closes, so the server never blocks on a full pipe. */
    private static void drain(BufferedReader out) {
        try {
            while (out.readLine() != null) {
                // discard
            }
        } catch (java.io.IOException closedWhenTheServerStops) {
            // the process is gone
        }
    }
}
