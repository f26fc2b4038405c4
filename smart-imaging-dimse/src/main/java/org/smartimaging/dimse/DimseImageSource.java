package org.smartimaging.dimse;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smartimaging.dimse.net.StorageServer;
import org.smartimaging.render.RenderOptions;
import org.smartimaging.render.Renderer;
import org.smartimaging.spi.BodyChunks;
import org.smartimaging.spi.ImageSource;
import org.smartimaging.spi.ImagingException;
import org.smartimaging.spi.ResponseBody;
import org.smartimaging.spi.Retrieval;
import org.smartimaging.spi.RetrieveRequest;
import org.smartimaging.spi.StudyQuery;
import org.smartimaging.spi.StudyRecord;
import org.smartimaging.wado.AcceptedMediaTypes;
import org.smartimaging.wado.MetadataBody;
import org.smartimaging.wado.StoredInstances;

/**
 * {@code images.type: dicom-dimse}: searches with C-FIND; retrieves whole studies with C-GET or
 * C-MOVE into an on-disk cache, answering {@code pending} (503 + Retry-After) until the study is
 * complete, then serves WADO-RS from the cached files like the folder source.
 */
final class DimseImageSource implements ImageSource {

    private static final Logger LOG = LoggerFactory.getLogger(DimseImageSource.class);

    private final DimseSettings settings;
    private final StudyCache cache;
    private final Associations associations;
    private final ExecutorService executor;
    private final StudyFinder finder;
    private final MoveDestinations moveDestinations;
    private final StorageServer storageServer;
    private final Map<String, StudyRetrieval> retrievals = new ConcurrentHashMap<>();
    private final int maxRetrievals;

    DimseImageSource(DimseSettings settings) {
        this.settings = settings;
        this.cache = new StudyCache(settings.cacheDirectory(), settings.cacheMaxBytes());
        this.associations = new Associations(settings);
        AtomicInteger threads = new AtomicInteger();
        this.executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "dimse-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.finder = new StudyFinder(settings, associations, executor);
        this.maxRetrievals = settings.maxAssociations() * 8;
        this.moveDestinations = new MoveDestinations(cache.temporaryDirectory());
        if (settings.retrieval() == DimseSettings.RetrievalMethod.C_MOVE) {
            try {
                this.storageServer = new StorageServer(InetAddress.getByName("0.0.0.0"), settings.storePort(),
                        settings.storeAe(), settings.association(), moveDestinations, settings.maxAssociations());
            } catch (IOException e) {
                executor.shutdownNow();
                throw new ImagingException.InvalidConfig("Config field images.storePort: cannot listen on port "
                        + settings.storePort() + " (" + e.getMessage() + ")");
            }
        } else {
            this.storageServer = null;
        }
    }

    @Override
    public List<StudyRecord> findStudies(StudyQuery query) {
        return finder.find(query);
    }

    @Override
    public Retrieval retrieve(RetrieveRequest request) {
        switch (request.resource()) {
            case INSTANCES -> AcceptedMediaTypes.requireDicomMultipart(request.accept());
            case FRAMES, BULKDATA -> { } // negotiated against the stored syntax once the study is cached
            case METADATA -> AcceptedMediaTypes.requireDicomJson(request.accept());
            case RENDERED, THUMBNAIL -> RenderOptions.fromRequest(request.accept(), request.query(),
                    request.resource() == RetrieveRequest.Resource.THUMBNAIL); // 400/406 before any retrieval
            default -> throw new ImagingException.NotFound(
                    "The dicom-dimse source does not serve " + request.resource().name().toLowerCase() + " yet");
        }
        String uid = request.studyInstanceUid();
        for (int attempt = 0; attempt < 3; attempt++) {
            StudyCache.Pin pin = cache.pin(uid);
            if (pin != null) {
                return serve(pin, request);
            }
            StudyRetrieval running = retrievals.get(uid);
            if (running == null) {
                if (retrievals.size() >= maxRetrievals) {
                    return Retrieval.pending(StudyRetrieval.MAX_RETRY.dividedBy(4));
                }
                StudyRetrieval fresh = new StudyRetrieval(uid, settings, cache, associations, moveDestinations);
                if (retrievals.putIfAbsent(uid, fresh) != null) {
                    continue;
                }
                if (cache.contains(uid)) { // completed between the two looks
                    retrievals.remove(uid, fresh);
                    continue;
                }
                try {
                    executor.execute(() -> {
                        fresh.run();
                        if (fresh.state() == StudyRetrieval.State.COMPLETE) {
                            retrievals.remove(uid, fresh);
                        }
                    });
                } catch (RejectedExecutionException e) {
                    retrievals.remove(uid, fresh);
                    throw new ImagingException.UpstreamFailure("The image source is shutting down");
                }
                return Retrieval.pending(fresh.retryAfter());
            }
            switch (running.state()) {
                case RUNNING -> {
                    return Retrieval.pending(running.retryAfter());
                }
                case FAILED -> {
                    // Reported once; the next request starts a new retrieval.
                    retrievals.remove(uid, running);
                    throw notFoundIfUnknown(uid, running.failure());
                }
                case COMPLETE -> retrievals.remove(uid, running);
            }
        }
        return Retrieval.pending(Duration.ofSeconds(1));
    }

    /**
     * Some archives (Orthanc) refuse a C-GET or C-MOVE of a study they do not hold rather than send
     * nothing: when a retrieval failed, ask (C-FIND) whether the study exists, so that an unknown
     * study is 404 and only a real archive failure is 502.
     */
    private ImagingException notFoundIfUnknown(String uid, ImagingException failure) {
        if (failure instanceof ImagingException.UpstreamFailure) {
            try {
                if (finder.find(StudyQuery.allStudies(1).withStudyInstanceUid(uid)).isEmpty()) {
                    return new ImagingException.NotFound("No such study");
                }
            } catch (ImagingException e) {
                // the archive cannot say either: keep the retrieval's own failure
            }
        }
        return failure;
    }

    private Retrieval serve(StudyCache.Pin pin, RetrieveRequest request) {
        try {
            CachedStudy study = pin.study();
            List<CachedStudy.Instance> selected = study.instances().stream()
                    .filter(i -> request.seriesInstanceUid() == null || request.seriesInstanceUid().equals(i.seriesInstanceUid()))
                    .filter(i -> request.sopInstanceUid() == null || request.sopInstanceUid().equals(i.sopInstanceUid()))
                    .toList();
            if (selected.isEmpty()) {
                throw new ImagingException.NotFound(request.sopInstanceUid() != null
                        ? "No such instance in this series" : "No such series in this study");
            }
            if (request.resource() == RetrieveRequest.Resource.RENDERED
                    || request.resource() == RetrieveRequest.Resource.THUMBNAIL) {
                try (pin) {
                    return render(study, selected, request);
                }
            }
            List<Path> files = selected.stream().map(study::file).toList();
            ResponseBody body = switch (request.resource()) {
                case METADATA -> new MetadataBody(files, request);
                case FRAMES -> StoredInstances.frames(files.get(0), request.frames(), request.accept());
                case BULKDATA -> StoredInstances.bulkData(files.get(0), request.attributePath(), request.accept());
                default -> StoredInstances.instances(files, request.accept());
            };
            return Retrieval.ready(new PinnedBody(body, pin));
        } catch (RuntimeException e) {
            pin.close();
            throw e;
        }
    }

    /** A rendered instance, or for a series or study the middle image of its first series. */
    private static Retrieval render(CachedStudy study, List<CachedStudy.Instance> selected, RetrieveRequest request) {
        boolean thumbnail = request.resource() == RetrieveRequest.Resource.THUMBNAIL;
        String firstSeries = selected.get(0).seriesInstanceUid();
        List<CachedStudy.Instance> series = selected.stream()
                .filter(i -> i.seriesInstanceUid().equals(firstSeries))
                .sorted(Comparator.comparing(CachedStudy.Instance::instanceNumber, Comparator.nullsLast(Comparator.naturalOrder())))
                .toList();
        boolean representative = thumbnail || request.sopInstanceUid() == null;
        CachedStudy.Instance shown = representative ? series.get(series.size() / 2) : selected.get(0);
        try {
            return Retrieval.ready(Renderer.render(study.file(shown), representative ? 1 : request.renderedFrame(),
                    RenderOptions.fromRequest(request.accept(), request.query(), thumbnail)).body());
        } catch (IOException e) {
            throw new ImagingException.NotAcceptable("The instance's pixel data cannot be read for rendering");
        }
    }

    @Override
    public void close() {
        associations.close();
        executor.shutdownNow();
        if (storageServer != null) {
            storageServer.close();
        }
        LOG.debug("dicom-dimse source for {} closed", settings.calledAe());
    }

    /** Port the C-MOVE destination listens on (tests), or -1. */
    int storagePort() {
        return storageServer == null ? -1 : storageServer.port();
    }

    /** Keeps the study in the cache until the response is closed. */
    private record PinnedBody(ResponseBody body, StudyCache.Pin pin) implements ResponseBody {

        @Override
        public String contentType() {
            return body.contentType();
        }

        @Override
        public long contentLength() {
            return body.contentLength();
        }

        @Override
        public Map<String, String> headers() {
            return body.headers();
        }

        @Override
        public String entityTag() {
            return body.entityTag(); // cached files do not change while pinned: study answers are cacheable
        }

        @Override
        public void writeTo(OutputStream out) throws IOException {
            body.writeTo(out);
        }

        @Override
        public Optional<BodyChunks> chunks() {
            return body.chunks();
        }

        @Override
        public void close() throws IOException {
            try {
                body.close();
            } finally {
                pin.close();
            }
        }
    }
}
