package org.smartimaging.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.smartimaging.spi.ImagingException;

class StudyTokenCodecTest {

    static final byte[] HMAC = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    final Clock clock = Clock.systemUTC();
    final StudyToken token = new StudyToken("pat-1", "demo", Set.of("1.2.3"), Instant.now().plus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS), true);

    static ECKey ecKey(String kid) throws Exception {
        return new ECKeyGenerator(Curve.P_256).keyID(kid).generate();
    }

    @Test
    void es256TokenRoundTripsWithItsCapabilityId() throws Exception {
        StudyTokenCodec codec = new StudyTokenCodec(StudyTokenKeys.ec(ecKey("k1"), List.of()), clock);

        String compact = codec.sign(token);

        assertThat(SignedJWT.parse(compact).getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.ES256);
        assertThat(SignedJWT.parse(compact).getHeader().getKeyID()).isEqualTo("k1");
        assertThat(codec.verify(compact)).isEqualTo(token);
        assertThat(codec.verify(compact).id()).isNotBlank();
    }

    @Test
    void publishedKeySetHoldsOnlyPublicHalvesOfCurrentAndPreviousKeys() throws Exception {
        StudyTokenCodec codec = new StudyTokenCodec(StudyTokenKeys.ec(ecKey("new"), List.of(ecKey("old"))), clock);

        String jwks = codec.publicJwks().orElseThrow();

        assertThat(jwks).contains("\"kid\":\"new\"", "\"kid\":\"old\"", "\"alg\":\"ES256\"").doesNotContain("\"d\"");
        assertThat(new StudyTokenCodec(HMAC, clock).publicJwks()).isEmpty();
    }

    @Test
    void previousKeyStillVerifiesAfterRotation() throws Exception {
        ECKey old = ecKey("old");
        String issuedBefore = new StudyTokenCodec(StudyTokenKeys.ec(old, List.of()), clock).sign(token);

        StudyTokenCodec rotated = new StudyTokenCodec(StudyTokenKeys.ec(ecKey("new"), List.of(old.toPublicJWK())), clock);

        assertThat(rotated.verify(issuedBefore)).isEqualTo(token);
        assertThat(SignedJWT.parse(rotated.sign(token)).getHeader().getKeyID()).isEqualTo("new");
    }

    @Test
    void rejectsTokenSignedByAnotherKeyUnderAKnownKid() throws Exception {
        StudyTokenCodec codec = new StudyTokenCodec(StudyTokenKeys.ec(ecKey("k1"), List.of()), clock);
        String forged = new StudyTokenCodec(StudyTokenKeys.ec(ecKey("k1"), List.of()), clock).sign(token);

        assertThatThrownBy(() -> codec.verify(forged)).isInstanceOf(ImagingException.Unauthorized.class);
    }

    @Test
    void rejectsTokenNamingAnUnknownKid() throws Exception {
        ECKey key = ecKey("k1");
        StudyTokenCodec codec = new StudyTokenCodec(StudyTokenKeys.ec(key, List.of()), clock);
        SignedJWT other = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("k2").build(), claims());
        other.sign(new ECDSASigner(key));

        assertThatThrownBy(() -> codec.verify(other.serialize())).isInstanceOf(ImagingException.Unauthorized.class);
    }

    @Test
    void es256KeysRejectHmacAndUnsignedTokens() throws Exception {
        ECKey key = ecKey("k1");
        StudyTokenCodec codec = new StudyTokenCodec(StudyTokenKeys.ec(key, List.of()), clock);
        // alg confusion: an HMAC made with the published public key as the secret
        SignedJWT hmac = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("k1").build(), claims());
        hmac.sign(new MACSigner(key.toPublicJWK().toECPublicKey().getEncoded()));
        String unsigned = new PlainJWT(claims()).serialize() + "x";

        assertThatThrownBy(() -> codec.verify(hmac.serialize())).isInstanceOf(ImagingException.Unauthorized.class);
        assertThatThrownBy(() -> codec.verify(unsigned)).isInstanceOf(ImagingException.Unauthorized.class);
    }

    @Test
    void hmacKeysRejectEs256Tokens() throws Exception {
        String es256 = new StudyTokenCodec(StudyTokenKeys.ec(ecKey("k1"), List.of()), clock).sign(token);

        assertThatThrownBy(() -> new StudyTokenCodec(HMAC, clock).verify(es256)).isInstanceOf(ImagingException.Unauthorized.class);
    }

    @Test
    void refusesKeysThatCannotServeRotationOrEs256() throws Exception {
        ECKey noKid = new ECKeyGenerator(Curve.P_256).generate();
        ECKey p384 = new ECKeyGenerator(Curve.P_384).keyID("p384").generate();
        ECKey key = ecKey("k1");

        assertThatThrownBy(() -> StudyTokenKeys.ec(noKid, List.of())).hasMessageContaining("kid");
        assertThatThrownBy(() -> StudyTokenKeys.ec(p384, List.of())).hasMessageContaining("P-256");
        assertThatThrownBy(() -> StudyTokenKeys.ec(key.toPublicJWK(), List.of())).hasMessageContaining("private");
        assertThatThrownBy(() -> StudyTokenKeys.ec(key, List.of(key))).hasMessageContaining("share the kid");
    }

    private JWTClaimsSet claims() {
        return new JWTClaimsSet.Builder().subject("pat-1").claim("cfg", "demo").claim("studies", List.of("1.2.3"))
                .claim("rat", false).expirationTime(Date.from(Instant.now().plus(1, ChronoUnit.HOURS))).build();
    }
}
