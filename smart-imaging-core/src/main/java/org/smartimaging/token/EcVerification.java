package org.smartimaging.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;

/** One ES256 signature check against one public key; any failure is "does not verify". */
final class EcVerification {

    static boolean verifies(JWSObject jws, ECKey key) {
        try {
            return jws.verify(new ECDSAVerifier(key));
        } catch (JOSEException | IllegalStateException e) {
            return false;
        }
    }

    private EcVerification() {}
}
