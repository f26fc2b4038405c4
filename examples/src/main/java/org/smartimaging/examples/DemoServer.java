package org.smartimaging.examples;

import java.nio.file.Path;
import java.util.List;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.smartimaging.engine.ImagingEngine;
import org.smartimaging.engine.ServerOptions;
import org.smartimaging.examples.demo.DemoConfigs;
import org.smartimaging.examples.demo.DemoDataset;
import org.smartimaging.examples.demo.DemoPatient;
import org.smartimaging.examples.demo.DemoPatients;
import org.smartimaging.servlet.SmartImagingServlet;

/**
 * The runnable demo: generates a small dataset once, then serves it on embedded Jetty 12 with the
 * {@code open} and {@code demo} configurations (and any {@code {key}.json} in {@code --config-dir}).
 *
 * <pre>java -jar smart-imaging-demo.jar [--port 8080] [--data demo-data] [--config-dir DIR]</pre>
 */
public final class DemoServer implements AutoCloseable {

    private final Server jetty;
    private final ImagingEngine engine;

    private DemoServer(Server jetty, ImagingEngine engine) {
        this.jetty = jetty;
        this.engine = engine;
    }

    /** Generates the data (once) and starts serving; port 0 picks a free port. */
    public static DemoServer start(DemoOptions options) throws Exception {
        DemoDataset.generate(options.dataDirectory().resolve(DemoConfigs.STUDIES_DIRECTORY));
        ServerOptions.Builder engineOptions = ServerOptions.builder()
                .dataDirectory(options.dataDirectory())
                .configDirectory(options.configDirectory())
                .randomStudyTokenKey();
        DemoConfigs.builtIn().forEach(engineOptions::builtInConfig);
        ImagingEngine engine = new ImagingEngine(engineOptions.build());

        Server jetty = new Server();
        ServerConnector connector = new ServerConnector(jetty);
        connector.setHost(options.host());
        connector.setPort(options.port());
        jetty.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        context.addServlet(new ServletHolder("imaging", new SmartImagingServlet(engine)), "/*");
        jetty.setHandler(context);
        try {
            jetty.start();
        } catch (Exception e) {
            engine.close();
            throw e;
        }
        return new DemoServer(jetty, engine);
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
        DemoOptions options;
        try {
            options = DemoOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println(DemoOptions.USAGE);
            System.exit(2);
            return;
        }
        DemoServer server = start(options);
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
        server.jetty.join();
    }

    /** Command-line options of the demo. */
    public record DemoOptions(String host, int port, Path dataDirectory, Path configDirectory) {

        static final String USAGE = "Usage: java -jar smart-imaging-demo.jar [--port 8080] [--host 127.0.0.1]"
                + " [--data demo-data] [--config-dir DIR]";

        public static DemoOptions parse(String... args) {
            String host = "127.0.0.1";
            int port = 8080;
            Path data = Path.of("demo-data");
            Path configs = null;
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
                    default -> throw new IllegalArgumentException("Unknown option " + flag);
                }
            }
            return new DemoOptions(host, port, data.toAbsolutePath().normalize(), configs);
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
