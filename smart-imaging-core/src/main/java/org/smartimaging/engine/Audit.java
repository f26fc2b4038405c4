package org.smartimaging.engine;

import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smartimaging.spi.AuditRecord;
import org.smartimaging.spi.AuditSink;

/** Hands each record to every sink; a sink that throws is logged, never allowed to fail the request. */
final class Audit implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Audit.class);

    private final List<AuditSink> sinks;

    Audit(List<AuditSink> sinks) {
        this.sinks = List.copyOf(sinks);
    }

    void record(AuditRecord record) {
        for (AuditSink sink : sinks) {
            try {
                sink.record(record);
            } catch (RuntimeException e) {
                LOG.warn("Audit sink {} failed: {}", sink.getClass().getName(), e.getClass().getSimpleName());
            }
        }
    }

    @Override
    public void close() {
        for (AuditSink sink : sinks) {
            try {
                sink.close();
            } catch (Exception e) {
                LOG.warn("Audit sink {} failed to close: {}", sink.getClass().getName(), e.getClass().getSimpleName());
            }
        }
    }
}
