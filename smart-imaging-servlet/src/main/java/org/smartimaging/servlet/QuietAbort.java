package org.smartimaging.servlet;

import java.io.IOException;

/**
 * The abort exception for Jetty: Jetty logs a failing request at WARN with its URI, which for a
 * WADO answer holds the study token (a credential, never logged); a {@code QuietException} is
 * logged at DEBUG only. Loaded only when Jetty is the container ({@link AbortDispatch}).
 */
final class QuietAbort extends IOException implements org.eclipse.jetty.io.QuietException {
    private static final long serialVersionUID = 1L;

    private QuietAbort(String message) {
        super(message);
    }

    /** Typed as IOException so that callers never load this class unless they call this. */
    static IOException of(String message) {
        return new QuietAbort(message);
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
