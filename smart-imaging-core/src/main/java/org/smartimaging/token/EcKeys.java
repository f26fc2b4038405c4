package org.smartimaging.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * ES256 with our own key pair: the current key signs, it and the previous keys verify, and all
 * their public halves are published so that other parties can verify without a secret.
 */
final class EcKeys implements StudyTokenKeys {

    private final ECKey signingKey;
    private final ECDSASigner signer;
    private final Map<String, ECKey> verificationKeys = new LinkedHashMap<>();
    private final String publicJwks;

    EcKeys(ECKey signingKey, List<ECKey> previousKeys) {
        if (!signingKey.isPrivate()) {
            throw new IllegalArgumentException("The study token signing key needs its private part");
        }
        List<ECKey> all = new ArrayList<>();
        all.add(signingKey);
        all.addAll(previousKeys);
        for (ECKey key : all) {
            if (!Curve.P_256.equals(key.getCurve())) {
                throw new IllegalArgumentException("Study token keys are EC P-256 (ES256); key " + key.getKeyID() + " is not");
            }
            if (key.getKeyID() == null || key.getKeyID().isBlank()) {
                throw new IllegalArgumentException("Every study token key needs a kid, so that verifiers can pick it after a rotation");
            }
            if (verificationKeys.put(key.getKeyID(), key.toPublicJWK()) != null) {
                throw new IllegalArgumentException("Two study token keys share the kid " + key.getKeyID());
            }
        }
        this.signingKey = signingKey;
        try {
            this.signer = new ECDSASigner(signingKey);
        } catch (JOSEException e) {
            throw new IllegalArgumentException("Unusable study token signing key", e);
        }
        List<JWK> published = new ArrayList<>();
        for (ECKey key : verificationKeys.values()) {
            published.add(new ECKey.Builder(key).algorithm(JWSAlgorithm.ES256).keyUse(com.nimbusds.jose.jwk.KeyUse.SIGNATURE).build());
        }
        this.publicJwks = new JWKSet(published).toString(true);
    }

    @Override
    public String sign(JWTClaimsSet claims) {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(signingKey.getKeyID()).build(), claims);
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException("Cannot sign a study token", e);
        }
        return jwt.serialize();
    }

    @Override
    public boolean verifies(JWSObject jws) {
        if (!JWSAlgorithm.ES256.equals(jws.getHeader().getAlgorithm())) {
            return false;
        }
        ECKey key = jws.getHeader().getKeyID() == null ? null : verificationKeys.get(jws.getHeader().getKeyID());
        return key != null && EcVerification.verifies(jws, key);
    }

    @Override
    public boolean canSign() {
        return true;
    }

    @Override
    public Optional<String> publicJwks() {
        return Optional.of(publicJwks);
    }
}
