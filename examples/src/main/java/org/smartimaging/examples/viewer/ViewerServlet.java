package org.smartimaging.examples.viewer;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Serves the viewer, a static web app, from the class path ({@code /viewer/*} there). Only flat
 * file names of known types are served, so no request text ever walks the class path.
 */
public final class ViewerServlet extends HttpServlet {

    private static final Pattern FILE = Pattern.compile("/([a-z0-9][a-z0-9-]*)\\.(html|js|css|svg|png|ico)");
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "svg", "image/svg+xml",
            "png", "image/png",
            "ico", "image/x-icon");

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = request.getPathInfo();
        if (path == null) {
            response.sendRedirect(request.getContextPath() + request.getServletPath() + "/");
            return;
        }
        if (path.equals("/")) {
            path = "/index.html";
        }
        Matcher m = FILE.matcher(path);
        if (!m.matches()) {
            response.sendError(404);
            return;
        }
        try (InputStream in = ViewerServlet.class.getResourceAsStream("/viewer" + path)) {
            if (in == null) {
                response.sendError(404);
                return;
            }
            response.setContentType(TYPES.get(m.group(2)));
            response.setHeader("Cache-Control", "no-cache");
            response.setHeader("X-Content-Type-Options", "nosniff");
            response.setHeader("Referrer-Policy", "no-referrer");
            if (m.group(2).equals("html")) {
                // Everything the viewer loads and talks to is on this server.
                response.setHeader("Content-Security-Policy", "default-src 'self'; img-src 'self' blob: data:; "
                        + "connect-src 'self'; style-src 'self'; script-src 'self'; frame-ancestors 'none'");
            }
            in.transferTo(response.getOutputStream());
        }
    }
}
