package org.smartimaging.dicomweb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smartimaging.spi.ImageSource;
import org.smartimaging.spi.ImagingException;
import org.smartimaging.spi.StudyQuery;
import org.smartimaging.testing.DcmtkStudyWriter.Study;
import org.smartimaging.testing.DcmtkStudyWriter;
import org.smartimaging.testing.MutableClock;
import org.smartimaging.testing.OrthancServer;

/**
 * Bearer and client-credentials authentication to a real Orthanc whose Lua request filter admits
 * DICOMweb requests only with an accepted bearer token ({@code tok-2} or {@code tok-3}). The token
 * endpoint is a small JDK server that counts its calls and hands out {@code tok-1}, {@code tok-2}, ...
 */
class UpstreamAuthenticationTest {

    static final String CLIENT_SECRET = "cc-Secret-never-shown";
    static final Study STUDY = Study.small("1.2.826.0.1.3680043.10.1003.1", "MRN-T", 1, 1);

    @TempDir
    static Path files;
    static OrthancServer orthanc;
    static HttpServer tokenEndpoint;
    static final AtomicInteger issued = new AtomicInteger();
    static final List<String> tokenRequests = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws IOException {
        Path filter = files.resolve("filter.lua");
        Files.writeString(filter, """
                function IncomingHttpRequestFilter(method, uri, ip, username, httpHeaders)
                  if string.sub(uri, 1, 10) ~= '/dicom-web' then
                    return true
                  end
                  local auth = httpHeaders['authorization']
                  return auth == 'Bearer tok-2' or auth == 'Bearer tok-3'
                end
                """);
        orthanc = OrthancServer.builder().option("LuaScripts", List.of(filter.toString())).start();
        orthanc.uploadAll(DcmtkStudyWriter.write(STUDY, files.resolve("study")));

        tokenEndpoint = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        tokenEndpoint.createContext("/token", exchange -> {
            String form = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String basic = exchange.getRequestHeaders().getFirst("Authorization");
            tokenRequests.add(form + " | " + basic);
            byte[] answer;
            int status;
            if (basic == null || !basic.equals("Basic " + java.util.Base64.getEncoder()
                    .encodeToString(("imaging:" + CLIENT_SECRET).getBytes(StandardCharsets.UTF_8)))) {
                status = 401;
                answer = "{\"error\":\"invalid_client\"}".getBytes(StandardCharsets.UTF_8);
            } else {
                status = 200;
                answer = ("{\"access_token\":\"tok-" + issued.incrementAndGet()
                        + "\",\"token_type\":\"Bearer\",\"expires_in\":600}").getBytes(StandardCharsets.UTF_8);
            }
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        tokenEndpoint.start();
    }

    @AfterAll
    static void stop() {
        if (tokenEndpoint != null) {
            tokenEndpoint.stop(0);
        }
        if (orthanc != null) {
            orthanc.close();
        }
    }

    @Test
    void sendsAFixedBearerToken() {
        try (ImageSource source = Sources.fromJson(config("{\"type\": \"bearer\", \"token\": \"tok-3\"}"))) {
            assertThat(source.findStudies(StudyQuery.byMrn("MRN-T", 10))).hasSize(1);
        }
    }

    @Test
    void aRejectedBearerTokenIsA502WithoutTheToken() {
        try (ImageSource source = Sources.fromJson(config("{\"type\": \"bearer\", \"token\": \"tok-wrong\"}"))) {
            assertThatThrownBy(() -> source.findStudies(StudyQuery.byMrn("MRN-T", 10)))
                    .isInstanceOf(ImagingException.UpstreamFailure.class)
                    .hasMessageContaining("rejected our credentials")
                    .hasMessageNotContaining("tok-wrong");
        }
    }

    @Test
    void fetchesAClientCredentialsTokenRetriesOnceWhenRejectedAndRefreshesBeforeExpiry() {
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        issued.set(0);
        tokenRequests.clear();
        try (ImageSource source = Sources.fromJson(config(clientCredentials(CLIENT_SECRET)), clock)) {
            // tok-1 is refused by the PACS, so the source fetches tok-2 and tries again
            assertThat(source.findStudies(StudyQuery.byMrn("MRN-T", 10))).hasSize(1);
            assertThat(issued.get()).isEqualTo(2);
            // tok-2 is kept while valid
            assertThat(source.findStudies(StudyQuery.byMrn("MRN-T", 10))).hasSize(1);
            assertThat(issued.get()).isEqualTo(2);
            // shortly before expiry (600 s, refreshed 30 s early) a new token is fetched: tok-3
            clock.advance(Duration.ofSeconds(575));
            assertThat(source.findStudies(StudyQuery.byMrn("MRN-T", 10))).hasSize(1);
            assertThat(issued.get()).isEqualTo(3);
        }
        assertThat(tokenRequests).allSatisfy(request ->
                assertThat(request).startsWith("grant_type=client_credentials&scope=system%2F*.read"));
    }

    @Test
    void refusedClientCredentialsAreA502WithoutTheSecret() {
        try (ImageSource source = Sources.fromJson(config(clientCredentials("wrong-" + CLIENT_SECRET)))) {
            assertThatThrownBy(() -> source.findStudies(StudyQuery.byMrn("MRN-T", 10)))
                    .isInstanceOfSatisfying(ImagingException.UpstreamFailure.class,
                            e -> assertThat(e.status()).isEqualTo(502))
                    .hasMessageContaining("refused our client credentials")
                    .hasMessageContaining("127.0.0.1:" + tokenEndpoint.getAddress().getPort())
                    .hasMessageNotContaining(CLIENT_SECRET);
        }
    }

    private static String clientCredentials(String secret) {
        return """
                {"type": "client-credentials", "tokenEndpoint": "http://127.0.0.1:%d/token",
                 "clientId": "imaging", "clientSecret": "%s", "scope": "system/*.read"}
                """.formatted(tokenEndpoint.getAddress().getPort(), secret);
    }

    private static String config(String authentication) {
        return """
                {"type": "dicom-web", "endpoint": "%s", "authentication": %s}
                """.formatted(orthanc.dicomWebUri(), authentication);
    }

}
