package org.smartimaging.audit;

import org.hl7.fhir.r4.model.AuditEvent;
import org.smartimaging.spi.AuditRecord;

/** Opens the sinks' package-private renderings to tests in other packages. */
public final class AuditRecordsForTests {

    public static String logLine(AuditRecord record) {
        return LogAuditSink.line(record);
    }

    public static AuditEvent auditEvent(AuditRecord record) {
        return AuditEvents.of(record, "test");
    }

    private AuditRecordsForTests() {}
}
