package org.smartimaging.engine;

import java.util.LinkedHashMap;
import java.util.Map;
import org.smartimaging.fhir.Fhir;
import org.smartimaging.fhir.OperationOutcomes;
import org.smartimaging.spi.ImagingException;

/** Turns any {@link ImagingException} into its response, in this one place. */
final class Errors {

    private static final String REALM = "Bearer realm=\"smart-imaging\"";

    private Errors() {}

    static ImagingResponse response(ImagingException e) {
        Map<String, String> headers = new LinkedHashMap<>();
        if (e instanceof ImagingException.Unauthorized unauthorized) {
            headers.put("WWW-Authenticate", unauthorized.error() == null ? REALM
                    : REALM + ", error=\"" + unauthorized.error() + "\", error_description=\"" + quoted(e.getMessage()) + "\"");
        } else if (e instanceof ImagingException.Forbidden forbidden && forbidden.insufficientScope()) {
            headers.put("WWW-Authenticate", REALM + ", error=\"insufficient_scope\", scope=\"" + forbidden.requiredScope() + "\"");
        } else if (e instanceof ImagingException.RetryLater retryLater) {
            headers.put("Retry-After", Long.toString(retryLater.retryAfterSeconds()));
        }
        return response(e.status(), e.issueCode(), e.getMessage(), headers);
    }

    static ImagingResponse response(int status, String issueCode, String message, Map<String, String> headers) {
        String json = Fhir.toJson(OperationOutcomes.error(issueCode, message));
        return ImagingResponse.text(status, Fhir.JSON_CONTENT_TYPE, json, headers);
    }

    private static String quoted(String text) {
        return text.replace("\\", "").replace("\"", "'");
    }
}
