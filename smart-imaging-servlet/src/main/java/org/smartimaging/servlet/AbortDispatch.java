package org.smartimaging.servlet;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletRequest;
import java.io.IOException;

/**
 * Ends an asynchronous answer that cannot be completed (the body failed, the client was too slow)
 * so that the client sees it cut off, never a clean end: {@code AsyncContext.complete()} would
 * close a chunked body properly and pass a truncated study as whole. The request is dispatched back
 * to the servlet, which throws; a container aborts the connection of a committed response whose
 * servlet fails. This works from any thread and in any Servlet 6 container.
 */
final class AbortDispatch {

    private static final String ATTRIBUTE = AbortDispatch.class.getName();
    private static final boolean JETTY = present("org.eclipse.jetty.io.QuietException");

    private AbortDispatch() {}

    /**
     * @param mount the servlet's path in its context ({@code getServletPath()}); the dispatch goes to
     *     {@code mount + "/aborted"}, so a container that logs the failure logs that path and never
     *     the original one, whose study token is a credential
     */
    static void abort(AsyncContext async, String mount, Exception failure) {
        async.getRequest().setAttribute(ATTRIBUTE, failure);
        async.dispatch(mount + "/aborted");
    }

    /** In the servlet, on an async dispatch: rethrows the failure {@link #abort} recorded. */
    static void rethrowIfAborted(ServletRequest request) throws IOException {
        Object failure = request.getAttribute(ATTRIBUTE);
        if (failure instanceof Exception e) {
            request.removeAttribute(ATTRIBUTE);
            throw JETTY ? QuietAbort.of("response abandoned: " + e.getMessage()) : new AbortedResponse(e);
        }
    }

    private static boolean present(String type) {
        try {
            Class.forName(type, false, AbortDispatch.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** Thrown to the container to cut the connection; carries no stack of interest. */
    static final class AbortedResponse extends IOException {
        private static final long serialVersionUID = 1L;

        AbortedResponse(Exception cause) {
            super("response abandoned: " + cause.getMessage());
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    }
}
