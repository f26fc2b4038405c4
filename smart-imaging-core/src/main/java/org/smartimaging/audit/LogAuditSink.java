package org.smartimaging.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smartimaging.spi.AuditRecord;
import org.smartimaging.spi.AuditSink;

/**
 * Writes each record as one line of JSON to the SLF4J logger {@code org.smartimaging.audit}, at
 * INFO. The records name patients and studies (that is what an audit trail is for), so hosts route
 * this logger to a protected audit appender, apart from the application log. No credential is ever
 * in a record.
 */
public final class LogAuditSink implements AuditSink {

    /** The logger name hosts route to their audit appender. */
    public static final String LOGGER = "org.smartimaging.audit";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Logger log;

    public LogAuditSink() {
        this(LoggerFactory.getLogger(LOGGER));
    }

    LogAuditSink(Logger log) {
        this.log = log;
    }

    @Override
    public void record(AuditRecord record) {
        if (log.isInfoEnabled()) {
            log.info(line(record));
        }
    }

    static String line(AuditRecord record) {
        ObjectNode json = JSON.createObjectNode();
        json.put("recorded", record.recorded().toString());
        json.put("action", record.action().name());
        json.put("decision", record.decision().name());
        json.put("status", record.status());
        json.put("site", record.site());
        json.put("route", record.route());
        putIfPresent(json, "query", record.query());
        putIfPresent(json, "client", record.clientId());
        putIfPresent(json, "user", record.user());
        putIfPresent(json, "patient", record.patientId());
        record.studyInstanceUids().forEach(json.putArray("studies")::add);
        putIfPresent(json, "reason", record.reason());
        json.put("correlationId", record.correlationId());
        putIfPresent(json, "accessToken", record.accessTokenFingerprint());
        putIfPresent(json, "capability", record.capabilityId());
        putIfPresent(json, "server", record.server());
        try {
            return JSON.writeValueAsString(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void putIfPresent(ObjectNode json, String field, String value) {
        if (value != null) {
            json.put(field, value);
        }
    }
}
