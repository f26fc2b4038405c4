package org.smartimaging.dimse;

import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.smartimaging.dimse.net.Association;
import org.smartimaging.dimse.net.PresentationContext;
import org.smartimaging.dimse.net.RoleSelection;

/**
 * Opens associations to the archive, at most {@code maxAssociations} at once (searches and
 * retrievals together), and aborts every open one when the source closes.
 */
final class Associations implements AutoCloseable {

    private final DimseSettings settings;
    private final Semaphore permits;
    private final Set<Association> open = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    Associations(DimseSettings settings) {
        this.settings = settings;
        this.permits = new Semaphore(settings.maxAssociations(), true);
    }

    /** An open association, released (or aborted) when the lease closes. */
    final class Lease implements AutoCloseable {
        private final Association association;
        private boolean done;

        private Lease(Association association) {
            this.association = association;
        }

        Association association() {
            return association;
        }

        /** Ends the association normally (A-RELEASE). */
        void release() {
            if (!done) {
                done = true;
                association.release();
                finish();
            }
        }

        /** Aborts unless released before. */
        @Override
        public void close() {
            if (!done) {
                done = true;
                association.abort();
                finish();
            }
        }

        private void finish() {
            open.remove(association);
            permits.release();
        }
    }

    /**
     * Waits for a free slot (at most the connect timeout plus {@code extraWaitSeconds}), then connects.
     *
     * @throws IOException when no slot frees up in time or the archive cannot be associated
     */
    Lease open(List<PresentationContext> contexts, List<RoleSelection> roles) throws IOException, InterruptedException {
        return open(contexts, roles, settings.retrieveTimeout().toSeconds());
    }

    Lease open(List<PresentationContext> contexts, List<RoleSelection> roles, long waitSeconds)
            throws IOException, InterruptedException {
        if (closed) {
            throw new IOException("The image source is closed");
        }
        if (!permits.tryAcquire(waitSeconds, TimeUnit.SECONDS)) {
            throw new BusyException();
        }
        try {
            Association association = Association.connect(settings.host(), settings.port(), settings.callingAe(),
                    settings.calledAe(), contexts, roles, settings.association());
            open.add(association);
            if (closed) {
                association.abort();
                open.remove(association);
                throw new IOException("The image source is closed");
            }
            return new Lease(association);
        } catch (IOException | RuntimeException e) {
            permits.release();
            throw e;
        }
    }

    /** Every association slot stayed taken for the whole wait. */
    static final class BusyException extends IOException {
        BusyException() {
            super("All associations to the archive are busy");
        }
    }

    @Override
    public void close() {
        closed = true;
        open.forEach(Association::abort);
    }
}
