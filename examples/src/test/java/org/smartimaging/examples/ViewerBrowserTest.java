package org.smartimaging.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smartimaging.examples.DemoServer.DemoOptions;
import org.smartimaging.examples.demo.DemoConfigs;
import org.smartimaging.examples.demo.DemoPatient;
import org.smartimaging.examples.demo.DemoPatients;

/**
 * The viewer in a real browser (Debian's chromium driven by playwright-core from npm): sign in at
 * the demo EHR, see the patient's own studies, open a series, see pixels; and the words shown when
 * consent is denied, the token has expired or was revoked, or the imaging server is retrieving.
 *
 * <p>Needs {@code npm ci --prefix examples/src/test/browser} and {@code apt-get install chromium};
 * without them it fails saying so. Screenshots land in {@code target/viewer-screenshots/}.
 */
class ViewerBrowserTest {

    static final Path BROWSER_DIR = Path.of("src/test/browser").toAbsolutePath();
    static final Path SCRIPT = BROWSER_DIR.resolve("viewer-test.mjs");
    static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium"));
    static final Path OUT = Path.of("target/viewer-screenshots").toAbsolutePath();
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path data;
    static DemoServer server;

    @BeforeAll
    static void start() throws Exception {
        requireBrowserTools();
        server = DemoServer.start(DemoOptions.parse("--port", "0", "--data", data.toString()));
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    static void requireBrowserTools() {
        if (!Files.isDirectory(BROWSER_DIR.resolve("node_modules/playwright-core"))) {
            fail("The browser test needs playwright-core: run `npm ci --prefix examples/src/test/browser` (Node 18+)");
        }
        if (!Files.isExecutable(CHROMIUM)) {
            fail("The browser test needs Chromium at " + CHROMIUM + ": run `apt-get install chromium` (or set CHROMIUM)");
        }
        try {
            Process node = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
            if (!node.waitFor(20, TimeUnit.SECONDS) || node.exitValue() != 0) {
                fail("`node --version` failed: install Node.js 18 or later");
            }
        } catch (IOException | InterruptedException e) {
            fail("The browser test needs `node` on the PATH (Node.js 18 or later): " + e.getMessage());
        }
    }

    static List<String> studyUids(DemoPatient patient) throws IOException {
        try (Stream<Path> dirs = Files.list(data.resolve(DemoConfigs.STUDIES_DIRECTORY).resolve(patient.mrn()))) {
            return dirs.filter(Files::isDirectory).map(d -> d.getFileName().toString()).sorted().toList();
        }
    }

    /** Runs one scenario of viewer-test.mjs; fails with its output unless it exits 0. */
    static void run(DemoServer target, String scenario, DemoPatient patient, Map<String, Object> extra) throws Exception {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("scenario", scenario);
        config.put("viewerUrl", target.viewerUrl());
        config.put("adminUrl", target.baseUrl() + DemoServer.EHR_PATH + "/auth/admin/tokens");
        config.put("outDir", OUT.toString());
        config.put("patient", Map.of("id", patient.fhirId(), "name", patient.given() + " " + patient.family()));
        config.put("otherNames", DemoPatients.all().stream().filter(p -> p != patient).map(DemoPatient::family).toList());
        config.put("studyUids", studyUids(patient));
        config.putAll(extra);
        Process node = new ProcessBuilder("node", SCRIPT.toString(), JSON.writeValueAsString(config))
                .directory(BROWSER_DIR.toFile())
                .redirectErrorStream(true)
                .start();
        byte[] output;
        boolean finished;
        try {
            output = node.getInputStream().readAllBytes();
        } finally {
            finished = node.waitFor(90, TimeUnit.SECONDS);
            if (!finished) {
                node.destroyForcibly();
            }
        }
        String log = new String(output, StandardCharsets.UTF_8);
        assertThat(finished).as("the browser scenario %s finished in time; output:%n%s", scenario, log).isTrue();
        assertThat(node.exitValue()).as("exit code of the browser scenario %s; output:%n%s", scenario, log).isZero();
    }

    @Test
    void patientSignsInOnceAndSeesOwnStudiesAndImages() throws Exception {
        run(server, "login", DemoPatients.JAMES_CHEN, Map.of("openSeries", "T2 axial"));

        assertThat(OUT.resolve("viewer-image.png")).isNotEmptyFile();
        assertThat(OUT.resolve("viewer-studies.png")).isNotEmptyFile();
    }

    /**
     * The {@code ehr-independent} imaging server is its own authorization server: after the EHR
     * sign-in the viewer authorizes there too, the EHR answers silently ({@code prompt=none}), the
     * imaging server's consent page is approved, and its token lists and opens the studies.
     */
    @Test
    void independentImagingServerIsAuthorizedWithoutSecondEhrLogin() throws Exception {
        run(server, "independent", DemoPatients.MARIA_OKAFOR, Map.of("imagingBase", server.independentImagingFhirBase()));

        assertThat(OUT.resolve("imaging-consent-independent.png")).isNotEmptyFile();
        assertThat(OUT.resolve("independent-image.png")).isNotEmptyFile();
    }

    @Test
    void consentDeniedAtIndependentImagingServerIsExplained() throws Exception {
        run(server, "independent-denied", DemoPatients.ANA_GARCIA, Map.of("imagingBase", server.independentImagingFhirBase()));
    }

    @Test
    void expiredTokenIsExplained() throws Exception {
        run(server, "expired", DemoPatients.ANA_GARCIA, Map.of());
    }

    @Test
    void revokedTokenIsExplained() throws Exception {
        run(server, "revoked", DemoPatients.MARIA_OKAFOR, Map.of());
    }

    @Test
    void deniedConsentIsExplained() throws Exception {
        run(server, "denied", DemoPatients.ANA_GARCIA, Map.of());
    }

    @Test
    void unreachableEhrIsExplained() throws Exception {
        run(server, "unreachable", DemoPatients.ANA_GARCIA, Map.of("unreachableBase", "http://127.0.0.1:9/fhir"));
    }

    @Test
    void retrievingStudyShowsItAndRetries(@TempDir Path configs) throws Exception {
        // a mock-authorized config whose images answer 503 + Retry-After for a few seconds
        long until = Instant.now().plusSeconds(12).getEpochSecond();
        Files.writeString(configs.resolve("slow.json"), """
                {"authorization": {"type": "mock", "patient": %s},
                 "images": {"type": "folder", "directory": "%s", "lookup": "studies-by-mrn",
                            "delay": {"retrieveUntil": %d}}}"""
                .formatted(DemoConfigs.patientJson(DemoPatients.ANA_GARCIA), DemoConfigs.STUDIES_DIRECTORY, until));
        try (DemoServer slow = DemoServer.start(DemoOptions.parse("--port", "0", "--data", data.toString(),
                "--config-dir", configs.toString()))) {
            run(slow, "retrieving", DemoPatients.ANA_GARCIA, Map.of("imagingBase", slow.baseUrl() + "/slow/fhir"));
        }
    }
}
