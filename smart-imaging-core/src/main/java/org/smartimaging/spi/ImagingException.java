package org.smartimaging.spi;

import java.time.Duration;

/**
 * The one exception family of the SDK: each subclass is one HTTP status, carries the FHIR
 * {@code OperationOutcome} issue code and a message safe to show the client (no token, secret or
 * credential, no stack trace). The engine turns any of them into a response in one place.
 */
public abstract sealed class ImagingException extends RuntimeException {

    private final int status;
    private final String issueCode;

    protected ImagingException(int status, String issueCode, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.issueCode = issueCode;
    }

    public int status() {
        return status;
    }

    /** The FHIR {@code IssueType} code (e.g. {@code invalid}, {@code forbidden}). */
    public String issueCode() {
        return issueCode;
    }

    /** 400: the request is malformed or asks for something unsupported. */
    public static final class BadRequest extends ImagingException {
        public BadRequest(String message) {
            super(400, "invalid", message, null);
        }
    }

    /**
     * 401: no usable access token. {@code error} is the RFC 6750 code for {@code WWW-Authenticate}
     * ({@code invalid_request} when the token is missing or malformed, {@code invalid_token} when
     * it is inactive, expired or forged).
     */
    public static final class Unauthorized extends ImagingException {
        private final String error;

        public Unauthorized(String error, String message) {
            super(401, "login", message, null);
            this.error = error;
        }

        public static Unauthorized invalidToken(String message) {
            return new Unauthorized("invalid_token", message);
        }

        public static Unauthorized missingToken() {
            return new Unauthorized(null, "This request needs an access token: Authorization: Bearer <token>");
        }

        /** RFC 6750 error code, or {@code null} when the request simply carried no token. */
        public String error() {
            return error;
        }
    }

    /**
     * 403: the token is valid but does not allow this. {@code insufficientScope} adds
     * {@code WWW-Authenticate: Bearer error="insufficient_scope"}.
     */
    public static final class Forbidden extends ImagingException {
        private final String requiredScope;

        public Forbidden(String message) {
            this(message, null);
        }

        private Forbidden(String message, String requiredScope) {
            super(403, "forbidden", message, null);
            this.requiredScope = requiredScope;
        }

        /**
         * @param requiredScope the scope that would have sufficed, advertised in
         *     {@code WWW-Authenticate} (RFC 6750 {@code insufficient_scope})
         */
        public static Forbidden insufficientScope(String message, String requiredScope) {
            return new Forbidden(message, java.util.Objects.requireNonNull(requiredScope, "requiredScope"));
        }

        public boolean insufficientScope() {
            return requiredScope != null;
        }

        /** The scope that would have sufficed, or {@code null} when the refusal is not about scope. */
        public String requiredScope() {
            return requiredScope;
        }
    }

    /** 404: no such configuration, study, series or instance. */
    public static final class NotFound extends ImagingException {
        public NotFound(String message) {
            super(404, "not-found", message, null);
        }
    }

    /** 406: the source cannot produce any of the media types the client accepts. */
    public static final class NotAcceptable extends ImagingException {
        public NotAcceptable(String message) {
            super(406, "not-supported", message, null);
        }
    }

    /** 413: the request is larger than the server accepts. */
    public static final class TooLarge extends ImagingException {
        public TooLarge(String message) {
            super(413, "too-costly", message, null);
        }
    }

    /** 502: an upstream (PACS, authorization server, EHR) failed or could not be reached. */
    public static final class UpstreamFailure extends ImagingException {
        public UpstreamFailure(String message, Throwable cause) {
            super(502, "transient", message, cause);
        }

        public UpstreamFailure(String message) {
            this(message, null);
        }
    }

    /** 503 + {@code Retry-After}: the answer is not ready yet; ask again after the delay. */
    public static final class RetryLater extends ImagingException {
        private final Duration retryAfter;

        public RetryLater(Duration retryAfter, String message) {
            super(503, "transient", message, null);
            this.retryAfter = retryAfter.isNegative() ? Duration.ZERO : retryAfter;
        }

        /** Whole seconds, at least 1, as {@code Retry-After} needs an integer. */
        public long retryAfterSeconds() {
            long roundedUp = retryAfter.getSeconds() + (retryAfter.getNano() > 0 ? 1 : 0);
            return Math.max(1, roundedUp);
        }
    }

    /** A configuration (file or dynamic) is invalid; the message names the field. */
    public static final class InvalidConfig extends ImagingException {
        public InvalidConfig(String message) {
            super(400, "invalid", message, null);
        }
    }
}
