package org.smartimaging.dicomweb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smartimaging.spi.ImagingException;

/**
 * The HTTP conversation with one DICOMweb PACS: one JDK {@link HttpClient}, its timeouts and
 * credentials, and the single place where upstream statuses and network failures become
 * {@link ImagingException}s. Messages name the PACS by {@code host:port} only.
 */
final class Upstream {

    private static final Logger LOG = LoggerFactory.getLogger(Upstream.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** A QIDO-RS answer larger than this is refused (about 30k instances of full attributes). */
    static final int MAX_QIDO_BYTES = 64 * 1024 * 1024;

    private final DicomWebSettings settings;
    private final Clock clock;
    private final HttpClient client;
    private final String name;
    private final java.util.concurrent.atomic.LongAdder requests = new java.util.concurrent.atomic.LongAdder();

    Upstream(DicomWebSettings settings, Clock clock, Executor executor) {
        this.settings = settings;
        this.clock = clock;
        this.name = settings.upstreamName();
        this.client = HttpClient.newBuilder()
                .connectTimeout(settings.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1)
                .executor(executor)
                .build();
    }

    String name() {
        return name;
    }

    /** HTTP requests sent to the PACS so far (searches, retrievals, retries). */
    long requests() {
        return requests.sum();
    }

    /** One QIDO-RS answer: its matches and whether the PACS said it left some out (Warning 299). */
    record QidoAnswer(List<JsonNode> matches, boolean truncatedByServer) {}

    /**
     * A QIDO-RS search, e.g. {@code /studies} with {@code PatientID}. The whole answer arrives
     * within the request timeout or the search fails.
     *
     * @throws ImagingException.NotFound when the PACS answers 404 (e.g. a study that vanished)
     */
    QidoAnswer search(String path, List<Map.Entry<String, String>> parameters) {
        URI uri = uri(path, parameters);
        HttpResponse<byte[]> response = send(uri, "application/dicom+json", info -> new LimitedBytes(MAX_QIDO_BYTES));
        if (response.statusCode() == 204) {
            return new QidoAnswer(List.of(), false);
        }
        if (response.statusCode() != 200) {
            throw failure(response.statusCode(), response.headers(), path);
        }
        JsonNode body;
        try {
            body = response.body().length == 0 ? JSON.createArrayNode() : JSON.readTree(response.body());
        } catch (IOException e) {
            throw new ImagingException.UpstreamFailure("The PACS at " + name + " answered a search with invalid JSON");
        }
        if (!body.isArray()) {
            throw new ImagingException.UpstreamFailure("The PACS at " + name + " answered a search with no JSON array");
        }
        List<JsonNode> matches = new ArrayList<>(body.size());
        body.forEach(matches::add);
        boolean truncated = response.headers().allValues("Warning").stream().anyMatch(w -> w.startsWith("299"));
        return new QidoAnswer(matches, truncated);
    }

    /**
     * A WADO-RS request whose body is left unread for the caller to stream. Anything but 2xx is
     * closed here and thrown.
     */
    HttpResponse<UpstreamChunks> retrieve(String path, Map<String, List<String>> query, String accept) {
        List<Map.Entry<String, String>> parameters = new ArrayList<>();
        query.forEach((key, values) -> values.forEach(value -> parameters.add(Map.entry(key, value))));
        HttpResponse<UpstreamChunks> response = send(uri(path, parameters), accept, UpstreamChunks.handler());
        int status = response.statusCode();
        if (status < 200 || status > 299) {
            response.body().close();
            // The client's request, passed on, is what the PACS refused: say so, not "bad gateway".
            if (status == 406) {
                throw new ImagingException.NotAcceptable("The PACS at " + name + " cannot send this in a form the Accept header allows (HTTP 406)");
            }
            if (status == 400) {
                throw new ImagingException.BadRequest("The PACS at " + name + " refused the request as invalid (HTTP 400)");
            }
            throw failure(status, response.headers(), path);
        }
        return response;
    }

    private <T> HttpResponse<T> send(URI uri, String accept, HttpResponse.BodyHandler<T> handler) {
        for (int attempt = 1; ; attempt++) {
            HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                    .timeout(settings.requestTimeout())
                    .GET();
            if (accept != null) {
                try {
                    request.header("Accept", accept);
                } catch (IllegalArgumentException e) {
                    throw new ImagingException.BadRequest("The Accept header is not valid");
                }
            }
            String authorization = settings.authentication()
                    .authorization(client, settings.requestTimeout())
                    .orElse(null);
            if (authorization != null) {
                request.header("Authorization", authorization);
            }
            requests.increment();
            HttpResponse<T> response;
            try {
                response = await(client.sendAsync(request.build(), handler));
            } catch (ImagingException.UpstreamFailure e) {
                if (attempt == 1 && closedWhileIdle(e.getCause())) {
                    continue; // a GET is safe to send again, on a fresh connection
                }
                throw e;
            }
            // A token-based credential may be stale (revoked, rotated): fetch a new one and try once more.
            boolean refused = response.statusCode() == 401 || response.statusCode() == 403;
            if (refused && attempt == 1 && settings.authentication().rejected(authorization)) {
                if (response.body() instanceof InputStream stream) {
                    closeQuietly(stream);
                } else if (response.body() instanceof UpstreamChunks chunks) {
                    chunks.close();
                }
                continue;
            }
            LOG.debug("{} {} -> {}", name, uri.getRawPath(), response.statusCode());
            return response;
        }
    }

    private <T> HttpResponse<T> await(CompletableFuture<HttpResponse<T>> pending) {
        try {
            return pending.get(settings.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            pending.cancel(true);
            throw timedOut(e);
        } catch (InterruptedException e) {
            pending.cancel(true);
            Thread.currentThread().interrupt();
            throw new ImagingException.UpstreamFailure("Interrupted while waiting for the PACS at " + name, e);
        } catch (ExecutionException e) {
            throw networkFailure(e.getCause() != null ? e.getCause() : e);
        }
    }

    /**
     * The PACS closed a pooled keep-alive connection just as we reused it (Orthanc closes idle
     * ones after about a second): the request never reached it, and nothing came back.
     */
    private static boolean closedWhileIdle(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof java.io.EOFException
                    || (t instanceof IOException && String.valueOf(t.getMessage()).contains("received no bytes"))) {
                return true;
            }
        }
        return false;
    }

    /** A network-level failure (no HTTP status) as a 502 naming the PACS. */
    ImagingException networkFailure(Throwable cause) {
        if (cause instanceof ImagingException imaging) {
            return imaging;
        }
        if (cause instanceof HttpConnectTimeoutException) {
            LOG.warn("PACS {}: no connection within {}", name, settings.connectTimeout());
            return new ImagingException.UpstreamFailure("Could not connect to the PACS at " + name + " within "
                    + settings.connectTimeout().toSeconds() + " s", cause);
        }
        if (cause instanceof HttpTimeoutException) {
            return timedOut(cause);
        }
        if (cause instanceof ConnectException) {
            LOG.warn("PACS {}: cannot connect", name);
            return new ImagingException.UpstreamFailure("Could not connect to the PACS at " + name, cause);
        }
        if (cause instanceof LimitedBytes.TooLarge) {
            return new ImagingException.UpstreamFailure("The PACS at " + name + " answered a search larger than "
                    + MAX_QIDO_BYTES / (1024 * 1024) + " MiB", cause);
        }
        LOG.warn("PACS {}: connection failed ({})", name, cause.getClass().getSimpleName());
        return new ImagingException.UpstreamFailure("The connection to the PACS at " + name + " failed", cause);
    }

    private ImagingException timedOut(Throwable cause) {
        LOG.warn("PACS {}: no answer within {}", name, settings.requestTimeout());
        return new ImagingException.UpstreamFailure("The PACS at " + name + " did not answer within "
                + settings.requestTimeout().toSeconds() + " s", cause);
    }

    /** An HTTP error status of the PACS as the SDK's answer. */
    ImagingException failure(int status, HttpHeaders headers, String path) {
        if (status == 404) {
            return new ImagingException.NotFound("Not found at the PACS: " + path);
        }
        LOG.warn("PACS {}: HTTP {} for {}", name, status, path);
        if (status == 401 || status == 403) {
            return new ImagingException.UpstreamFailure(
                    "The PACS at " + name + " rejected our credentials (HTTP " + status + ")");
        }
        if (status == 503) {
            Optional<Duration> retryAfter = retryAfter(headers);
            if (retryAfter.isPresent()) {
                return new ImagingException.RetryLater(retryAfter.get(),
                        "The PACS at " + name + " is busy; retry after " + retryAfter.get().toSeconds() + " s");
            }
        }
        if (status >= 500) {
            return new ImagingException.UpstreamFailure("The PACS at " + name + " failed (HTTP " + status + ")");
        }
        return new ImagingException.UpstreamFailure(
                "The PACS at " + name + " refused the request (HTTP " + status + ")");
    }

    /** {@code Retry-After} as delta-seconds or an HTTP date (RFC 9110 10.2.3). */
    private Optional<Duration> retryAfter(HttpHeaders headers) {
        Optional<String> value = headers.firstValue("Retry-After").map(String::trim);
        if (value.isEmpty() || value.get().isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(value.get()))));
        } catch (NumberFormatException notSeconds) {
            try {
                ZonedDateTime when = ZonedDateTime.parse(value.get(), DateTimeFormatter.RFC_1123_DATE_TIME);
                Duration delay = Duration.between(clock.instant(), when.toInstant());
                return Optional.of(delay.isNegative() ? Duration.ZERO : delay);
            } catch (RuntimeException notDate) {
                return Optional.empty();
            }
        }
    }

    private URI uri(String path, List<Map.Entry<String, String>> parameters) {
        StringBuilder text = new StringBuilder(settings.endpoint().toString()).append(path);
        char separator = '?';
        for (Map.Entry<String, String> parameter : parameters) {
            text.append(separator)
                    .append(URLEncoder.encode(parameter.getKey(), StandardCharsets.UTF_8))
                    .append('=')
                    // a comma separates list items in DICOMweb (viewport=w,h); PACS such as Orthanc do not decode %2C
                    .append(URLEncoder.encode(parameter.getValue(), StandardCharsets.UTF_8).replace("%2C", ","));
            separator = '&';
        }
        return URI.create(text.toString());
    }

    static void closeQuietly(InputStream stream) {
        try {
            stream.close();
        } catch (IOException | RuntimeException e) {
            // nothing more to free
        }
    }

    /** Collects a body up to a limit; past it the exchange is cancelled. */
    static final class LimitedBytes implements HttpResponse.BodySubscriber<byte[]> {
        private final CompletableFuture<byte[]> result = new CompletableFuture<>();
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final int limit;
        private Flow.Subscription subscription;

        LimitedBytes(int limit) {
            this.limit = limit;
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            this.subscription = subscription;
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            if (result.isDone()) {
                return;
            }
            for (ByteBuffer buffer : buffers) {
                if ((long) bytes.size() + buffer.remaining() > limit) {
                    subscription.cancel();
                    result.completeExceptionally(new TooLarge());
                    return;
                }
                byte[] chunk = new byte[buffer.remaining()];
                buffer.get(chunk);
                bytes.write(chunk, 0, chunk.length);
            }
        }

        @Override
        public void onError(Throwable error) {
            result.completeExceptionally(error);
        }

        @Override
        public void onComplete() {
            result.complete(bytes.toByteArray());
        }

        static final class TooLarge extends IOException {
            TooLarge() {
                super("response body over the limit");
            }
        }
    }
}
