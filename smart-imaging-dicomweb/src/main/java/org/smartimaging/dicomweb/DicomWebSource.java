package org.smartimaging.dicomweb;

import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smartimaging.render.RenderOptions;
import org.smartimaging.spi.HostEnvironment;
import org.smartimaging.spi.ImageSource;
import org.smartimaging.spi.ImagingException;
import org.smartimaging.spi.Retrieval;
import org.smartimaging.spi.RetrieveRequest;
import org.smartimaging.spi.StudyQuery;
import org.smartimaging.spi.StudyRecord;

/**
 * A DICOMweb PACS as an {@link ImageSource}. Owns its threads: the HTTP client's executor, the
 * bounded pool that runs per-study QIDO-RS requests; {@link #close()} stops them. A stalled body is
 * noticed by its own timed reads ({@link UpstreamBody}), no watchdog thread.
 */
final class DicomWebSource implements ImageSource {

    private static final Logger LOG = LoggerFactory.getLogger(DicomWebSource.class);
    private static final Pattern UID = Pattern.compile("[0-9]+(\\.[0-9]+)*");

    static final String ACCEPT_INSTANCES = "multipart/related; type=\"application/dicom\"; transfer-syntax=*";
    static final String ACCEPT_METADATA = "application/dicom+json";
    static final String ACCEPT_FRAMES = "multipart/related; type=\"application/octet-stream\"; transfer-syntax=*";
    static final String ACCEPT_RENDERED = "image/jpeg";

    private final DicomWebSettings settings;
    private final ExecutorService httpExecutor;
    private final ThreadPoolExecutor searchPool;
    private final Upstream upstream;
    private final StudySearch search;

    DicomWebSource(DicomWebSettings settings, HostEnvironment environment) {
        this.settings = settings;
        String label = environment.configKey() != null ? environment.configKey() : settings.upstreamName();
        this.httpExecutor = Executors.newFixedThreadPool(Math.max(2, settings.concurrency()),
                threads("dicomweb-" + label + "-http"));
        this.searchPool = new ThreadPoolExecutor(settings.concurrency(), settings.concurrency(), 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), threads("dicomweb-" + label + "-qido"));
        this.searchPool.allowCoreThreadTimeOut(true);
        this.upstream = new Upstream(settings, environment.clock(), httpExecutor);
        this.search = new StudySearch(upstream, searchPool, settings.maxStudies(),
                new StudyRecordCache(settings.studyCacheSize(), settings.studyCacheTtl(), environment.clock()));
        LOG.info("dicom-web source for {} at {} ({})", label, settings.upstreamName(), settings.authentication());
    }

    @Override
    public List<StudyRecord> findStudies(StudyQuery query) {
        if (query.studyInstanceUid() != null) {
            requireUid(query.studyInstanceUid());
        }
        return search.find(query);
    }

    @Override
    public Retrieval retrieve(RetrieveRequest request) {
        requireUid(request.studyInstanceUid());
        if (request.seriesInstanceUid() != null) {
            requireUid(request.seriesInstanceUid());
        }
        if (request.sopInstanceUid() != null) {
            requireUid(request.sopInstanceUid());
        }
        String accept = request.accept() != null && !request.accept().isBlank()
                ? request.accept()
                : defaultAccept(request.resource());
        if (request.resource() == RetrieveRequest.Resource.BULKDATA) {
            return Retrieval.ready(new UpstreamBody(upstream.retrieve(pacsBulkDataPath(request), Map.of(), accept),
                    upstream.name(), settings.readTimeout()));
        }
        HttpResponse<UpstreamChunks> response;
        try {
            response = upstream.retrieve(request.relativePath(), request.query(), accept);
        } catch (ImagingException.NotFound e) {
            if (request.resource() != RetrieveRequest.Resource.THUMBNAIL) {
                throw e;
            }
            // Many PACS (Orthanc's plugin among them) have no thumbnails: ask for a small rendering instead.
            RetrieveRequest rendered = asSmallRendering(request);
            response = upstream.retrieve(rendered.relativePath(), rendered.query(), accept);
        }
        UpstreamBody body = new UpstreamBody(response, upstream.name(), settings.readTimeout());
        return Retrieval.ready(request.resource() == RetrieveRequest.Resource.METADATA ? new BulkDataRewrite(body, request) : body);
    }

    /** Largest instance metadata read to find a bulk data value's PACS URI. */
    static final int MAX_INSTANCE_METADATA_BYTES = 16 << 20;

    /**
     * The PACS path of the bulk data our {@code .../bulkdata/{attribute path}} names: the PACS's
     * own {@code BulkDataURI} at that path of the instance's metadata, accepted only below the PACS's
     * base and the same study (a PACS URI elsewhere is never followed).
     */
    private String pacsBulkDataPath(RetrieveRequest request) {
        String instancePath = "/studies/" + request.studyInstanceUid() + "/series/" + request.seriesInstanceUid()
                + "/instances/" + request.sopInstanceUid();
        com.fasterxml.jackson.databind.JsonNode node;
        try (UpstreamBody metadata = new UpstreamBody(upstream.retrieve(instancePath + "/metadata", Map.of(), ACCEPT_METADATA),
                upstream.name(), settings.readTimeout())) {
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
            metadata.writeTo(new java.io.OutputStream() {
                @Override
                public void write(int b) throws java.io.IOException {
                    write(new byte[] {(byte) b}, 0, 1);
                }

                @Override
                public void write(byte[] b, int off, int len) throws java.io.IOException {
                    if (bytes.size() + len > MAX_INSTANCE_METADATA_BYTES) {
                        throw new java.io.IOException("instance metadata larger than " + MAX_INSTANCE_METADATA_BYTES + " bytes");
                    }
                    bytes.write(b, off, len);
                }
            });
            node = new com.fasterxml.jackson.databind.ObjectMapper().readTree(bytes.toByteArray()).path(0);
        } catch (java.io.IOException e) {
            throw new ImagingException.UpstreamFailure("The PACS at " + upstream.name() + " sent unreadable metadata");
        }
        String[] steps = request.attributePath().split("/");
        for (int i = 0; i < steps.length; i++) {
            node = i % 2 == 0 ? node.path(steps[i]) : node.path("Value").path(Integer.parseInt(steps[i]));
        }
        String uri = node.path("BulkDataURI").asText(null);
        if (uri == null) {
            throw new ImagingException.NotFound("The instance has no bulk data at " + request.attributePath());
        }
        java.net.URI pacs;
        try {
            pacs = settings.endpoint().resolve(uri);
        } catch (IllegalArgumentException e) {
            throw new ImagingException.UpstreamFailure("The PACS at " + upstream.name() + " named an invalid bulk data URI");
        }
        String base = settings.endpoint().getRawPath();
        String path = pacs.getRawPath();
        if (path == null || pacs.getRawQuery() != null || path.contains("%") || path.contains("/../") || path.contains("/./")
                || !path.startsWith(base + "/studies/" + request.studyInstanceUid() + "/")) {
            throw new ImagingException.UpstreamFailure("The PACS at " + upstream.name() + " named bulk data outside the study");
        }
        return path.substring(base.length());
    }

    /** Requests sent to the PACS so far (tests count them). */
    long upstreamRequests() {
        return upstream.requests();
    }

    /** A thumbnail request as {@code .../rendered} at the same level, in a thumbnail-sized viewport unless one was asked. */
    static RetrieveRequest asSmallRendering(RetrieveRequest thumbnail) {
        Map<String, List<String>> query = new LinkedHashMap<>(thumbnail.query());
        int size = RenderOptions.THUMBNAIL_SIZE;
        query.putIfAbsent("viewport", List.of(size + "," + size));
        return new RetrieveRequest(thumbnail.studyInstanceUid(), thumbnail.seriesInstanceUid(), thumbnail.sopInstanceUid(),
                RetrieveRequest.Resource.RENDERED, List.of(), thumbnail.accept(), query);
    }

    static String defaultAccept(RetrieveRequest.Resource resource) {
        return switch (resource) {
            case INSTANCES -> ACCEPT_INSTANCES;
            case METADATA -> ACCEPT_METADATA;
            case FRAMES -> ACCEPT_FRAMES;
            case RENDERED, THUMBNAIL -> ACCEPT_RENDERED;
            case BULKDATA -> ACCEPT_FRAMES;
        };
    }

    private static void requireUid(String uid) {
        if (uid.length() > 64 || !UID.matcher(uid).matches()) {
            throw new ImagingException.BadRequest("Not a DICOM UID");
        }
    }

    @Override
    public void close() {
        searchPool.shutdownNow();
        httpExecutor.shutdown();
    }

    private static ThreadFactory threads(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
