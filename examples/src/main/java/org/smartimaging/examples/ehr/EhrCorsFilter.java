package org.smartimaging.examples.ehr;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * CORS for the demo EHR's token endpoint and FHIR server, so that SMART apps served from another
 * origin (registered with {@link DemoEhr#register}) can finish a launch and read FHIR from the
 * browser. Loopback origins only (the demo's apps run beside it): no page on the internet reads
 * the EHR's answers, and no {@code Access-Control-Allow-Origin: *}.
 */
final class EhrCorsFilter extends HttpFilter {

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        String origin = request.getHeader("Origin");
        if (origin == null || !DemoEhr.loopbackOrigin(origin)) {
            chain.doFilter(request, response);
            return;
        }
        response.setHeader("Access-Control-Allow-Origin", origin);
        response.addHeader("Vary", "Origin");
        response.setHeader("Access-Control-Expose-Headers", "WWW-Authenticate, Location, Content-Location");
        if ("OPTIONS".equals(request.getMethod()) && request.getHeader("Access-Control-Request-Method") != null) {
            response.setStatus(204);
            response.setHeader("Access-Control-Allow-Methods", "GET, POST, OPTIONS");
            response.setHeader("Access-Control-Allow-Headers", "Authorization, Content-Type, Accept");
            response.setHeader("Access-Control-Max-Age", "600");
            return;
        }
        chain.doFilter(request, response);
    }
}
