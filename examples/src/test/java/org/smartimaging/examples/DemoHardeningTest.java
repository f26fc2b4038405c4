package org.smartimaging.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smartimaging.examples.DemoServer.DemoOptions;

/**
 * The demo as an attacker finds it on a developer's machine: a DNS-rebinding page, a header-echo
 * probe, and version fingerprinting all come away empty.
 */
class DemoHardeningTest {

    @TempDir
    static Path data;
    static DemoServer server;

    @BeforeAll
    static void start() throws Exception {
        server = DemoServer.start(DemoOptions.parse("--port", "0", "--data", data.toString()));
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    /** One request with exactly these lines, as a browser or attacker sends it; the whole answer. */
    static String raw(String requestLine, String... headerLines) throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            socket.setSoTimeout(20_000);
            StringBuilder request = new StringBuilder(requestLine).append("\r\n");
            for (String line : headerLines) {
                request.append(line).append("\r\n");
            }
            request.append("Connection: close\r\n\r\n");
            OutputStream out = socket.getOutputStream();
            out.write(request.toString().getBytes(StandardCharsets.US_ASCII));
            out.flush();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            socket.getInputStream().transferTo(answer);
            return answer.toString(StandardCharsets.UTF_8);
        }
    }

    static final List<String> PATHS = List.of("/viewer/", "/demo-ehr/fhir/.well-known/smart-configuration",
            "/demo-ehr/fhir/metadata", "/demo/fhir/metadata", "/open/fhir/ImagingStudy?patient=x");

    @Test
    void dnsRebindingHostsAreRefusedEverywhere() throws Exception {
        for (String path : PATHS) {
            String answer = raw("GET " + path + " HTTP/1.1", "Host: rebind.attacker.example:" + server.port(),
                    "Origin: http://rebind.attacker.example:" + server.port());

            assertThat(answer).as(path).startsWith("HTTP/1.1 421").doesNotContain("attacker.example")
                    .doesNotContain("Access-Control-Allow-Origin");
        }
    }

    @Test
    void loopbackHostsAreServedIpv6Included() throws Exception {
        for (String host : List.of("localhost", "127.0.0.1", "[::1]")) {
            String answer = raw("GET /demo-ehr/fhir/.well-known/smart-configuration HTTP/1.1", "Host: " + host + ":" + server.port());

            assertThat(answer).as(host).startsWith("HTTP/1.1 200").contains("http://" + host + ":" + server.port() + "/demo-ehr/fhir")
                    .doesNotContain("[[");
        }
    }

    @Test
    void traceIsRefusedAndEchoesNothing() throws Exception {
        for (String path : List.of("/demo-ehr/auth/token", "/demo-ehr/fhir/Patient", "/viewer/", "/demo/fhir/metadata")) {
            String answer = raw("TRACE " + path + " HTTP/1.1", "Host: 127.0.0.1:" + server.port(),
                    "Authorization: Bearer secret-token-123");

            assertThat(answer).as(path).startsWith("HTTP/1.1 405").doesNotContain("secret-token-123");
        }
    }

    @Test
    void noVersionBannersOrHtmlErrorPages() throws Exception {
        List<String> requests = List.of("GET /demo-ehr/fhir/metadata HTTP/1.1", "GET /demo-ehr/auth/nowhere HTTP/1.1",
                "GET /demo-ehr/fhir/.well-known/nowhere HTTP/1.1", "GET /demo/fhir/metadata HTTP/1.1",
                "GET /viewer/nowhere.html HTTP/1.1", "GET /%zz HTTP/1.1", "GET /demo-ehr/fhir/Patient/x HTTP/1.1");
        for (String request : requests) {
            String answer = raw(request, "Host: 127.0.0.1:" + server.port(), "Accept: text/html");
            String lower = answer.toLowerCase(Locale.ROOT);

            assertThat(lower).as(request).doesNotContain("\nserver:").doesNotContain("x-powered-by")
                    .doesNotContain("jetty").doesNotContain("hapi fhir").doesNotContain("<html");
        }
    }
}
