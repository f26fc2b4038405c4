package org.smartimaging.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smartimaging.engine.ImagingEngine;
import org.smartimaging.engine.ServerOptions;
import org.smartimaging.testing.TestStudies;

/** Host and Authorization header lines as a raw client sends them, through Jetty and the servlet. */
class HostHeaderServletTest {

    @TempDir
    static Path data;
    static Server jetty;
    static ImagingEngine engine;
    static int port;

    @BeforeAll
    static void start() throws Exception {
        TestStudies.write(data.resolve("studies"), "MRN-H", "CT", 1, 1, 4);
        engine = new ImagingEngine(ServerOptions.builder().dataDirectory(data).randomStudyTokenKey()
                .builtInConfig("demo", """
                        {"authorization": {"type": "mock", "patient": {"resourceType": "Patient", "id": "p1"}},
                         "images": {"type": "folder", "directory": "studies", "lookup": "studies-by-mrn"}}""")
                .build());
        jetty = new Server();
        ServerConnector connector = new ServerConnector(jetty);
        connector.setHost("127.0.0.1");
        jetty.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/");
        context.addServlet(new ServletHolder(new SmartImagingServlet(engine)), "/*");
        jetty.setHandler(context);
        jetty.start();
        port = connector.getLocalPort();
    }

    @AfterAll
    static void stop() throws Exception {
        jetty.stop();
        engine.close();
    }

    /** Sends one HTTP/1.1 request with exactly these header lines; returns the whole answer. */
    static String raw(String path, String... headerLines) throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(10_000);
            StringBuilder request = new StringBuilder("GET " + path + " HTTP/1.1\r\n");
            for (String line : headerLines) {
                request.append(line).append("\r\n");
            }
            request.append("Connection: close\r\n\r\n");
            OutputStream out = socket.getOutputStream();
            out.write(request.toString().getBytes(StandardCharsets.US_ASCII));
            out.flush();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            InputStream in = socket.getInputStream();
            in.transferTo(answer);
            return answer.toString(StandardCharsets.UTF_8);
        }
    }

    @Test
    void ipv6HostIsBracketedOnce() throws Exception {
        String answer = raw("/demo/fhir/metadata", "Host: [::1]:" + port);

        assertThat(answer).startsWith("HTTP/1.1 200").contains("http://[::1]:" + port + "/demo/fhir").doesNotContain("[[");
    }

    @Test
    void foreignHostGetsNoUrl() throws Exception {
        String answer = raw("/demo/fhir/metadata", "Host: evil.example");

        assertThat(answer).startsWith("HTTP/1.1 421").doesNotContain("evil.example");
    }

    @Test
    void twoAuthorizationLinesAreRefused() throws Exception {
        String answer = raw("/demo/fhir/ImagingStudy?patient=p1", "Host: 127.0.0.1:" + port,
                "Authorization: Bearer good-token", "Authorization: Basic dXNlcjpwYXNz");

        assertThat(answer).startsWith("HTTP/1.1 400").contains("one Authorization header");
    }
}
