package org.smartimaging.spi;

/**
 * Where access decisions go (the IG: "record the client, any represented user, the patient, and
 * the study; correlate the presented token, any capability, and the retrieval decision without
 * exposing credentials"). The engine calls {@link #record} once per search and once per retrieval,
 * on the request's thread, after the decision: an implementation must return quickly, never
 * block on I/O, and never throw (a failing sink must not fail or slow a request).
 *
 * <p>Hosts hand sinks to {@code ServerOptions.Builder.auditSinks(...)}; the SDK ships
 * {@code org.smartimaging.audit.LogAuditSink} (one JSON line per record, the default) and
 * {@code org.smartimaging.audit.FhirAuditEventSink} (IHE BALP {@code AuditEvent}s to a FHIR server).
 */
public interface AuditSink extends AutoCloseable {

    void record(AuditRecord record);

    /** Flushes what it can within a short bound and releases threads; called when the engine closes. */
    @Override
    default void close() {}
}
