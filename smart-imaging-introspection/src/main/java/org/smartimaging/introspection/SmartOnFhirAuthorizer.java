package org.smartimaging.introspection;

import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenIntrospectionSuccessResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.smartimaging.spi.AccessGrant;
import org.smartimaging.spi.Authorizer;
import org.smartimaging.spi.ImagingException;

/**
 * The {@code smart-on-fhir} authorizer: asks the EHR's authorization server about each app token
 * (RFC 7662 introspection) and turns the answer into an {@link AccessGrant}.
 *
 * <p>Answers are cached under the SHA-256 of the token (never the token itself): an active answer
 * until the token's {@code exp}, at most {@code introspectionCacheSeconds}; an inactive one for
 * {@link #INACTIVE_TTL}. Concurrent requests with one token share one introspection, so a viewer's
 * hundreds of WADO requests cost one round trip to the EHR. A failure to ask is an error (502),
 * never a grant, and is not cached.
 */
public final class SmartOnFhirAuthorizer implements Authorizer {

    /** How long an inactive answer is reused, so a stream of requests with a dead token is cheap. */
    static final Duration INACTIVE_TTL = Duration.ofSeconds(10);
    /** Tokens longer than this are refused before any lookup (JWT access tokens stay far below). */
    static final int MAX_TOKEN_LENGTH = 8192;
    /** RFC 6750 {@code b64token}. */
    private static final Pattern B64TOKEN = Pattern.compile("[A-Za-z0-9\\-._~+/]+=*");
    private static final long MAX_CACHED_TOKENS = 10_000;

    private final EhrConnection ehr;
    private final SmartOnFhirSettings settings;
    private final Clock clock;
    private final SharedLoadingCache<Introspected> answers;

    /** One introspection answer as cached: a grant when the token was active, else nothing. */
    record Introspected(AccessGrant grant, Instant cacheUntil) {
        boolean active() {
            return grant != null;
        }
    }

    SmartOnFhirAuthorizer(EhrConnection ehr, Clock clock) {
        this.ehr = ehr;
        this.settings = ehr.settings();
        this.clock = clock;
        Duration waitLimit = settings.timeout().multipliedBy(4);
        this.answers = new SharedLoadingCache<>(
                MAX_CACHED_TOKENS, answer -> Duration.between(clock.instant(), answer.cacheUntil()), clock, waitLimit);
    }

    @Override
    public AccessGrant authorize(String bearerToken) {
        if (bearerToken == null || bearerToken.isBlank()) {
            throw ImagingException.Unauthorized.missingToken();
        }
        if (bearerToken.length() > MAX_TOKEN_LENGTH || !B64TOKEN.matcher(bearerToken).matches()) {
            throw new ImagingException.Unauthorized("invalid_request", "The access token is malformed");
        }
        String key = SmartOnFhirSettings.sha256(bearerToken);
        Introspected answer = answers.get(key, () -> introspect(bearerToken));
        if (!answer.active()) {
            throw ImagingException.Unauthorized.invalidToken("The access token is not active");
        }
        AccessGrant grant = answer.grant();
        if (grant.isExpiredAt(clock.instant())) {
            throw ImagingException.Unauthorized.invalidToken("The access token has expired");
        }
        if (!grant.hasPatient() && !settings.allowBackendServices()) {
            throw new ImagingException.Forbidden(
                    "The access token has no patient context; this server serves a patient's images only");
        }
        return grant;
    }

    @Override
    public Map<String, Object> smartConfiguration() {
        return ehr.smartConfiguration().forApps();
    }

    /** Forgets every cached answer (the configuration is going away). */
    void close() {
        answers.invalidateAll();
    }

    private Introspected introspect(String token) {
        TokenIntrospectionSuccessResponse answer = ehr.introspect(token);
        Instant now = clock.instant();
        if (!answer.isActive()) {
            return new Introspected(null, now.plus(INACTIVE_TTL));
        }
        if (answer.getNotBeforeTime() != null && answer.getNotBeforeTime().toInstant().isAfter(now)) {
            return new Introspected(null, now.plus(INACTIVE_TTL));
        }
        Instant cap = now.plus(settings.introspectionCacheTtl());
        Instant exp = toInstant(answer.getExpirationTime());
        String patient = patientOf(answer);
        AccessGrant grant = new AccessGrant(
                patient != null ? AccessGrant.Mode.APP_LAUNCH : AccessGrant.Mode.BACKEND_SERVICES,
                patient,
                scopesOf(answer.getScope()),
                // A token without exp is reported as ending when this answer stops being reused.
                exp != null ? exp : cap,
                answer.getClientID() != null ? answer.getClientID().getValue() : null,
                userOf(answer));
        return new Introspected(grant, exp != null && exp.isBefore(cap) ? exp : cap);
    }

    /**
     * The patient in context: {@code patient}, or for Epic the {@code sub} when it is a Patient
     * reference (falling back to {@code patient}).
     */
    private String patientOf(TokenIntrospectionSuccessResponse answer) {
        try {
            if (settings.variant() == SmartOnFhirVariant.EPIC && answer.getSubject() != null) {
                String fromSub = PatientReference.patientInReference(answer.getSubject().getValue());
                if (fromSub != null) {
                    return fromSub;
                }
            }
            return PatientReference.idOf(answer.getStringParameter("patient"));
        } catch (IllegalArgumentException e) {
            throw new ImagingException.UpstreamFailure("The EHR's introspection answer names an invalid patient");
        }
    }

    /** The user the client acts for: SMART's {@code fhirUser} when given, else the {@code sub}. */
    private static String userOf(TokenIntrospectionSuccessResponse answer) {
        String fhirUser = answer.getStringParameter("fhirUser");
        if (fhirUser != null && !fhirUser.isBlank()) {
            return fhirUser;
        }
        return answer.getSubject() != null ? answer.getSubject().getValue() : null;
    }

    private static Set<String> scopesOf(Scope scope) {
        Set<String> scopes = new LinkedHashSet<>();
        if (scope != null) {
            scope.forEach(value -> scopes.add(value.getValue()));
        }
        return scopes;
    }

    private static Instant toInstant(Date date) {
        return date == null ? null : date.toInstant();
    }
}
