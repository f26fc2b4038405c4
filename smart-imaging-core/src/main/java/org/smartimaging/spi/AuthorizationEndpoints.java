package org.smartimaging.spi;

import java.util.Map;

/**
 * Implemented by an {@link Authorizer} that is an OAuth 2.0 authorization server of its own (the
 * {@code smart-on-fhir-independent} mode): the engine hands it every request below
 * {@code {key}/oauth/} and adds its entries to the configuration's
 * {@code .well-known/smart-configuration} and CapabilityStatement. Transport-neutral: requests and
 * answers are plain values, so any web tier serves these endpoints as it serves the imaging routes.
 */
public interface AuthorizationEndpoints {

    /**
     * @return the answer; {@link EndpointResponse#notFound()} for a path this server does not serve
     */
    EndpointResponse handle(EndpointRequest request);

    /**
     * Discovery entries naming this server's own endpoints ({@code authorization_endpoint},
     * {@code token_endpoint}, {@code revocation_endpoint}, {@code capabilities}, ...).
     *
     * @param siteBase the absolute URL of the configuration, {@code {base}/{key}}, without a trailing slash
     */
    Map<String, Object> smartConfiguration(String siteBase);
}
