package org.smartimaging.access;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smartimaging.spi.AccessDecision;
import org.smartimaging.spi.AccessGrant;
import org.smartimaging.spi.AccessPolicy;
import org.smartimaging.spi.ImagingException;
import org.smartimaging.spi.SeriesRecord;
import org.smartimaging.spi.StudyRecord;

/**
 * {@code access.type: decision-service}: the IG's "DICOMweb requests an access decision" pattern.
 * Each question (may this grant reach this patient? this study?) is POSTed as JSON to a decision
 * service the deployment runs; answers are reused for {@code cacheSeconds}. A service that cannot
 * be asked, or answers anything but a decision, means no access: the request fails with 502 and
 * says so, it is never served.
 *
 * <p>The question carries the grant's mode, client, user, patient context and scopes, never a
 * token. See the README for the wire format.
 */
final class DecisionServicePolicy implements AccessPolicy {

    private static final Logger LOG = LoggerFactory.getLogger(DecisionServicePolicy.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_CACHED = 10_000;
    private static final int MAX_ANSWER_BYTES = 64 * 1024;

    private final URI url;
    private final Duration timeout;
    private final Duration cacheFor;
    private final Clock clock;
    private final HttpClient http;
    private final Map<String, Cached> cache = new LinkedHashMap<>(64, 0.75f, true);

    private record Cached(AccessDecision decision, Instant until) {}

    DecisionServicePolicy(URI url, Duration timeout, Duration cacheFor, Clock clock) {
        this.url = url;
        this.timeout = timeout;
        this.cacheFor = cacheFor;
        this.clock = clock;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    @Override
    public boolean permitsPatient(AccessGrant grant, String patientId) {
        ObjectNode question = question("patient", grant, patientId);
        return decision(question).permitted();
    }

    @Override
    public AccessDecision decide(AccessGrant grant, String patientId, StudyRecord study) {
        ObjectNode question = question("study", grant, patientId);
        ObjectNode s = question.putObject("study");
        s.put("studyInstanceUid", study.studyInstanceUid());
        s.put("patientId", study.patientId());
        s.put("accessionNumber", study.accessionNumber());
        ArrayNode modalities = s.putArray("modalities");
        study.modalities().forEach(modalities::add);
        ArrayNode series = s.putArray("series");
        for (SeriesRecord one : study.series()) {
            series.addObject().put("seriesInstanceUid", one.seriesInstanceUid()).put("modality", one.modality());
        }
        return decision(question);
    }

    private static ObjectNode question(String about, AccessGrant grant, String patientId) {
        ObjectNode question = JSON.createObjectNode();
        question.put("question", about);
        ObjectNode g = question.putObject("grant");
        g.put("mode", grant.mode() == AccessGrant.Mode.BACKEND_SERVICES ? "backend-services" : "app-launch");
        g.put("client_id", grant.clientId());
        g.put("user", grant.user());
        g.put("patient", grant.patientId());
        ArrayNode scopes = g.putArray("scopes");
        new TreeSet<>(grant.scopes()).forEach(scopes::add);
        question.put("patient", patientId);
        return question;
    }

    private AccessDecision decision(ObjectNode question) {
        String key = question.toString();
        Instant now = clock.instant();
        synchronized (cache) {
            Cached cached = cache.get(key);
            if (cached != null && now.isBefore(cached.until())) {
                return cached.decision();
            }
        }
        AccessDecision decision = ask(key);
        if (!cacheFor.isZero()) {
            synchronized (cache) {
                cache.put(key, new Cached(decision, now.plus(cacheFor)));
                if (cache.size() > MAX_CACHED) {
                    var eldest = cache.keySet().iterator();
                    eldest.next();
                    eldest.remove();
                }
            }
        }
        return decision;
    }

    private AccessDecision ask(String question) {
        HttpRequest request = HttpRequest.newBuilder(url)
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(question))
                .build();
        HttpResponse<byte[]> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            LOG.warn("The access decision service at {} cannot be reached: {}", url, e.toString());
            throw unavailable();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable();
        }
        if (response.statusCode() != 200 || response.body().length > MAX_ANSWER_BYTES) {
            LOG.warn("The access decision service at {} answered HTTP {}", url, response.statusCode());
            throw unavailable();
        }
        return parse(response.body());
    }

    /** {@code {"decision": "permit" | "deny", "deniedSeries": [...], "reason": "..."}}; anything else fails closed. */
    private AccessDecision parse(byte[] body) {
        JsonNode answer;
        try {
            answer = JSON.readTree(body);
        } catch (IOException e) {
            throw unavailable();
        }
        if (answer == null || !answer.isObject()) {
            throw unavailable();
        }
        String decision = answer.path("decision").asText("");
        String reason = answer.path("reason").isTextual() ? answer.path("reason").asText() : null;
        switch (decision) {
            case "deny" -> {
                return AccessDecision.deny(reason != null ? reason : "the access decision service denied it");
            }
            case "permit" -> {
                Set<String> denied = new HashSet<>();
                for (JsonNode series : answer.path("deniedSeries")) {
                    if (!series.isTextual()) {
                        throw unavailable();
                    }
                    denied.add(series.asText());
                }
                return AccessDecision.permitExcept(denied, reason != null ? reason : "the access decision service withholds some series");
            }
            default -> {
                LOG.warn("The access decision service at {} gave no decision", url);
                throw unavailable();
            }
        }
    }

    private static ImagingException unavailable() {
        return new ImagingException.UpstreamFailure(
                "The access decision service could not be asked, so access cannot be established and is refused");
    }
}
