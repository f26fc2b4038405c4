package org.smartimaging.fhir;

import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

/** Builds the {@code OperationOutcome} every error answer carries. */
public final class OperationOutcomes {

    private OperationOutcomes() {}

    /**
     * @param issueCode a FHIR {@code IssueType} code ({@code invalid}, {@code forbidden}, ...)
     * @param message a message safe to show the client
     */
    public static OperationOutcome error(String issueCode, String message) {
        OperationOutcome outcome = new OperationOutcome();
        outcome.addIssue()
                .setSeverity(IssueSeverity.ERROR)
                .setCode(IssueType.fromCode(issueCode))
                .setDiagnostics(message);
        return outcome;
    }
}
