package org.smartimaging.dimse;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smartimaging.dicom.Attributes;
import org.smartimaging.dicom.Tag;
import org.smartimaging.dicom.Uids;
import org.smartimaging.dicom.VR;
import org.smartimaging.dimse.net.Association;
import org.smartimaging.dimse.net.GetScu;
import org.smartimaging.dimse.net.MoveScu;
import org.smartimaging.dimse.net.PresentationContext;
import org.smartimaging.dimse.net.RetrieveProgress;
import org.smartimaging.dimse.net.RetrieveResult;
import org.smartimaging.dimse.net.StorageSopClasses;
import org.smartimaging.dimse.net.Status;
import org.smartimaging.spi.ImagingException;

/**
 * One retrieval of one study into a temporary directory of the cache, shared by every request for
 * that study while it runs. It ends complete (moved into the cache), or failed (the directory is
 * deleted and the failure kept until one request has reported it). Progress feeds the
 * {@code Retry-After} estimate.
 */
final class StudyRetrieval implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(StudyRetrieval.class);
    static final Duration MIN_RETRY = Duration.ofSeconds(1);
    static final Duration MAX_RETRY = Duration.ofSeconds(60);
    private static final Duration FIRST_GUESS = Duration.ofSeconds(2);

    enum State { RUNNING, COMPLETE, FAILED }

    private final String studyInstanceUid;
    private final DimseSettings settings;
    private final StudyCache cache;
    private final Associations associations;
    private final MoveDestinations moveDestinations;

    private volatile State state = State.RUNNING;
    private volatile ImagingException failure;
    private volatile RetrieveProgress progress = RetrieveProgress.UNKNOWN;
    private volatile long startedNanos;

    StudyRetrieval(String studyInstanceUid, DimseSettings settings, StudyCache cache, Associations associations,
            MoveDestinations moveDestinations) {
        this.studyInstanceUid = studyInstanceUid;
        this.settings = settings;
        this.cache = cache;
        this.associations = associations;
        this.moveDestinations = moveDestinations;
    }

    State state() {
        return state;
    }

    ImagingException failure() {
        return failure;
    }

    /**
     * Remaining sub-operations times the observed time per sub-operation, within 1..60 s; a short
     * first guess until the archive has reported progress.
     */
    Duration retryAfter() {
        RetrieveProgress p = progress;
        long started = startedNanos;
        if (started == 0 || p.done() == 0 || p.remaining() < 0) {
            return FIRST_GUESS;
        }
        double perInstance = (System.nanoTime() - started) / (double) p.done();
        Duration estimate = Duration.ofNanos((long) (perInstance * Math.max(1, p.remaining())));
        if (estimate.compareTo(MIN_RETRY) < 0) {
            return MIN_RETRY;
        }
        return estimate.compareTo(MAX_RETRY) > 0 ? MAX_RETRY : estimate;
    }

    @Override
    public void run() {
        Path directory = null;
        ImagingException failed = null;
        try {
            directory = cache.newTemporaryDirectory(studyInstanceUid);
            RetrieveResult result = retrieveInto(directory);
            long transferred = System.nanoTime();
            if (result.refused()) {
                throw new ImagingException.UpstreamFailure(refusal(result));
            }
            if (!result.complete()) {
                throw new ImagingException.UpstreamFailure("The archive did not send the whole study (status "
                        + Status.hex(result.status()) + ", " + result.progress().completed() + " sent, "
                        + result.progress().failed() + " failed)");
            }
            CachedStudy study = CachedStudy.index(studyInstanceUid, directory);
            if (study.instances().isEmpty()) {
                throw new ImagingException.NotFound("No such study");
            }
            cache.commit(study);
            directory = null;
            state = State.COMPLETE;
            long end = System.nanoTime();
            LOG.info("Retrieved a study of {} instances ({} bytes) in {} ms (transfer {} ms, index and commit {} ms)",
                    study.instances().size(), study.bytes(), (end - startedNanos) / 1_000_000,
                    (transferred - startedNanos) / 1_000_000, (end - transferred) / 1_000_000);
        } catch (ImagingException e) {
            failed = e;
        } catch (ConnectException e) {
            failed = new ImagingException.UpstreamFailure("The archive cannot be reached", e);
        } catch (SocketTimeoutException e) {
            failed = new ImagingException.UpstreamFailure("The archive did not answer in time", e);
        } catch (IOException | RuntimeException e) {
            failed = new ImagingException.UpstreamFailure("The retrieval from the archive failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failed = new ImagingException.UpstreamFailure("The retrieval was interrupted");
        } finally {
            // The temporary directory goes before the failure is published: whoever is told "failed"
            // finds nothing half retrieved left behind.
            if (directory != null) {
                try {
                    StudyCache.deleteTree(directory);
                } catch (IOException e) {
                    LOG.warn("Could not delete a failed retrieval's directory: {}", e.getMessage());
                }
            }
            if (failed != null) {
                fail(failed);
            } else if (state == State.RUNNING) {
                fail(new ImagingException.UpstreamFailure("The retrieval from the archive failed"));
            }
        }
    }

    private RetrieveResult retrieveInto(Path directory) throws IOException, InterruptedException {
        Attributes keys = new Attributes();
        keys.setString(Tag.QueryRetrieveLevel, VR.CS, "STUDY");
        keys.setString(Tag.StudyInstanceUID, VR.UI, studyInstanceUid);
        boolean move = settings.retrieval() == DimseSettings.RetrievalMethod.C_MOVE;
        String sopClass = move ? Uids.StudyRootQueryRetrieveMove : Uids.StudyRootQueryRetrieveGet;
        List<PresentationContext> contexts = move
                ? List.of(PresentationContext.proposal(1, sopClass, Uids.ExplicitVRLittleEndian, Uids.ImplicitVRLittleEndian))
                : StorageSopClasses.getContexts(sopClass);
        try (Associations.Lease lease = associations.open(contexts, move ? List.of() : StorageSopClasses.getRoles())) {
            startedNanos = System.nanoTime();
            Instant deadline = Instant.now().plus(settings.retrieveTimeout());
            Association association = lease.association();
            RetrieveResult result;
            if (move) {
                moveDestinations.register(studyInstanceUid, directory, settings.cacheMaxBytes());
                try {
                    result = MoveScu.move(association, sopClass, keys, settings.storeAe(), p -> progress = p, deadline);
                } finally {
                    moveDestinations.unregister(studyInstanceUid);
                }
            } else {
                result = GetScu.get(association, sopClass, keys, new InstanceFileWriter(directory, settings.cacheMaxBytes()),
                        p -> progress = p, deadline);
            }
            lease.release();
            return result;
        }
    }

    /**
     * The archive refused the C-GET or C-MOVE before sending anything. For C-MOVE the usual cause is
     * a destination the archive does not know (Orthanc answers 0xC000, the standard says 0xA801).
     */
    private String refusal(RetrieveResult result) {
        String status = "status " + Status.hex(result.status()) + ", " + Status.retrieveMeaning(result.status())
                + (result.errorComment() == null || result.errorComment().isBlank() ? "" : ": " + result.errorComment().strip());
        if (settings.retrieval() == DimseSettings.RetrievalMethod.C_MOVE) {
            return "The archive refused the C-MOVE to " + settings.storeAe() + " (" + status + "); the archive must know "
                    + settings.storeAe() + " as a C-MOVE destination at this host, port " + settings.storePort();
        }
        return "The archive refused the C-GET (" + status + ")";
    }

    private void fail(ImagingException e) {
        if (!(e instanceof ImagingException.NotFound)) {
            LOG.warn("Retrieval of a study from {} failed: {}{}", settings.calledAe(), e.getMessage(),
                    e.getCause() == null ? "" : " (" + e.getCause().getMessage() + ")");
        }
        failure = e;
        state = State.FAILED;
    }
}
