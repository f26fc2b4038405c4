package org.smartimaging.audit;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smartimaging.fhir.Fhir;
import org.smartimaging.spi.AuditRecord;
import org.smartimaging.spi.AuditSink;

/**
 * Posts each record as an IHE BALP {@code AuditEvent} to a FHIR server ({@code POST
 * {base}/AuditEvent}). Requests never wait for it: {@link #record} only offers the record to a
 * bounded queue, and one background thread maps and posts. When the queue is full (the server is
 * slow) or a post fails (the server is down or refuses it), the record is dropped and counted
 * ({@link #droppedQueueFull()}, {@link #failedDeliveries()}), so an operator sees the gap; records
 * are not retried (the structured-log sink beside it keeps the full trail).
 */
public final class FhirAuditEventSink implements AuditSink {

    private static final Logger LOG = LoggerFactory.getLogger(FhirAuditEventSink.class);

    private final URI auditEndpoint;
    private final Map<String, String> headers;
    private final String observer;
    private final Duration requestTimeout;
    private final Duration closeTimeout;
    private final BlockingQueue<AuditRecord> queue;
    private final HttpClient http;
    private final Thread worker;
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong droppedQueueFull = new AtomicLong();
    private final AtomicLong failedDeliveries = new AtomicLong();
    private volatile boolean closing;

    private FhirAuditEventSink(Builder builder) {
        String base = builder.fhirBase.toString();
        this.auditEndpoint = URI.create((base.endsWith("/") ? base : base + "/") + "AuditEvent");
        this.headers = Map.copyOf(builder.headers);
        this.observer = builder.observer;
        this.requestTimeout = builder.requestTimeout;
        this.closeTimeout = builder.closeTimeout;
        this.queue = new ArrayBlockingQueue<>(builder.queueCapacity);
        this.http = HttpClient.newBuilder().connectTimeout(builder.connectTimeout).build();
        this.worker = new Thread(this::deliverUntilClosed, "audit-event-sink");
        worker.setDaemon(true);
        worker.start();
    }

    /** @param fhirBase the FHIR server's base URL; events go to {@code {fhirBase}/AuditEvent} */
    public static Builder builder(URI fhirBase) {
        return new Builder(fhirBase);
    }

    @Override
    public void record(AuditRecord record) {
        if (closing || !queue.offer(record)) {
            droppedQueueFull.incrementAndGet();
        }
    }

    /** Events the FHIR server accepted (2xx). */
    public long delivered() {
        return delivered.get();
    }

    /** Records dropped because the queue was full (or the sink closed). */
    public long droppedQueueFull() {
        return droppedQueueFull.get();
    }

    /** Records dropped because their post failed (server down, timeout, non-2xx answer). */
    public long failedDeliveries() {
        return failedDeliveries.get();
    }

    /** Every record not delivered. */
    public long dropped() {
        return droppedQueueFull.get() + failedDeliveries.get();
    }

    private void deliverUntilClosed() {
        while (!(closing && queue.isEmpty())) {
            AuditRecord record;
            try {
                record = queue.poll(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                break;
            }
            if (record != null) {
                deliver(record);
            }
        }
    }

    private void deliver(AuditRecord record) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(auditEndpoint)
                    .timeout(requestTimeout)
                    .header("Content-Type", "application/fhir+json")
                    .header("Accept", "application/fhir+json")
                    .POST(HttpRequest.BodyPublishers.ofString(Fhir.toJson(AuditEvents.of(record, observer))));
            headers.forEach(request::header);
            HttpResponse<Void> response = http.send(request.build(), HttpResponse.BodyHandlers.discarding());
            if (response.statusCode() / 100 == 2) {
                delivered.incrementAndGet();
            } else {
                fail("the audit server answered " + response.statusCode());
            }
        } catch (IOException | RuntimeException e) {
            fail(e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            fail("interrupted");
            Thread.currentThread().interrupt();
        }
    }

    private void fail(String why) {
        long failed = failedDeliveries.incrementAndGet();
        // One line per power of two failures: an outage is visible without flooding the log.
        if (Long.bitCount(failed) == 1) {
            LOG.warn("AuditEvent not delivered to {} ({}); {} dropped so far", auditEndpoint, why, dropped());
        }
    }

    /** Stops accepting records, delivers what is queued within the close timeout, drops the rest. */
    @Override
    public void close() {
        closing = true;
        try {
            worker.join(closeTimeout.toMillis());
            if (worker.isAlive()) {
                worker.interrupt();
                worker.join(1_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        int left = queue.size();
        queue.clear();
        droppedQueueFull.addAndGet(left);
    }

    public static final class Builder {
        private final URI fhirBase;
        private final Map<String, String> headers = new LinkedHashMap<>();
        private String observer = "SMART Imaging server";
        private int queueCapacity = 10_000;
        private Duration connectTimeout = Duration.ofSeconds(2);
        private Duration requestTimeout = Duration.ofSeconds(5);
        private Duration closeTimeout = Duration.ofSeconds(5);

        private Builder(URI fhirBase) {
            if (!fhirBase.isAbsolute()) {
                throw new IllegalArgumentException("The audit FHIR base must be an absolute URL");
            }
            this.fhirBase = fhirBase;
        }

        /** A header sent with every post, e.g. the audit repository's own {@code Authorization}. */
        public Builder header(String name, String value) {
            headers.put(Objects.requireNonNull(name), Objects.requireNonNull(value));
            return this;
        }

        /** How this server names itself in {@code AuditEvent.source.observer} and the server agent. */
        public Builder observer(String name) {
            this.observer = Objects.requireNonNull(name);
            return this;
        }

        /** Records held while the server is slow; beyond it they are dropped and counted. Default 10 000. */
        public Builder queueCapacity(int capacity) {
            if (capacity < 1) {
                throw new IllegalArgumentException("queueCapacity must be at least 1");
            }
            this.queueCapacity = capacity;
            return this;
        }

        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = Objects.requireNonNull(timeout);
            return this;
        }

        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = Objects.requireNonNull(timeout);
            return this;
        }

        public Builder closeTimeout(Duration timeout) {
            this.closeTimeout = Objects.requireNonNull(timeout);
            return this;
        }

        public FhirAuditEventSink build() {
            return new FhirAuditEventSink(this);
        }
    }
}
