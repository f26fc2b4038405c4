package org.smartimaging.token;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import org.smartimaging.spi.ImagingException.Unauthorized;

/**
 * Signs and verifies {@link StudyToken}s as compact JWS (HS256 by default, ES256 with published
 * keys; see {@link StudyTokenKeys}). Stateless: every node that holds (or can fetch) the keys
 * verifies every token, so a cluster needs no session store.
 */
public final class StudyTokenCodec implements AutoCloseable {

    /** Tokens longer than this are rejected unparsed (a token for one study is ~300 characters). */
    public static final int MAX_TOKEN_LENGTH = 4096;

    private static final String CLAIM_CONFIG = "cfg";
    private static final String CLAIM_STUDIES = "studies";
    private static final String CLAIM_REQUIRES_ACCESS_TOKEN = "rat";

    private final StudyTokenKeys keys;
    private final Clock clock;

    /** @param key the HMAC key, at least 32 bytes, shared by every node of a deployment */
    public StudyTokenCodec(byte[] key, Clock clock) {
        this(StudyTokenKeys.hmac(key), clock);
    }

    public StudyTokenCodec(StudyTokenKeys keys, Clock clock) {
        this.keys = keys;
        this.clock = clock;
    }

    /** Whether this codec issues tokens (a WADO-only node only verifies). */
    public boolean canSign() {
        return keys.canSign();
    }

    /** The public keys to publish as {@code jwks.json}, when tokens are signed asymmetrically. */
    public Optional<String> publicJwks() {
        return keys.publicJwks();
    }

    public String sign(StudyToken token) {
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .claim(CLAIM_CONFIG, token.bindingId())
                .claim(CLAIM_STUDIES, new ArrayList<>(token.studyInstanceUids()))
                .claim(CLAIM_REQUIRES_ACCESS_TOKEN, token.requiresAccessToken())
                .expirationTime(Date.from(token.expiresAt()));
        if (token.patientId() != null) {
            claims.subject(token.patientId());
        }
        if (token.id() != null) {
            claims.jwtID(token.id());
        }
        return keys.sign(claims.build());
    }

    /**
     * @throws Unauthorized when the token is malformed, not signed with our key, or expired
     * @throws org.smartimaging.spi.ImagingException.UpstreamFailure when the issuer's published
     *     keys cannot be fetched
     */
    public StudyToken verify(String compact) {
        if (compact.length() > MAX_TOKEN_LENGTH) {
            throw Unauthorized.invalidToken("The study token in the URL is too long");
        }
        try {
            SignedJWT jwt = SignedJWT.parse(compact);
            if (!keys.verifies(jwt)) {
                throw Unauthorized.invalidToken("The study token in the URL is not valid");
            }
            JWTClaimsSet claims = jwt.getJWTClaimsSet();
            Date expiration = claims.getExpirationTime();
            String binding = claims.getStringClaim(CLAIM_CONFIG);
            List<String> studies = claims.getStringListClaim(CLAIM_STUDIES);
            Boolean requiresAccessToken = claims.getBooleanClaim(CLAIM_REQUIRES_ACCESS_TOKEN);
            if (expiration == null || binding == null || studies == null || requiresAccessToken == null) {
                throw Unauthorized.invalidToken("The study token in the URL is incomplete");
            }
            Instant expiresAt = expiration.toInstant();
            if (!clock.instant().isBefore(expiresAt)) {
                throw Unauthorized.invalidToken("The study token in the URL has expired; search again for a new one");
            }
            return new StudyToken(claims.getSubject(), binding, new HashSet<>(studies), expiresAt, requiresAccessToken,
                    claims.getJWTID());
        } catch (ParseException | IllegalArgumentException e) {
            throw Unauthorized.invalidToken("The study token in the URL is not valid");
        }
    }

    @Override
    public void close() {
        keys.close();
    }
}
