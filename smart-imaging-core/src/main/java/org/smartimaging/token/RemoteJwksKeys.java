package org.smartimaging.token;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.KeyType;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jwt.JWTClaimsSet;
import java.io.IOException;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import org.smartimaging.spi.ImagingException;

/**
 * Verify-only keys from an issuer's published JWKS (a WADO-only node). Nimbus's JWK source does
 * the fetching: bounded (timeouts, a 50 KiB body limit), cached for five minutes, refetched at once
 * when a token names a {@code kid} the cached set lacks (a rotation), but no more often than
 * {@code minRefreshInterval}.
 */
final class RemoteJwksKeys implements StudyTokenKeys {

    private static final int CONNECT_TIMEOUT_MS = 2_000;
    private static final int READ_TIMEOUT_MS = 5_000;
    private static final int MAX_JWKS_BYTES = 50 * 1024;
    private static final long CACHE_TTL_MS = Duration.ofMinutes(5).toMillis();
    private static final long CACHE_REFRESH_TIMEOUT_MS = Duration.ofSeconds(10).toMillis();

    private final JWKSource<SecurityContext> source;

    RemoteJwksKeys(URL jwksUrl, Duration minRefreshInterval) {
        JWKSourceBuilder<SecurityContext> builder = JWKSourceBuilder.<SecurityContext>create(jwksUrl,
                        new DefaultResourceRetriever(CONNECT_TIMEOUT_MS, READ_TIMEOUT_MS, MAX_JWKS_BYTES))
                .cache(CACHE_TTL_MS, CACHE_REFRESH_TIMEOUT_MS)
                .retrying(false)
                .refreshAheadCache(false);
        builder = minRefreshInterval.isZero() ? builder.rateLimited(false) : builder.rateLimited(minRefreshInterval.toMillis());
        this.source = builder.build();
    }

    @Override
    public String sign(JWTClaimsSet claims) {
        throw new IllegalStateException("This node only verifies study tokens (its keys come from a remote JWKS)");
    }

    @Override
    public boolean verifies(JWSObject jws) {
        String kid = jws.getHeader().getKeyID();
        if (!JWSAlgorithm.ES256.equals(jws.getHeader().getAlgorithm()) || kid == null) {
            return false;
        }
        JWKMatcher matcher = new JWKMatcher.Builder().keyType(KeyType.EC).keyID(kid).curve(Curve.P_256).build();
        List<JWK> keys;
        try {
            keys = source.get(new JWKSelector(matcher), null);
        } catch (KeySourceException e) {
            // Without the issuer's keys the capability cannot be established: fail closed, say why.
            throw new ImagingException.UpstreamFailure("The study token issuer's key set cannot be fetched");
        }
        return keys.stream().anyMatch(key -> key instanceof ECKey ec && EcVerification.verifies(jws, ec));
    }

    @Override
    public boolean canSign() {
        return false;
    }

    @Override
    public void close() {
        if (source instanceof java.io.Closeable closeable) {
            try {
                closeable.close();
            } catch (IOException e) {
                // nothing held that matters
            }
        }
    }
}
