package org.smartimaging.examples;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.http.MimeTypes;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * A static web server on a free loopback port, for browser apps that must run on an origin other
 * than the SDK's: files from one directory, a few generated files (an app's config) served from
 * memory, and single-page-app routing (a path that names no file, such as OHIF's {@code /viewer},
 * answers {@code index.html}).
 */
final class StaticSite implements AutoCloseable {

    private final Server jetty;
    private final Path root;
    private final Map<String, String> generated = new ConcurrentHashMap<>();

    private StaticSite(Path root) {
        this.root = root.toAbsolutePath().normalize();
        this.jetty = new Server(new InetSocketAddress("127.0.0.1", 0));
        ServletContextHandler context = new ServletContextHandler("/");
        context.addServlet(new ServletHolder(new FileServlet()), "/*");
        jetty.setHandler(context);
    }

    static StaticSite start(Path root) throws Exception {
        StaticSite site = new StaticSite(root);
        site.jetty.start();
        return site;
    }

    /** {@code http://127.0.0.1:port}, no trailing slash. */
    String origin() {
        return "http://127.0.0.1:" + ((ServerConnector) jetty.getConnectors()[0]).getLocalPort();
    }

    /** Serves {@code text} at {@code path} (e.g. {@code /app-config.js}) instead of any file there. */
    void put(String path, String text) {
        generated.put(path, text);
    }

    @Override
    public void close() throws Exception {
        jetty.stop();
    }

    private final class FileServlet extends HttpServlet {

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            String path = request.getRequestURI();
            String text = generated.get(path);
            response.setHeader("Cache-Control", "no-store");
            if (text != null) {
                response.setContentType(contentType(path));
                response.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
                return;
            }
            Path file = root.resolve(path.substring(1)).normalize();
            if (!file.startsWith(root) || !Files.isRegularFile(file)) {
                if (path.substring(path.lastIndexOf('/') + 1).contains(".")) {
                    response.sendError(404);
                    return;
                }
                file = root.resolve("index.html");
            }
            if (!file.getFileName().toString().equals("index.html")) {
                // the files of a built web app are named by content hash: a browser may keep them
                response.setHeader("Cache-Control", "public, max-age=86400");
            }
            response.setContentType(contentType(file.getFileName().toString()));
            response.setContentLengthLong(Files.size(file));
            Files.copy(file, response.getOutputStream());
        }

        private static String contentType(String name) {
            if (name.endsWith(".js") || name.endsWith(".mjs")) {
                return "text/javascript; charset=utf-8";
            }
            if (name.endsWith(".wasm")) {
                return "application/wasm";
            }
            String type = MimeTypes.DEFAULTS.getMimeByExtension(name);
            return type != null ? type : "application/octet-stream";
        }
    }
}
