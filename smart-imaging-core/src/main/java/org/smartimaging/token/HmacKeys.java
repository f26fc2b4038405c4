package org.smartimaging.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

/** HS256 with one shared key: every node that holds the key signs and verifies. */
final class HmacKeys implements StudyTokenKeys {

    private final MACSigner signer;
    private final MACVerifier verifier;

    HmacKeys(byte[] key) {
        if (key.length < 32) {
            throw new IllegalArgumentException("The study token key must have at least 32 bytes (256 bits)");
        }
        try {
            this.signer = new MACSigner(key);
            this.verifier = new MACVerifier(key);
        } catch (JOSEException e) {
            throw new IllegalArgumentException("Unusable study token key", e);
        }
    }

    @Override
    public String sign(JWTClaimsSet claims) {
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException("Cannot sign a study token", e);
        }
        return jwt.serialize();
    }

    @Override
    public boolean verifies(JWSObject jws) {
        try {
            // The algorithm is pinned: a token may not pick how it is checked.
            return JWSAlgorithm.HS256.equals(jws.getHeader().getAlgorithm()) && jws.verify(verifier);
        } catch (JOSEException | IllegalStateException e) {
            return false;
        }
    }

    @Override
    public boolean canSign() {
        return true;
    }
}
