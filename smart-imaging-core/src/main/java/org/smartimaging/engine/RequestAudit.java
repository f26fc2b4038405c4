package org.smartimaging.engine;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.smartimaging.spi.AccessGrant;
import org.smartimaging.spi.AuditRecord;
import org.smartimaging.spi.AuditRecord.Action;
import org.smartimaging.spi.AuditRecord.Decision;
import org.smartimaging.token.StudyToken;

/**
 * What one search or retrieval established, gathered while the request runs and turned into one
 * {@link AuditRecord} when it ends, whatever the outcome. Holds no credential: the access token and
 * the capability are reduced to a fingerprint and an id as soon as they are seen.
 */
final class RequestAudit {

    /** A client's X-Request-Id is echoed into audit only when it is short and plain. */
    private static final Pattern REQUEST_ID = Pattern.compile("[A-Za-z0-9._:\\-]{1,64}");

    private final Action action;
    private final String route;
    private final String query;
    private final String correlationId;
    private final String server;
    private final String accessTokenFingerprint;
    private String site;
    private String clientId;
    private String user;
    private String patientId;
    private List<String> studies = List.of();
    private String capabilityId;
    private String reason;

    private RequestAudit(Action action, String route, String query, ImagingRequest request) {
        this.action = action;
        this.route = route;
        this.query = query;
        String requestId = request.header().apply("X-Request-Id");
        this.correlationId = requestId != null && REQUEST_ID.matcher(requestId).matches() ? requestId : UUID.randomUUID().toString();
        this.server = request.baseUrl();
        this.accessTokenFingerprint = accessTokenFingerprint(request.header().apply("Authorization"));
    }

    static RequestAudit search(ImagingRequest request) {
        String query = request.query().entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .flatMap(e -> e.getValue().stream().map(v -> e.getKey() + "=" + v))
                .collect(Collectors.joining("&"));
        return new RequestAudit(Action.SEARCH, "ImagingStudy", query, request);
    }

    static RequestAudit retrieval(ImagingRequest request, Route.Wado route) {
        String level = route.instance() != null ? "instance" : route.series() != null ? "series" : "study";
        String resource = switch (route.resource()) {
            case INSTANCES -> "";
            default -> "/" + route.resource().name().toLowerCase(java.util.Locale.ROOT);
        };
        RequestAudit audit = new RequestAudit(Action.RETRIEVE, "wado/" + level + resource, null, request);
        audit.studies = List.of(route.study());
        // Until the capability verifies, name what was presented by its fingerprint.
        audit.capabilityId = "sha256:" + fingerprint(route.studyToken());
        return audit;
    }

    /** A QIDO-RS search under a WADO base: a search, bounded by the capability it presents. */
    static RequestAudit qido(ImagingRequest request, Route.Qido route) {
        RequestAudit audit = search(request);
        RequestAudit qido = new RequestAudit(Action.SEARCH, "qido/" + route.level().name().toLowerCase(java.util.Locale.ROOT),
                audit.query, request);
        if (route.study() != null) {
            qido.studies = List.of(route.study());
        }
        qido.capabilityId = "sha256:" + fingerprint(route.studyToken());
        return qido;
    }

    String correlationId() {
        return correlationId;
    }

    void site(String bindingId) {
        this.site = bindingId;
    }

    void grant(AccessGrant grant) {
        this.clientId = grant.clientId();
        this.user = grant.user();
        if (patientId == null && grant.hasPatient()) {
            this.patientId = grant.patientId();
        }
    }

    void patient(String patientId) {
        if (patientId != null) {
            this.patientId = patientId;
        }
    }

    void studies(List<String> studyInstanceUids) {
        this.studies = List.copyOf(studyInstanceUids);
    }

    void capability(StudyToken token) {
        if (token.id() != null) {
            this.capabilityId = token.id();
        }
        if (studies.isEmpty()) {
            // a QIDO-RS search across the capability: its studies are what could be found
            this.studies = token.studyInstanceUids().stream().sorted().toList();
        }
        patient(token.patientId());
    }

    void failed(String reason) {
        this.reason = reason;
    }

    AuditRecord finish(int status, Instant now) {
        Decision decision = Decision.ofStatus(status);
        return new AuditRecord(now, action, site, route, query, clientId, user, patientId,
                decision == Decision.PERMIT || action == Action.RETRIEVE ? studies : List.of(),
                decision, status, decision == Decision.PERMIT ? null : reason, correlationId, accessTokenFingerprint,
                capabilityId, server);
    }

    private static String accessTokenFingerprint(String authorization) {
        if (authorization == null || authorization.length() <= 7 || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        return fingerprint(authorization.substring(7).strip());
    }

    /** The first 128 bits of SHA-256, base64url: correlates without revealing (tokens are high-entropy). */
    static String fingerprint(String secret) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(digest, 16));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
