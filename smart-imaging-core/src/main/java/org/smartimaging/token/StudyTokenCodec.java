package org.smartimaging.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import org.smartimaging.spi.ImagingException.Unauthorized;

/**
 * Signs and verifies {@link StudyToken}s as compact HS256 JWS. Stateless: every node that shares
 * the key verifies every token, so a cluster needs no session store.
 */
public final class StudyTokenCodec {

    /** Tokens longer than this are rejected unparsed (a token for one study is ~300 characters). */
    public static final int MAX_TOKEN_LENGTH = 4096;

    private static final String CLAIM_CONFIG = "cfg";
    private static final String CLAIM_STUDIES = "studies";
    private static final String CLAIM_REQUIRES_ACCESS_TOKEN = "rat";

    private final MACSigner signer;
    private final MACVerifier verifier;
    private final Clock clock;

    /** @param key the HMAC key, at least 32 bytes, shared by every node of a deployment */
    public StudyTokenCodec(byte[] key, Clock clock) {
        if (key.length < 32) {
            throw new IllegalArgumentException("The study token key must have at least 32 bytes (256 bits)");
        }
        try {
            this.signer = new MACSigner(key);
            this.verifier = new MACVerifier(key);
        } catch (JOSEException e) {
            throw new IllegalArgumentException("Unusable study token key", e);
        }
        this.clock = clock;
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
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims.build());
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException("Cannot sign a study token", e);
        }
        return jwt.serialize();
    }

    /**
     * @throws Unauthorized when the token is malformed, not signed with our key, or expired
     */
    public StudyToken verify(String compact) {
        if (compact.length() > MAX_TOKEN_LENGTH) {
            throw Unauthorized.invalidToken("The study token in the URL is too long");
        }
        try {
            SignedJWT jwt = SignedJWT.parse(compact);
            if (!JWSAlgorithm.HS256.equals(jwt.getHeader().getAlgorithm()) || !jwt.verify(verifier)) {
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
            return new StudyToken(claims.getSubject(), binding, new HashSet<>(studies), expiresAt, requiresAccessToken);
        } catch (ParseException | JOSEException | IllegalArgumentException e) {
            throw Unauthorized.invalidToken("The study token in the URL is not valid");
        }
    }
}
