package org.smartimaging.examples;

import java.util.Locale;
import java.util.Set;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The demo's front door, before any servlet: requests must name a host the demo answers for
 * (loopback names by default), so a page that rebinds its own DNS name to 127.0.0.1 reads nothing
 * (421); {@code TRACE} is refused, so no page can have its headers echoed back.
 */
final class DemoGuard extends Handler.Wrapper {

    static final Set<String> LOOPBACK = Set.of("localhost", "127.0.0.1", "::1");

    private final Set<String> hosts;

    DemoGuard(Set<String> hosts, Handler handler) {
        super(handler);
        this.hosts = Set.copyOf(hosts);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String method = request.getMethod();
        if (method.equals("TRACE") || method.equals("TRACK")) {
            response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD, POST, OPTIONS");
            Response.writeError(request, response, callback, 405);
            return true;
        }
        if (!hosts.contains(normalise(Request.getServerName(request)))) {
            Response.writeError(request, response, callback, 421);
            return true;
        }
        return super.handle(request, response, callback);
    }

    static String normalise(String host) {
        String h = host == null ? "" : host.strip().toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
    }
}
