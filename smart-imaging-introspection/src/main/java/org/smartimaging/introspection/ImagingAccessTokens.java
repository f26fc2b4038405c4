package org.smartimaging.introspection;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.smartimaging.spi.AccessGrant;
import org.smartimaging.spi.ImagingException;

/**
 * The imaging server's own access tokens in independent mode: compact JWS (HMAC-SHA256,
 * {@code typ: at+jwt}) carrying the patient, scopes, client, expiry and audience, so that every
 * node of a cluster verifies them without a shared session store.
 *
 * <p>The key is derived (HKDF-SHA256, RFC 5869) from the configuration's own secret material (the
 * imaging server's private key or client secret, which every node holds) and bound to the
 * configuration key and EHR: two configurations never accept each other's tokens, even when, like
 * the reference's two independent sandboxes, they share a client key. The derived key is used for
 * nothing else.
 */
final class ImagingAccessTokens {

    static final JOSEObjectType TYPE = new JOSEObjectType("at+jwt");
    private static final String CLAIM_PATIENT = "patient";
    private static final String CLAIM_SCOPE = "scope";
    private static final String CLAIM_CLIENT = "client_id";

    /** What a verified token says. */
    record Claims(String jwtId, String patient, Set<String> scopes, String clientId, String subject, Instant expiresAt) {
        AccessGrant grant() {
            return new AccessGrant(AccessGrant.Mode.APP_LAUNCH, patient, scopes, expiresAt, clientId, subject);
        }
    }

    private final byte[] key;
    private final String audience;
    private final Clock clock;

    /**
     * @param secretMaterial the configuration's secret (private JWK JSON or client secret)
     * @param binding what the tokens are for: configuration key, EHR and client, in one string
     */
    ImagingAccessTokens(byte[] secretMaterial, String binding, Clock clock) {
        this.key = hkdf(secretMaterial, "smart-imaging independent access token v1".getBytes(StandardCharsets.UTF_8),
                binding.getBytes(StandardCharsets.UTF_8));
        this.audience = "urn:smart-imaging:" + SmartOnFhirSettings.sha256(binding).substring(0, 32);
        this.clock = clock;
    }

    String issue(String issuer, String patient, Set<String> scopes, String clientId, String subject, Duration lifetime) {
        Instant now = clock.instant();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(issuer)
                .audience(audience)
                .subject(subject != null ? subject : "Patient/" + patient)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(lifetime)))
                .jwtID(UUID.randomUUID().toString())
                .claim(CLAIM_PATIENT, patient)
                .claim(CLAIM_SCOPE, String.join(" ", scopes))
                .claim(CLAIM_CLIENT, clientId)
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).type(TYPE).build(), claims);
        try {
            jwt.sign(new MACSigner(key));
        } catch (JOSEException e) {
            throw new IllegalStateException("Cannot sign an access token", e);
        }
        return jwt.serialize();
    }

    /**
     * @throws ImagingException.Unauthorized ({@code invalid_token}) when the token is not one of
     *     this configuration's, was altered, or has expired
     */
    Claims verify(String token) {
        SignedJWT jwt;
        JWTClaimsSet claims;
        try {
            jwt = SignedJWT.parse(token);
            if (!JWSAlgorithm.HS256.equals(jwt.getHeader().getAlgorithm()) || !TYPE.equals(jwt.getHeader().getType())
                    || !jwt.verify(new MACVerifier(key))) {
                throw ImagingException.Unauthorized.invalidToken("The access token was not issued by this server");
            }
            claims = jwt.getJWTClaimsSet();
        } catch (java.text.ParseException | JOSEException e) {
            throw ImagingException.Unauthorized.invalidToken("The access token was not issued by this server");
        }
        if (!List.of(audience).equals(claims.getAudience())) {
            throw ImagingException.Unauthorized.invalidToken("The access token is for another configuration");
        }
        Date exp = claims.getExpirationTime();
        if (exp == null || !clock.instant().isBefore(exp.toInstant())) {
            throw ImagingException.Unauthorized.invalidToken("The access token has expired");
        }
        try {
            String patient = claims.getStringClaim(CLAIM_PATIENT);
            String scope = claims.getStringClaim(CLAIM_SCOPE);
            if (patient == null || scope == null || claims.getJWTID() == null) {
                throw ImagingException.Unauthorized.invalidToken("The access token lacks patient or scope");
            }
            return new Claims(claims.getJWTID(), patient, Set.of(scope.split(" ")), claims.getStringClaim(CLAIM_CLIENT),
                    claims.getSubject(), exp.toInstant());
        } catch (java.text.ParseException e) {
            throw ImagingException.Unauthorized.invalidToken("The access token's claims are malformed");
        }
    }

    /** HKDF-SHA256 (RFC 5869), 32 bytes. */
    static byte[] hkdf(byte[] inputKey, byte[] salt, byte[] info) {
        try {
            Mac extract = Mac.getInstance("HmacSHA256");
            extract.init(new SecretKeySpec(salt, "HmacSHA256"));
            byte[] prk = extract.doFinal(inputKey);
            Mac expand = Mac.getInstance("HmacSHA256");
            expand.init(new SecretKeySpec(prk, "HmacSHA256"));
            expand.update(info);
            expand.update((byte) 1);
            return expand.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
