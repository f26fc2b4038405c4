package org.smartimaging.introspection;

import java.net.URI;

/**
 * The three {@code authorization.type}s this module serves. They differ only where real EHRs
 * differ from the SMART specification; each difference is named here so it stays visible.
 */
public enum SmartOnFhirVariant {

    /**
     * SMART App Launch as specified: endpoints from {@code .well-known/smart-configuration}, the
     * introspection request authenticated with the imaging server's backend-services access token
     * ({@code Authorization: Bearer}), the patient from the introspection answer's {@code patient}.
     */
    STANDARD("smart-on-fhir"),

    /**
     * Epic: its smart-configuration does not list an introspection endpoint, so the endpoint is the
     * token endpoint with a trailing {@code /token} replaced by {@code /introspect}; the patient is
     * the introspection answer's {@code sub} (a {@code Patient} reference, usually an absolute URL).
     * Authentication as {@link #STANDARD}.
     */
    EPIC("smart-on-fhir-with-epic-bugfixes"),

    /**
     * Meditech: no backend services for introspection, so the introspection request authenticates
     * with HTTP Basic {@code client_id:client_secret}; the patient from {@code patient} as in
     * {@link #STANDARD}. Unlike the reference stack, a token without a patient is never bound to
     * the patient named in the request URL: it is refused (403) unless backend services are allowed.
     */
    MEDITECH("smart-on-fhir-with-meditech-bugfixes"),

    /**
     * The imaging server as its own SMART authorization server, signing users in through the EHR
     * (a nested SMART launch with OpenID Connect) and issuing its own access tokens; the EHR is
     * never asked to introspect. See {@link IndependentAuthorizer}.
     */
    INDEPENDENT("smart-on-fhir-independent");

    private final String type;

    SmartOnFhirVariant(String type) {
        this.type = type;
    }

    /** The {@code authorization.type} value. */
    public String type() {
        return type;
    }

    /** Epic's introspection endpoint, derived from its token endpoint. */
    static URI epicIntrospectionEndpoint(URI tokenEndpoint) {
        String text = tokenEndpoint.toString();
        if (!text.endsWith("/token")) {
            throw new IllegalArgumentException("token endpoint does not end in /token");
        }
        return URI.create(text.substring(0, text.length() - "/token".length()) + "/introspect");
    }
}
