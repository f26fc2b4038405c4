package org.smartimaging.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import org.hl7.fhir.instance.model.api.IBaseResource;

/** The process's one R4 {@link FhirContext} (costly to build, thread-safe once built). */
public final class Fhir {

    public static final String JSON_CONTENT_TYPE = "application/fhir+json;charset=utf-8";

    private static final FhirContext R4 = FhirContext.forR4();

    private Fhir() {}

    public static FhirContext context() {
        return R4;
    }

    public static String toJson(IBaseResource resource) {
        return jsonParser().encodeResourceToString(resource);
    }

    public static IParser jsonParser() {
        return R4.newJsonParser();
    }
}
