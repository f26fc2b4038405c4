package org.smartimaging.introspection;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import com.nimbusds.oauth2.sdk.auth.ClientAuthenticationMethod;
import com.nimbusds.oauth2.sdk.auth.verifier.Context;
import com.nimbusds.oauth2.sdk.auth.verifier.ExpendedJTIChecker;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.JWTID;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The short-lived state of the authorization flows of one configuration, in bounded memory: launches
 * waiting for the EHR, consent pages waiting for the user, authorization codes, refresh tokens,
 * revoked access tokens and spent client-assertion ids. Every entry expires; every store is bounded.
 *
 * <p>Access tokens need none of this (they are signed, see {@link ImagingAccessTokens}); the flows
 * do, so in a cluster the {@code {key}/oauth/} paths of one sign-in must reach one node (sticky
 * sessions), and a revocation is known to the node that received it (tokens are short-lived).
 */
final class OAuthFlows implements ExpendedJTIChecker<Void> {

    static final Duration LAUNCH_LIFETIME = Duration.ofMinutes(10);
    static final Duration CONSENT_LIFETIME = Duration.ofMinutes(10);
    /** RFC 6749 section 4.1.2 recommends at most ten minutes; a browser needs seconds. */
    static final Duration CODE_LIFETIME = Duration.ofSeconds(60);
    private static final long MAX_PENDING = 10_000;
    private static final long MAX_TOKENS = 100_000;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** What the app asked for at {@code authorize}, kept until it gets its code. */
    record AppRequest(String clientId, URI redirectUri, String state, String codeChallenge, Set<String> scopes) {}

    /** A nested launch at the EHR, keyed by its {@code state}. */
    record Launch(AppRequest app, String browserBinding, String nonce, CodeVerifier verifier, boolean silent,
            String idTokenHint, Instant expiresAt) {}

    /** A consent page shown, keyed by its id. */
    record Consent(AppRequest app, String browserBinding, String csrfToken, String patient, String fhirUser,
            Instant expiresAt) {}

    /** An authorization code issued to the app. */
    record Code(AppRequest app, String patient, String fhirUser, Instant expiresAt) {}

    /** A refresh token, keyed by its SHA-256. */
    record Refresh(String clientId, String patient, String fhirUser, Set<String> scopes, Instant expiresAt) {}

    private final Clock clock;
    private final Cache<String, Launch> launches;
    private final Cache<String, Consent> consents;
    private final Cache<String, Code> codes;
    private final Cache<String, Refresh> refreshTokens;
    private final Cache<String, Instant> revokedAccessTokens;
    private final Cache<String, Instant> spentAssertions;

    OAuthFlows(Clock clock) {
        this.clock = clock;
        this.launches = cache(MAX_PENDING, Launch::expiresAt);
        this.consents = cache(MAX_PENDING, Consent::expiresAt);
        this.codes = cache(MAX_PENDING, Code::expiresAt);
        this.refreshTokens = cache(MAX_TOKENS, Refresh::expiresAt);
        this.revokedAccessTokens = cache(MAX_TOKENS, at -> at);
        this.spentAssertions = cache(MAX_TOKENS, at -> at);
    }

    static String randomValue() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    Instant now() {
        return clock.instant();
    }

    String putLaunch(Launch launch) {
        return putNew(launches, launch);
    }

    /** Takes the launch out (a state is used once); null when unknown or expired. */
    Launch takeLaunch(String state) {
        return take(launches, state, Launch::expiresAt);
    }

    String putConsent(Consent consent) {
        return putNew(consents, consent);
    }

    Consent takeConsent(String id) {
        return take(consents, id, Consent::expiresAt);
    }

    String putCode(Code code) {
        return putNew(codes, code);
    }

    /** Redeems a code: single use, so a second redemption finds nothing. */
    Code redeemCode(String value) {
        return take(codes, value, Code::expiresAt);
    }

    String putRefresh(Refresh refresh) {
        String value = randomValue();
        refreshTokens.put(SmartOnFhirSettings.sha256(value), refresh);
        return value;
    }

    /** Takes a refresh token out (they rotate on use); null when unknown or expired. */
    Refresh takeRefresh(String value) {
        return value == null ? null : live(refreshTokens.asMap().remove(SmartOnFhirSettings.sha256(value)), Refresh::expiresAt);
    }

    Refresh peekRefresh(String value) {
        return value == null ? null : live(refreshTokens.getIfPresent(SmartOnFhirSettings.sha256(value)), Refresh::expiresAt);
    }

    void revokeAccessToken(String jwtId, Instant expiresAt) {
        revokedAccessTokens.put(jwtId, expiresAt);
    }

    boolean isRevoked(String jwtId) {
        return revokedAccessTokens.getIfPresent(jwtId) != null;
    }

    @Override
    public boolean isExpended(JWTID jti, ClientID clientId, ClientAuthenticationMethod method, Context<Void> context) {
        return spentAssertions.getIfPresent(clientId.getValue() + " " + jti.getValue()) != null;
    }

    @Override
    public void markExpended(JWTID jti, Date exp, ClientID clientId, ClientAuthenticationMethod method, Context<Void> context) {
        // Kept until the assertion expires (it is refused anyway after that), at least a minute.
        Instant until = exp != null ? exp.toInstant() : clock.instant().plus(Duration.ofMinutes(5));
        Instant floor = clock.instant().plus(Duration.ofMinutes(1));
        spentAssertions.put(clientId.getValue() + " " + jti.getValue(), until.isAfter(floor) ? until : floor);
    }

    /** Stores {@code value} under a fresh random key and returns the key. */
    private static <V> String putNew(Cache<String, V> cache, V value) {
        String key = randomValue();
        cache.put(key, value);
        return key;
    }

    /** Takes the entry under {@code key} out (each is used once); null when unknown or expired. */
    private <V> V take(Cache<String, V> cache, String key, java.util.function.Function<V, Instant> expiresAt) {
        return key == null ? null : live(cache.asMap().remove(key), expiresAt);
    }

    private <V> V live(V value, java.util.function.Function<V, Instant> expiresAt) {
        return value != null && clock.instant().isBefore(expiresAt.apply(value)) ? value : null;
    }

    private <V> Cache<String, V> cache(long max, java.util.function.Function<V, Instant> expiresAt) {
        return Caffeine.newBuilder()
                .maximumSize(max)
                .ticker(ticker(clock))
                .expireAfter(new Expiry<String, V>() {
                    @Override
                    public long expireAfterCreate(String key, V value, long currentTime) {
                        return nanos(Duration.between(clock.instant(), expiresAt.apply(value)));
                    }

                    @Override
                    public long expireAfterUpdate(String key, V value, long currentTime, long currentDuration) {
                        return expireAfterCreate(key, value, currentTime);
                    }

                    @Override
                    public long expireAfterRead(String key, V value, long currentTime, long currentDuration) {
                        return currentDuration;
                    }
                })
                .build();
    }

    private static long nanos(Duration duration) {
        return duration.isNegative() ? 0 : Math.min(duration.toNanos(), Long.MAX_VALUE / 2);
    }

    private static Ticker ticker(Clock clock) {
        return () -> TimeUnit.MILLISECONDS.toNanos(clock.millis());
    }
}
