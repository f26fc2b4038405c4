package org.smartimaging.servlet;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smartimaging.engine.ImagingEngine;
import org.smartimaging.engine.ImagingRequest;
import org.smartimaging.engine.ImagingResponse;
import org.smartimaging.spi.BodyChunks;
import org.smartimaging.spi.ResponseBody;

/**
 * Serves an {@link ImagingEngine} from any Jakarta Servlet 6 container. Mount it at a path with a
 * wildcard (e.g. {@code /imaging/*}); the engine answers everything below it. The servlet only maps
 * the request to the engine and streams the answer; it holds no logic of its own.
 *
 * <p>Register it with async support on (Jetty: {@code holder.setAsyncSupported(true)}; web.xml:
 * {@code <async-supported>true</async-supported>}): DICOM answers are then written with non-blocking
 * output, so a client that reads slowly holds no container thread, and clients slower than
 * {@link org.smartimaging.engine.ServerOptions#minResponseBytesPerSecond()} are dropped. Without it
 * the servlet still works, writing with blocking output (one thread per answer in progress).
 *
 * <p>The base URL in FHIR answers is the one the client used ({@code scheme://host:port/context/servlet}).
 * Behind a proxy, let the container honour {@code Forwarded} headers (Jetty's
 * {@code ForwardedRequestCustomizer}, Tomcat's {@code RemoteIpValve}).
 */
public final class SmartImagingServlet extends HttpServlet {

    private static final Logger LOG = LoggerFactory.getLogger(SmartImagingServlet.class);
    private static final long serialVersionUID = 1L;

    private final transient ImagingEngine engine;

    public SmartImagingServlet(ImagingEngine engine) {
        this.engine = Objects.requireNonNull(engine, "engine");
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (request.getDispatcherType() == DispatcherType.ASYNC) {
            AbortDispatch.rethrowIfAborted(request); // an answer we could not finish: cut the connection
            return;
        }
        ImagingResponse answer = engine.handle(toEngine(request));
        ResponseBody body = answer.body();
        boolean handedOver = false;
        try {
            response.setStatus(answer.status());
            answer.headers().forEach(response::setHeader); // the engine sets Cache-Control per answer
            response.setContentType(body.contentType());
            if (body.contentLength() >= 0) {
                response.setContentLengthLong(body.contentLength());
            }
            if (request.getMethod().equals("HEAD")) {
                // Commit now: left to complete with nothing written, the container would claim Content-Length: 0
                response.flushBuffer();
                return;
            }
            Optional<BodyChunks> chunks = request.isAsyncSupported() ? body.chunks() : Optional.empty();
            if (chunks.isPresent()) {
                writeAsync(request, response, body, chunks.get());
                handedOver = true;
                return;
            }
            OutputStream out = response.getOutputStream();
            body.writeTo(out);
            out.flush();
        } catch (IOException e) {
            // Mostly a client that went away mid-stream; the body is closed either way.
            LOG.debug("Response to {} not completed: {}", request.getRequestURI(), e.getMessage());
        } finally {
            if (!handedOver) {
                body.close();
            }
        }
    }

    /** Non-blocking output: no container thread waits for a slow client (DESIGN.md section 5). */
    private void writeAsync(HttpServletRequest request, HttpServletResponse response, ResponseBody body,
            BodyChunks chunks) throws IOException {
        AsyncContext async = request.startAsync();
        async.setTimeout(0); // bounded by the minimum rate and the container's idle timeout instead
        ServletOutputStream out = response.getOutputStream();
        out.setWriteListener(new AsyncBodyWriter(async, out, body, chunks,
                new MinimumRate(engine.options().minResponseBytesPerSecond(), engine.options().minResponseRateGrace()),
                request.getServletPath(), response.getBufferSize()));
    }

    private static ImagingRequest toEngine(HttpServletRequest request) throws IOException {
        String mount = request.getContextPath() + request.getServletPath();
        String uri = request.getRequestURI();
        String rawPath = uri.startsWith(mount) ? uri.substring(mount.length()) : uri;
        String baseUrl = request.getScheme() + "://" + hostAndPort(request) + mount;
        if (request.getMethod().equals("POST")) {
            // Query and form body apart (the container's getParameter would merge them); the body bounded.
            return new ImagingRequest("POST", rawPath.isEmpty() ? "/" : rawPath, decode(request.getQueryString()),
                    request::getHeader, baseUrl, formBody(request));
        }
        return new ImagingRequest(request.getMethod(), rawPath.isEmpty() ? "/" : rawPath, query(request),
                name -> header(request, name), baseUrl);
    }

    /** An {@code application/x-www-form-urlencoded} body of at most {@link ImagingRequest#MAX_FORM_BYTES}; else none. */
    private static Map<String, List<String>> formBody(HttpServletRequest request) throws IOException {
        String type = request.getContentType();
        if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/x-www-form-urlencoded")
                || request.getContentLengthLong() > ImagingRequest.MAX_FORM_BYTES) {
            return Map.of();
        }
        byte[] body = request.getInputStream().readNBytes(ImagingRequest.MAX_FORM_BYTES + 1);
        if (body.length > ImagingRequest.MAX_FORM_BYTES) {
            return Map.of();
        }
        return decode(new String(body, java.nio.charset.StandardCharsets.UTF_8));
    }

    private static Map<String, List<String>> decode(String text) {
        try {
            return ImagingRequest.decodeForm(text);
        } catch (IllegalArgumentException e) {
            return Map.of();
        }
    }

    private static String hostAndPort(HttpServletRequest request) {
        int port = request.getServerPort();
        boolean defaultPort = (request.getScheme().equals("http") && port == 80)
                || (request.getScheme().equals("https") && port == 443);
        String host = request.getServerName();
        if (host.indexOf(':') >= 0 && !host.startsWith("[")) { // Jetty keeps an IPv6 Host's brackets, others may not
            host = "[" + host + "]";
        }
        return defaultPort ? host : host + ":" + port;
    }

    /**
     * Repeated header lines combined into one value, as RFC 9110 (5.3) defines them, so that the
     * engine sees every value: two {@code Authorization} lines must not let the first one win.
     */
    private static String header(HttpServletRequest request, String name) {
        List<String> values = Collections.list(request.getHeaders(name));
        return values.isEmpty() ? null : values.size() == 1 ? values.get(0) : String.join(", ", values);
    }

    private static Map<String, List<String>> query(HttpServletRequest request) {
        Map<String, List<String>> query = new LinkedHashMap<>();
        for (String name : Collections.list(request.getParameterNames())) {
            query.put(name, new ArrayList<>(List.of(request.getParameterValues(name))));
        }
        return query;
    }
}
