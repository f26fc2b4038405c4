package org.smartimaging.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.fhirpath.IFhirPath;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.instance.model.api.IBase;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IPrimitiveType;
import org.hl7.fhir.r4.model.Patient;
import org.smartimaging.spi.ImagingException.InvalidConfig;

/**
 * Chooses a patient's MRN with the {@code images.mrn} FHIRPath expressions: the first expression
 * that yields a non-blank value wins. Expressions are parsed when the configuration loads, so a
 * typo fails the configuration, not a request.
 */
public final class MrnSelector {

    private static final IFhirPath FHIR_PATH = fhirPath();

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

    /**
     * A FHIRPath engine on its own context whose validation support knows no profiles: MRN
     * expressions navigate plain elements, and HAPI's default support would try (and, without the
     * validation resources on the class path, fail noisily) to load every R4 StructureDefinition.
     */
    private static IFhirPath fhirPath() {
        FhirContext context = FhirContext.forR4();
        context.setValidationSupport(new IValidationSupport() {
            @Override
            public FhirContext getFhirContext() {
                return context;
            }

            @Override
            public List<IBaseResource> fetchAllConformanceResources() {
                return List.of();
            }

            @Override
            public <T extends IBaseResource> List<T> fetchAllStructureDefinitions() {
                return List.of();
            }
        });
        return context.newFhirPath();
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
