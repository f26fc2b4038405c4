package org.smartimaging.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real Orthanc PACS started as a child process on free loopback ports, for integration tests of
 * the {@code dicom-web} and {@code dimse} sources. Orthanc 1.10 from Debian starts in well under a
 * second; each server gets its own temporary storage, removed in {@link #close()}.
 *
 * <pre>
 * try (OrthancServer orthanc = OrthancServer.builder().basicAuth("user", "secret").start()) {
 *     orthanc.upload(file);
 *     URI qido = orthanc.dicomWebUri();
 * }
 * </pre>
 *
 * <p>When Orthanc or its DICOMweb plugin is missing the builder fails (never skips) with the
 * packages to install.
 */
public final class OrthancServer implements AutoCloseable {

    public static final Path ORTHANC_BINARY = Path.of("/usr/sbin/Orthanc");
    public static final Path PLUGIN_DIRECTORY = Path.of("/usr/share/orthanc/plugins");
    public static final String DICOMWEB_PLUGIN = "libOrthancDicomWeb.so";
    private static final String INSTALL_HINT = "apt-get install orthanc orthanc-dicomweb";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Builder settings;
    private final int httpPort;
    private final int dicomPort;
    private final Path workDirectory;
    private final Path storageDirectory;
    private final Path configFile;
    private final Path logFile;
    private final HttpClient http;
    private Process process;

    private OrthancServer(Builder settings) throws IOException {
        this.settings = settings;
        this.httpPort = settings.httpPort != 0 ? settings.httpPort : freePort();
        this.dicomPort = settings.dicomPort != 0 ? settings.dicomPort : freePort();
        this.workDirectory = Files.createTempDirectory("orthanc-test-");
        this.storageDirectory = settings.storageDirectory != null
                ? settings.storageDirectory
                : Files.createDirectories(workDirectory.resolve("storage"));
        this.configFile = workDirectory.resolve("orthanc.json");
        this.logFile = workDirectory.resolve("orthanc.log");
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        Files.writeString(configFile, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(configuration()));
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The HTTP port (REST API and DICOMweb), on loopback. */
    public int httpPort() {
        return httpPort;
    }

    /** The DICOM (DIMSE) port. */
    public int dicomPort() {
        return dicomPort;
    }

    public String aeTitle() {
        return settings.aeTitle;
    }

    /** {@code http://127.0.0.1:{port}}, the REST API root. */
    public URI baseUri() {
        return URI.create("http://127.0.0.1:" + httpPort);
    }

    /** The DICOMweb base, e.g. {@code http://127.0.0.1:{port}/dicom-web} (no trailing slash). */
    public URI dicomWebUri() {
        String root = settings.dicomWebRoot.endsWith("/")
                ? settings.dicomWebRoot.substring(0, settings.dicomWebRoot.length() - 1)
                : settings.dicomWebRoot;
        return URI.create(baseUri() + root);
    }

    public Path storageDirectory() {
        return storageDirectory;
    }

    /** Orthanc's log so far (for assertion messages). */
    public String log() {
        try {
            return Files.exists(logFile) ? Files.readString(logFile, StandardCharsets.ISO_8859_1) : "";
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    /**
     * Uploads one DICOM Part 10 file through the REST API ({@code POST /instances}). Retried once on
     * a network error: Orthanc closes idle keep-alive connections after a second, and the JDK client
     * does not retry a POST on such a stale connection by itself.
     */
    public void upload(Path dicomFile) {
        for (int attempt = 1; ; attempt++) {
            try {
                HttpResponse<String> response = http.send(
                        authorized(HttpRequest.newBuilder(baseUri().resolve("/instances")))
                                .header("Content-Type", "application/dicom")
                                .POST(HttpRequest.BodyPublishers.ofFile(dicomFile))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() != 200) {
                    throw new IllegalStateException("Orthanc refused " + dicomFile + ": HTTP "
                            + response.statusCode() + " " + response.body());
                }
                return;
            } catch (IOException e) {
                if (attempt >= 3) {
                    throw new UncheckedIOException(e);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    public void uploadAll(List<Path> dicomFiles) {
        dicomFiles.forEach(this::upload);
    }

    /** A GET on Orthanc with the configured credentials, e.g. a direct QIDO-RS call in a test. */
    public HttpResponse<byte[]> get(String pathAndQuery, String accept) {
        try {
            HttpRequest.Builder request = authorized(HttpRequest.newBuilder(URI.create(baseUri() + pathAndQuery)));
            if (accept != null) {
                request.header("Accept", accept);
            }
            return http.send(request.GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Adds the configured basic credentials (if any) to a request to this server. */
    public HttpRequest.Builder authorized(HttpRequest.Builder request) {
        if (settings.username != null) {
            String pair = settings.username + ":" + settings.password;
            request.header("Authorization",
                    "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
        }
        return request;
    }

    /** Stops the process (storage kept); {@link #restart()} brings it back on the same ports. */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    /** Kills the process at once, as a crashing PACS would go. */
    public synchronized void kill() {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    public synchronized void restart() {
        stop();
        launch();
    }

    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    @Override
    public void close() {
        stop();
        deleteRecursively(workDirectory);
    }

    private synchronized void launch() {
        ProcessBuilder command = new ProcessBuilder(ORTHANC_BINARY.toString(), configFile.toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        try {
            process = command.start();
        } catch (IOException e) {
            throw new IllegalStateException("Cannot start " + ORTHANC_BINARY + " (" + INSTALL_HINT + "): " + e, e);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                String log = log();
                process = null;
                throw new IllegalStateException("Orthanc exited at start-up; its log:\n" + log);
            }
            if (answersSystem()) {
                return;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        stop();
        throw new IllegalStateException("Orthanc did not answer /system within 30 s; its log:\n" + log());
    }

    private boolean answersSystem() {
        try {
            HttpResponse<String> response = http.send(
                    authorized(HttpRequest.newBuilder(baseUri().resolve("/system")))
                            .timeout(Duration.ofSeconds(2))
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private ObjectNode configuration() {
        ObjectNode config = JSON.createObjectNode();
        config.put("Name", "smart-imaging-test-" + httpPort);
        config.put("StorageDirectory", storageDirectory.toString());
        config.put("IndexDirectory", storageDirectory.toString());
        config.put("HttpPort", httpPort);
        config.put("DicomPort", dicomPort);
        config.put("DicomAet", settings.aeTitle);
        config.put("RemoteAccessAllowed", false);
        config.put("HttpServerEnabled", true);
        config.put("StorageCompression", false);
        config.put("OverwriteInstances", true);
        config.put("HttpThreadsCount", 50);
        config.put("LimitFindResults", 0);
        config.put("LimitFindInstances", 0);
        config.put("StableAge", 1);
        config.put("SaveJobs", false);
        config.put("DicomCheckCalledAet", false);
        config.put("DicomAlwaysAllowEcho", true);
        config.put("DicomAlwaysAllowStore", true);
        config.put("DicomAlwaysAllowFind", true);
        config.put("DicomAlwaysAllowMove", true);
        config.put("DicomAlwaysAllowGet", true);
        config.put("AuthenticationEnabled", settings.username != null);
        ObjectNode users = config.putObject("RegisteredUsers");
        if (settings.username != null) {
            users.put(settings.username, settings.password);
        }
        config.putArray("Plugins").add(settings.pluginPath.toString());
        ObjectNode dicomWeb = config.putObject("DicomWeb");
        dicomWeb.put("Enable", settings.dicomWebEnabled);
        dicomWeb.put("Root", settings.dicomWebRoot);
        dicomWeb.put("EnableWado", true);
        dicomWeb.put("Ssl", false);
        dicomWeb.put("Host", settings.dicomWebHost != null ? settings.dicomWebHost : "127.0.0.1:" + httpPort);
        dicomWeb.put("StudiesMetadata", "Full");
        dicomWeb.put("SeriesMetadata", "Full");
        ObjectNode modalities = config.putObject("DicomModalities");
        settings.modalities.forEach((name, modality) -> modalities.putArray(name)
                .add(modality.aeTitle()).add(modality.host()).add(modality.port()));
        settings.extraConfig.forEach((field, value) -> config.set(field, JSON.valueToTree(value)));
        return config;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }

    private static void deleteRecursively(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // best effort in a temp directory
        }
    }

    /** A DICOM peer Orthanc knows by name (C-MOVE destinations, C-STORE targets). */
    public record Modality(String aeTitle, String host, int port) {}

    /** Settings for {@link OrthancServer}; every one has a default fit for tests. */
    public static final class Builder {
        private String aeTitle = "ORTHANC";
        private String username;
        private String password;
        private boolean dicomWebEnabled = true;
        private String dicomWebRoot = "/dicom-web/";
        private String dicomWebHost;
        private Path pluginPath = PLUGIN_DIRECTORY.resolve(DICOMWEB_PLUGIN);
        private Path storageDirectory;
        private int httpPort;
        private int dicomPort;
        private final Map<String, Modality> modalities = new LinkedHashMap<>();
        private final Map<String, Object> extraConfig = new LinkedHashMap<>();

        private Builder() {}

        public Builder aeTitle(String aeTitle) {
            this.aeTitle = aeTitle;
            return this;
        }

        /** Turns HTTP basic authentication on with this one user. */
        public Builder basicAuth(String username, String password) {
            this.username = username;
            this.password = password;
            return this;
        }

        public Builder dicomWebEnabled(boolean enabled) {
            this.dicomWebEnabled = enabled;
            return this;
        }

        /** {@code DicomWeb.Root}, default {@code /dicom-web/}. */
        public Builder dicomWebRoot(String root) {
            this.dicomWebRoot = root;
            return this;
        }

        /** {@code DicomWeb.Host} for absolute URLs, default {@code 127.0.0.1:{httpPort}}. */
        public Builder dicomWebHost(String host) {
            this.dicomWebHost = host;
            return this;
        }

        /** A plugin file or a directory of plugins, default the DICOMweb plugin in {@link #PLUGIN_DIRECTORY}. */
        public Builder pluginPath(Path path) {
            this.pluginPath = path;
            return this;
        }

        /** Storage that outlives the server (default: a temporary directory removed on close). */
        public Builder storageDirectory(Path directory) {
            this.storageDirectory = directory;
            return this;
        }

        public Builder httpPort(int port) {
            this.httpPort = port;
            return this;
        }

        public Builder dicomPort(int port) {
            this.dicomPort = port;
            return this;
        }

        /** A {@code DicomModalities} entry. */
        public Builder modality(String name, String aeTitle, String host, int port) {
            modalities.put(name, new Modality(aeTitle, host, port));
            return this;
        }

        /** Any other top-level Orthanc option (value serialised with Jackson). */
        public Builder option(String field, Object value) {
            extraConfig.put(field, value);
            return this;
        }

        /** Starts Orthanc and waits until {@code /system} answers. */
        public OrthancServer start() {
            List<String> missing = new ArrayList<>();
            if (!Files.isExecutable(ORTHANC_BINARY)) {
                missing.add(ORTHANC_BINARY.toString());
            }
            if (!Files.exists(pluginPath)) {
                missing.add(pluginPath.toString());
            }
            if (!missing.isEmpty()) {
                throw new IllegalStateException("Orthanc is needed for this test but " + String.join(" and ", missing)
                        + " is missing: " + INSTALL_HINT);
            }
            try {
                OrthancServer server = new OrthancServer(this);
                try {
                    server.launch();
                } catch (RuntimeException e) {
                    server.close();
                    throw e;
                }
                return server;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
