package org.smartimaging.fhir;

import ca.uhn.fhir.fhirpath.IFhirPath;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.instance.model.api.IBase;
import org.hl7.fhir.instance.model.api.IPrimitiveType;
import org.hl7.fhir.r4.model.Patient;
import org.smartimaging.spi.ImagingException.InvalidConfig;

/**
 * Chooses a patient's MRN with the {@code images.mrn} FHIRPath expressions: the first expression
 * that yields a non-blank value wins. Expressions are parsed when the configuration loads, so a
 * typo fails the configuration, not a request.
 */
public final class MrnSelector {

    private static final IFhirPath FHIR_PATH = Fhir.context().newFhirPath();

    private final List<IFhirPath.IParsedExpression> expressions;

    public MrnSelector(List<String> expressions) {
        this.expressions = expressions.stream().map(MrnSelector::parse).toList();
    }

    public Optional<String> mrnOf(Patient patient) {
        for (IFhirPath.IParsedExpression expression : expressions) {
            for (IBase value : FHIR_PATH.evaluate(patient, expression, IBase.class)) {
                if (value instanceof IPrimitiveType<?> primitive && primitive.getValueAsString() != null
                        && !primitive.getValueAsString().isBlank()) {
                    return Optional.of(primitive.getValueAsString());
                }
            }
        }
        return Optional.empty();
    }

    private static IFhirPath.IParsedExpression parse(String expression) {
        try {
            return FHIR_PATH.parse(expression);
        } catch (Exception e) { // parse() declares Exception; HAPI throws several kinds
            throw new InvalidConfig("Config field images.mrn has an invalid FHIRPath expression '" + expression + "': "
                    + e.getMessage());
        }
    }
}
