package org.smartimaging.examples;

import java.nio.file.Path;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.smartimaging.engine.ImagingEngine;
import org.smartimaging.engine.ServerOptions;
import org.smartimaging.examples.demo.DemoConfigs;
import org.smartimaging.examples.demo.DemoDataset;
import org.smartimaging.examples.demo.DemoPatient;
import org.smartimaging.examples.demo.DemoPatients;
import org.smartimaging.examples.ehr.DemoEhr;
import org.smartimaging.examples.ehr.RegisteredApp;
import org.smartimaging.examples.viewer.ViewerServlet;
import org.smartimaging.servlet.SmartImagingServlet;

/**
 * The runnable demo: generates a small dataset once, then serves it on embedded Jetty 12 with the
 * {@code open}, {@code demo} and {@code ehr} configurations (and any {@code {key}.json} in
 * {@code --config-dir}), next to a demo EHR ({@code /demo-ehr/...}) and the viewer ({@code /viewer/}).
 *
 * <pre>java -jar smart-imaging-demo.jar [--port 8080] [--data demo-data] [--config-dir DIR] [--apps apps.json]</pre>
 */
public final class DemoServer implements AutoCloseable {

    /** Where the demo EHR is mounted; its FHIR base is {@code /demo-ehr/fhir}. */
    public static final String EHR_PATH = "/demo-ehr";
    /** The key of the imaging configuration that trusts the demo EHR. */
    public static final String EHR_CONFIG_KEY = "ehr";
    /** The key of the imaging configuration that is its own authorization server, signing users in at the demo EHR. */
    public static final String EHR_INDEPENDENT_CONFIG_KEY = "ehr-independent";

    private final Server jetty;
    private final ImagingEngine engine;
    private final DemoEhr ehr;

    private DemoServer(Server jetty, ImagingEngine engine, DemoEhr ehr) {
        this.jetty = jetty;
        this.engine = engine;
        this.ehr = ehr;
    }

    /** Generates the data (once) and starts serving; port 0 picks a free port. */
    public static DemoServer start(DemoOptions options) throws Exception {
        return start(options, Map.of());
    }

    /**
     * As {@link #start(DemoOptions)}, plus more configurations that trust the demo EHR like {@code ehr}
     * does, each with its own {@code images} section (JSON, by config key): the same SMART token
     * then opens studies of a PACS ({@code dicom-web}, {@code dicom-dimse}) too.
     */
    public static DemoServer start(DemoOptions options, Map<String, String> ehrImages) throws Exception {
        List<RegisteredApp> apps = options.appsFile() == null ? List.of() : RegisteredApp.read(options.appsFile());
        DemoDataset.generate(options.dataDirectory().resolve(DemoConfigs.STUDIES_DIRECTORY));

        Server jetty = new Server();
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false); // no version banner
        http.setSendXPoweredBy(false);
        ServerConnector connector = new ServerConnector(jetty, new HttpConnectionFactory(http));
        connector.setHost(options.host());
        connector.setPort(options.port());
        jetty.addConnector(connector);
        // Bind now: the ehr configuration names the EHR's URL, port included.
        connector.open();
        DemoEhr ehr = new DemoEhr(EHR_PATH, "/" + EHR_CONFIG_KEY + "/fhir", Clock.systemUTC());
        String selfOrigin = "http://" + loopbackOr(options.host()) + ":" + connector.getLocalPort();

        Set<String> hosts = admittedHosts(options.host());
        ServerOptions.Builder engineOptions = ServerOptions.builder()
                .allowedHosts(hosts)
                .dataDirectory(options.dataDirectory())
                .configDirectory(options.configDirectory())
                .randomStudyTokenKey();
        DemoConfigs.builtIn().forEach(engineOptions::builtInConfig);
        engineOptions.builtInConfig(EHR_CONFIG_KEY, DemoConfigs.ehr(ehr.imagingAuthorizationJson(selfOrigin)));
        // The browser is sent to the EHR's authorization endpoint as the imaging server discovered it:
        // on loopback, use the name the viewer is opened at, so the EHR's sign-in cookie applies.
        String independentOrigin = selfOrigin.startsWith("http://127.0.0.1:") ? "http://localhost:" + connector.getLocalPort() : selfOrigin;
        engineOptions.builtInConfig(EHR_INDEPENDENT_CONFIG_KEY, DemoConfigs.ehr(ehr.independentAuthorizationJson(independentOrigin,
                DemoConfigs.viewerClientJson(connector.getLocalPort()))));
        ehrImages.forEach((key, images) -> engineOptions.builtInConfig(key,
                "{\"authorization\": " + ehr.imagingAuthorizationJson(selfOrigin) + ", \"images\": " + images + "}"));
        apps.forEach(ehr::register);
        ImagingEngine engine = new ImagingEngine(engineOptions.build());

        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        context.setErrorHandler(new PlainErrors.ForContext());
        ServletHolder imaging = new ServletHolder("imaging", new SmartImagingServlet(engine));
        imaging.setAsyncSupported(true); // non-blocking output: slow readers hold no thread
        context.addServlet(imaging, "/*");
        context.addServlet(new ServletHolder("viewer", new ViewerServlet()), "/viewer/*");
        ehr.mount(context);
        jetty.setHandler(new DemoGuard(hosts, context));
        jetty.setErrorHandler(new PlainErrors.ForServer());
        try {
            jetty.start();
        } catch (Exception e) {
            connector.close();
            engine.close();
            throw e;
        }
        return new DemoServer(jetty, engine, ehr);
    }

    /**
     * The host names the demo answers for: loopback names, and the address it was told to bind when
     * that is a specific one. Never any name a client sends (DNS rebinding).
     */
    private static Set<String> admittedHosts(String bind) {
        Set<String> hosts = new HashSet<>(DemoGuard.LOOPBACK);
        String host = DemoGuard.normalise(bind);
        if (!host.isEmpty() && !host.equals("0.0.0.0") && !host.equals("::")) {
            hosts.add(host);
        }
        return hosts;
    }

    /** The address the server calls itself at: loopback when it listens on every interface. */
    private static String loopbackOr(String host) {
        return host.equals("0.0.0.0") || host.equals("::") || host.isEmpty() ? "127.0.0.1"
                : host.contains(":") ? "[" + host + "]" : host;
    }

    /** The demo EHR (for tests: its token store). */
    public DemoEhr ehr() {
        return ehr;
    }

    /** The viewer's address. */
    public String viewerUrl() {
        return baseUrl() + "/viewer/";
    }

    /** The demo EHR's FHIR base. */
    public String ehrFhirBase() {
        return baseUrl() + EHR_PATH + "/fhir";
    }

    /** The imaging FHIR base that trusts the demo EHR (the {@code ehr} config), the viewer's default. */
    public String imagingFhirBase() {
        return baseUrl() + "/" + EHR_CONFIG_KEY + "/fhir";
    }

    /** The imaging FHIR base that is its own authorization server (the {@code ehr-independent} config). */
    public String independentImagingFhirBase() {
        return baseUrl() + "/" + EHR_INDEPENDENT_CONFIG_KEY + "/fhir";
    }

    public int port() {
        return ((ServerConnector) jetty.getConnectors()[0]).getLocalPort();
    }

    public String baseUrl() {
        return "http://localhost:" + port();
    }

    /** The URLs a newcomer should try first. */
    public List<String> urlsToTry() {
        DemoPatient patient = DemoPatients.ANA_GARCIA;
        return List.of(
                baseUrl() + "/demo/fhir/ImagingStudy?patient=" + patient.fhirId() + "   (send any 'Authorization: Bearer x')",
                baseUrl() + "/open/fhir/ImagingStudy?patient=" + patient.fhirId() + "   (no token needed)",
                baseUrl() + "/demo/fhir/metadata",
                baseUrl() + "/demo/fhir/.well-known/smart-configuration");
    }

    @Override
    public void close() throws Exception {
        try {
            jetty.stop();
        } finally {
            engine.close();
        }
    }

    public static void main(String[] args) throws Exception {
        // A host decision the SDK leaves to hosts: larger JDK HttpClient buffers halve the CPU cost of
        // streaming from a DICOMweb PACS (smart-imaging-dicomweb/README.md). Must precede any HttpClient.
        if (System.getProperty("jdk.httpclient.bufsize") == null) {
            System.setProperty("jdk.httpclient.bufsize", "1048576");
        }
        DemoOptions options;
        try {
            options = DemoOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println(DemoOptions.USAGE);
            System.exit(2);
            return;
        }
        DemoServer server;
        try {
            server = start(options);
        } catch (IllegalArgumentException e) {
            // a bad --apps file or configuration: its message names the field
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.close();
            } catch (Exception ignored) {
                // shutting down anyway
            }
        }));
        System.out.println();
        System.out.println("SMART Imaging demo server on " + server.baseUrl() + " (data in " + options.dataDirectory() + ")");
        System.out.println("Try:");
        server.urlsToTry().forEach(url -> System.out.println("  " + url));
        System.out.println("Then follow an ImagingStudy's endpoint address + /studies/{StudyInstanceUID} to retrieve it.");
        System.out.println();
        System.out.println("Viewer (sign in at the demo EHR as a demo patient): " + server.viewerUrl());
        System.out.println("Demo EHR FHIR base: " + server.ehrFhirBase()
                + "   (its .well-known/smart-configuration lists the imaging FHIR base " + server.imagingFhirBase() + ")");
        if (options.appsFile() != null) {
            System.out.println("Apps registered from " + options.appsFile() + ": launch them against the EHR FHIR base above.");
        }
        server.jetty.join();
    }

    /** Command-line options of the demo. */
    public record DemoOptions(String host, int port, Path dataDirectory, Path configDirectory, Path appsFile) {

        static final String USAGE = "Usage: java -jar smart-imaging-demo.jar [--port 8080] [--host 127.0.0.1]"
                + " [--data demo-data] [--config-dir DIR] [--apps apps.json]";

        public static DemoOptions parse(String... args) {
            String host = "127.0.0.1";
            int port = 8080;
            Path data = Path.of("demo-data");
            Path configs = null;
            Path apps = null;
            for (int i = 0; i < args.length; i++) {
                String flag = args[i];
                if (flag.equals("--help") || flag.equals("-h")) {
                    throw new IllegalArgumentException("SMART Imaging demo server");
                }
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("Missing value after " + flag);
                }
                String value = args[++i];
                switch (flag) {
                    case "--port" -> port = parsePort(value);
                    case "--host" -> host = value;
                    case "--data" -> data = Path.of(value);
                    case "--config-dir" -> configs = Path.of(value);
                    case "--apps" -> apps = Path.of(value);
                    default -> throw new IllegalArgumentException("Unknown option " + flag);
                }
            }
            return new DemoOptions(host, port, data.toAbsolutePath().normalize(), configs, apps);
        }

        private static int parsePort(String value) {
            try {
                int port = Integer.parseInt(value);
                if (port < 0 || port > 65535) {
                    throw new NumberFormatException();
                }
                return port;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--port needs a number between 0 and 65535, not " + value);
            }
        }
    }
}
