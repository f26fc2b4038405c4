package org.smartimaging.spi;

import java.util.Map;

/**
 * Turns the bearer token of a request into an {@link AccessGrant}. The first step of every request.
 *
 * <p>Implementations throw {@link ImagingException.Unauthorized} for a missing, inactive or
 * expired token, {@link ImagingException.UpstreamFailure} when the authorization server cannot be
 * asked. They never return a grant for a token they could not check.
 */
public interface Authorizer {

    /**
     * @param bearerToken the token from {@code Authorization: Bearer}, or {@code null} if the request
     *     carried none
     */
    AccessGrant authorize(String bearerToken);

    /**
     * Entries this authorizer adds to the imaging server's {@code .well-known/smart-configuration}
     * (the EHR's {@code authorization_endpoint}, {@code token_endpoint}, ...). Empty by default.
     */
    default Map<String, Object> smartConfiguration() {
        return Map.of();
    }
}
