package org.smartimaging.spi;

import java.time.Duration;
import java.util.Objects;

/** What an {@link ImageSource} answers to a retrieval: a body to stream, or come back later. */
public sealed interface Retrieval {

    /** The body is ready; the engine streams it and closes it. */
    record Ready(ResponseBody body) implements Retrieval {
        public Ready {
            Objects.requireNonNull(body, "body");
        }
    }

    /** The source is still fetching the study; the client is told {@code 503} + {@code Retry-After}. */
    record Pending(Duration retryAfter) implements Retrieval {
        public Pending {
            if (retryAfter.isNegative()) {
                throw new IllegalArgumentException("retryAfter must not be negative");
            }
        }
    }

    static Retrieval ready(ResponseBody body) {
        return new Ready(body);
    }

    static Retrieval pending(Duration retryAfter) {
        return new Pending(retryAfter);
    }
}
