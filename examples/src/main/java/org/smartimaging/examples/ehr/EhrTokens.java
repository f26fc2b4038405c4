package org.smartimaging.examples.ehr;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * The demo EHR's in-memory state: issued access tokens, authorization codes and pending consent
 * screens. Every entry expires; every store is bounded (expired entries are dropped first, then
 * new entries are refused), so a busy or hostile client cannot grow the heap.
 */
public final class EhrTokens {

    /** Most access tokens held at once. */
    public static final int MAX_TOKENS = 10_000;
    /** Most authorization codes and consent screens held at once. */
    public static final int MAX_PENDING = 1_000;
    /** Lifetime of an app's access token. */
    public static final Duration APP_TOKEN_LIFETIME = Duration.ofHours(1);
    /** Lifetime of a backend (client credentials) token. */
    public static final Duration BACKEND_TOKEN_LIFETIME = Duration.ofMinutes(5);
    /** Lifetime of an authorization code and of a consent screen. */
    public static final Duration CODE_LIFETIME = Duration.ofMinutes(5);
    public static final Duration CONSENT_LIFETIME = Duration.ofMinutes(10);

    /** An issued access token. {@code patientId} is null for backend tokens. */
    public record AccessTokenInfo(String clientId, String subject, String scope, String patientId, Instant issuedAt,
            Instant expiresAt, boolean backend) {

        AccessTokenInfo expiredAt(Instant at) {
            return new AccessTokenInfo(clientId, subject, scope, patientId, issuedAt, at, backend);
        }
    }

    /** An authorization code waiting to be exchanged. */
    record Code(String clientId, String redirectUri, String codeChallenge, String scope, String patientId, String nonce,
            Instant expiresAt) {
    }

    /** A consent screen shown, waiting for the user's decision. */
    record Consent(String clientId, String redirectUri, String state, String codeChallenge, String scope, String nonce,
            Instant expiresAt) {
    }

    /** A signed-in browser (the EHR's session cookie): who signed in, until when. */
    record Session(String patientId, Instant expiresAt) {
    }

    /** Lifetime of a sign-in at the EHR (its session cookie). */
    public static final Duration SESSION_LIFETIME = Duration.ofHours(8);

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Clock clock;
    private final Map<String, AccessTokenInfo> tokens = new ConcurrentHashMap<>();
    private final Map<String, Code> codes = new ConcurrentHashMap<>();
    private final Map<String, Consent> consents = new ConcurrentHashMap<>();
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final Map<String, Instant> spentAssertions = new ConcurrentHashMap<>();

    public EhrTokens(Clock clock) {
        this.clock = clock;
    }

    Clock clock() {
        return clock;
    }

    static String randomValue() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** Issues an access token; empty when the store is full of live tokens. */
    Optional<String> issue(String clientId, String subject, String scope, String patientId, boolean backend) {
        Instant now = clock.instant();
        Duration lifetime = backend ? BACKEND_TOKEN_LIFETIME : APP_TOKEN_LIFETIME;
        AccessTokenInfo info = new AccessTokenInfo(clientId, subject, scope, patientId, now, now.plus(lifetime), backend);
        String token = randomValue();
        return put(tokens, MAX_TOKENS, token, info, i -> i.expiresAt().isAfter(now)) ? Optional.of(token) : Optional.empty();
    }

    /** The token's grant if it is known, unrevoked and unexpired. */
    public Optional<AccessTokenInfo> active(String token) {
        if (token == null) {
            return Optional.empty();
        }
        AccessTokenInfo info = tokens.get(token);
        return info != null && info.expiresAt().isAfter(clock.instant()) ? Optional.of(info) : Optional.empty();
    }

    Optional<AccessTokenInfo> known(String token) {
        return token == null ? Optional.empty() : Optional.ofNullable(tokens.get(token));
    }

    /** Revokes one token; true if it was known. */
    public boolean revoke(String token) {
        return token != null && tokens.remove(token) != null;
    }

    /** Makes one token expired now; true if it was known. */
    public boolean expire(String token) {
        Instant now = clock.instant().minusSeconds(1);
        return token != null && tokens.computeIfPresent(token, (k, info) -> info.expiredAt(now)) != null;
    }

    /** Revokes every app token (backend tokens stay); returns how many. */
    public int revokeAllAppTokens() {
        int[] count = {0};
        tokens.entrySet().removeIf(e -> !e.getValue().backend() && ++count[0] > 0);
        return count[0];
    }

    /** Expires every app token (backend tokens stay); returns how many. */
    public int expireAllAppTokens() {
        Instant now = clock.instant().minusSeconds(1);
        int count = 0;
        for (Map.Entry<String, AccessTokenInfo> e : tokens.entrySet()) {
            if (!e.getValue().backend()) {
                tokens.computeIfPresent(e.getKey(), (k, info) -> info.expiredAt(now));
                count++;
            }
        }
        return count;
    }

    Optional<String> newCode(Code code) {
        String value = randomValue();
        Instant now = clock.instant();
        return put(codes, MAX_PENDING, value, code, c -> c.expiresAt().isAfter(now)) ? Optional.of(value) : Optional.empty();
    }

    /** Takes a code out of the store (a code is used once), if it is unexpired. */
    Optional<Code> redeemCode(String value) {
        Code code = value == null ? null : codes.remove(value);
        return code != null && code.expiresAt().isAfter(clock.instant()) ? Optional.of(code) : Optional.empty();
    }

    Optional<String> newConsent(Consent consent) {
        String value = randomValue();
        Instant now = clock.instant();
        return put(consents, MAX_PENDING, value, consent, c -> c.expiresAt().isAfter(now)) ? Optional.of(value) : Optional.empty();
    }

    Optional<Consent> takeConsent(String value) {
        Consent consent = value == null ? null : consents.remove(value);
        return consent != null && consent.expiresAt().isAfter(clock.instant()) ? Optional.of(consent) : Optional.empty();
    }

    Optional<String> newSession(String patientId) {
        String value = randomValue();
        Instant now = clock.instant();
        Session session = new Session(patientId, now.plus(SESSION_LIFETIME));
        return put(sessions, MAX_PENDING, value, session, x -> x.expiresAt().isAfter(now)) ? Optional.of(value) : Optional.empty();
    }

    Optional<Session> session(String value) {
        Session session = value == null ? null : sessions.get(value);
        return session != null && session.expiresAt().isAfter(clock.instant()) ? Optional.of(session) : Optional.empty();
    }

    /** Records a client assertion's id; false when it was seen before (a replay). */
    boolean spendAssertion(String clientAndJti, Instant until) {
        Instant now = clock.instant();
        if (spentAssertions.size() >= MAX_TOKENS) {
            spentAssertions.values().removeIf(at -> !at.isAfter(now));
        }
        return spentAssertions.putIfAbsent(clientAndJti, until) == null;
    }

    private static <V> boolean put(Map<String, V> map, int max, String key, V value, Predicate<V> live) {
        if (map.size() >= max) {
            map.values().removeIf(live.negate());
            if (map.size() >= max) {
                return false;
            }
        }
        map.put(key, value);
        return true;
    }
}
