package org.smartimaging.token;

import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jwt.JWTClaimsSet;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The keys that sign and verify study tokens. Three kinds, one per deployment shape:
 *
 * <ul>
 *   <li>{@link #hmac(byte[])}: HS256 with a shared secret; the simple default for one node or a
 *       cluster of our own nodes.
 *   <li>{@link #ec(ECKey, List)}: ES256; the issuer keeps the private key and publishes the public
 *       halves as a JWKS, so a DICOMweb server run by another party verifies without a secret.
 *       Rotation: a new key signs, previous keys keep verifying (and stay published) until the
 *       tokens they signed have expired.
 *   <li>{@link #remoteJwks(URL, Duration)}: verify only, from an issuer's published JWKS (a
 *       WADO-only node); fetched on first use, cached, refetched when a token names an unknown key.
 * </ul>
 */
public interface StudyTokenKeys extends AutoCloseable {

    /** @throws IllegalStateException when these keys only verify */
    String sign(JWTClaimsSet claims);

    /**
     * Whether the JWS was signed by one of these keys with their algorithm (any other algorithm,
     * including {@code none}, is refused).
     *
     * @throws org.smartimaging.spi.ImagingException.UpstreamFailure when a remote key set cannot be fetched
     */
    boolean verifies(JWSObject jws);

    boolean canSign();

    /** The public JWKS JSON to publish, when these keys are asymmetric and ours. */
    default Optional<String> publicJwks() {
        return Optional.empty();
    }

    @Override
    default void close() {}

    static StudyTokenKeys hmac(byte[] key) {
        return new HmacKeys(key);
    }

    /**
     * @param signingKey a P-256 key pair with a {@code kid}; it signs every new token
     * @param previousKeys earlier P-256 keys (public halves suffice), still verified and published
     */
    static StudyTokenKeys ec(ECKey signingKey, List<ECKey> previousKeys) {
        return new EcKeys(signingKey, previousKeys);
    }

    /**
     * @param jwksUrl the issuer's published JWKS
     * @param minRefreshInterval the least time between two fetches (an unknown {@code kid} cannot
     *     make us hammer the issuer); zero for no limit
     */
    static StudyTokenKeys remoteJwks(URL jwksUrl, Duration minRefreshInterval) {
        return new RemoteJwksKeys(jwksUrl, minRefreshInterval);
    }
}
