package org.smartimaging.engine;

import java.util.Map;
import org.smartimaging.spi.AuthorizationEndpoints;
import org.smartimaging.spi.EndpointRequest;
import org.smartimaging.spi.EndpointResponse;
import org.smartimaging.spi.ImagingException;
import org.smartimaging.spi.ResponseBody;

/**
 * Hands {@code {key}/oauth/...} requests to the configuration's authorizer when it is an
 * authorization server of its own ({@link AuthorizationEndpoints}); any other configuration has no
 * such paths.
 */
final class AuthorizationServerRoutes {

    ImagingResponse handle(Site site, Route.OAuth route, ImagingRequest request) {
        if (!(site.authorizer() instanceof AuthorizationEndpoints endpoints)) {
            throw new ImagingException.NotFound("This configuration has no authorization server of its own");
        }
        if (!request.method().equals("GET") && !request.method().equals("POST")) {
            return Errors.response(405, "not-supported", "The authorization endpoints answer GET and POST",
                    Map.of("Allow", "GET, POST"));
        }
        String siteBase = Urls.of(request, route.site(), null).siteBase();
        EndpointResponse answer = endpoints.handle(new EndpointRequest(request.method(), route.path(), request.query(),
                request.form(), request.header(), siteBase));
        if (answer.status() == 404 && answer.body() == null) {
            throw new ImagingException.NotFound("Unknown authorization endpoint");
        }
        ResponseBody body = answer.body() != null ? answer.body() : ResponseBody.ofBytes("text/plain; charset=utf-8", new byte[0]);
        return new ImagingResponse(answer.status(), answer.headers(), body);
    }

    /** The authorizer's own discovery entries, if it is an authorization server. */
    static Map<String, Object> discovery(Site site, Urls urls) {
        return site.authorizer() instanceof AuthorizationEndpoints endpoints
                ? endpoints.smartConfiguration(urls.siteBase()) : Map.of();
    }
}
