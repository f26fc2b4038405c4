package org.smartimaging.introspection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.smartimaging.spi.ConfigSection;
import org.smartimaging.spi.ImagingException;

/** Reading the authorization section: the reference stack's fields, ours, and typos. */
class SmartOnFhirSettingsTest {

    private static final JWK KEY = key();

    private static JWK key() {
        try {
            return new ECKeyGenerator(Curve.P_384).keyID("k1").algorithm(JWSAlgorithm.ES384).generate();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static ObjectNode referenceSection() {
        ObjectNode section = TestEhr.JSON.createObjectNode()
                .put("type", "smart-on-fhir")
                .put("fhirBaseUrl", "https://ehr.example.org/fhir/")
                .put("scope", "system/Patient.read");
        ObjectNode client = section.putObject("client").put("client_id", "imaging");
        client.set("jwk", TestEhr.JSON.valueToTree(KEY.toPublicJWK().toJSONObject()));
        client.set("jwkPrivate", TestEhr.JSON.valueToTree(KEY.toJSONObject()));
        return section;
    }

    private static SmartOnFhirSettings read(ObjectNode section, SmartOnFhirVariant variant) {
        ConfigSection config = new ConfigSection("authorization", section);
        SmartOnFhirSettings settings = SmartOnFhirSettings.read(config, variant, TestEhr.environment(Clock.systemUTC()));
        config.rejectUnusedFields();
        return settings;
    }

    @Test
    void readsAReferenceStackSectionWithDefaults() {
        SmartOnFhirSettings settings = read(referenceSection(), SmartOnFhirVariant.STANDARD);

        assertThat(settings.fhirBaseUrl()).isEqualTo(URI.create("https://ehr.example.org/fhir"));
        assertThat(settings.client()).isInstanceOf(SmartOnFhirSettings.PrivateKeyClient.class);
        assertThat(settings.allowBackendServices()).isFalse();
        assertThat(settings.introspectionCacheTtl()).isEqualTo(Duration.ofSeconds(300));
        assertThat(settings.timeout()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void readsOurOptionalFields() {
        ObjectNode section = referenceSection().put("allowBackendServices", true)
                .put("introspectionCacheSeconds", 30).put("timeoutSeconds", 2).put("disableAuthzChecks", false);

        SmartOnFhirSettings settings = read(section, SmartOnFhirVariant.STANDARD);

        assertThat(settings.allowBackendServices()).isTrue();
        assertThat(settings.introspectionCacheTtl()).isEqualTo(Duration.ofSeconds(30));
        assertThat(settings.timeout()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void ignoresFieldsCommentedOutTheReferenceWay() {
        ObjectNode section = referenceSection().put("//fhirBaseUrl", "https://old.example.org/fhir");
        ((ObjectNode) section.get("client")).put("//client_secret", "old");

        assertThat(read(section, SmartOnFhirVariant.STANDARD).scope()).isEqualTo("system/Patient.read");
    }

    @Test
    void rejectsATypoAtTopLevelAndInClient() {
        assertThatThrownBy(() -> read(referenceSection().put("introspectionCacheSecs", 5), SmartOnFhirVariant.STANDARD))
                .isInstanceOf(ImagingException.InvalidConfig.class).hasMessageContaining("authorization.introspectionCacheSecs");
        ObjectNode typo = referenceSection();
        ((ObjectNode) typo.get("client")).put("clientId", "x");
        assertThatThrownBy(() -> read(typo, SmartOnFhirVariant.STANDARD))
                .isInstanceOf(ImagingException.InvalidConfig.class).hasMessageContaining("authorization.client.clientId");
    }

    @Test
    void requiresAKeyOrASecret() {
        ObjectNode section = referenceSection();
        ((ObjectNode) section.get("client")).remove("jwkPrivate");

        assertThatThrownBy(() -> read(section, SmartOnFhirVariant.STANDARD)).hasMessageContaining("client.jwkPrivate");
    }

    @Test
    void meditechRequiresAClientSecret() {
        assertThatThrownBy(() -> read(referenceSection(), SmartOnFhirVariant.MEDITECH)).hasMessageContaining("client_secret");

        ObjectNode section = referenceSection();
        ((ObjectNode) section.get("client")).put("client_secret", "s");
        assertThat(read(section, SmartOnFhirVariant.MEDITECH).client()).isInstanceOf(SmartOnFhirSettings.SecretClient.class);
    }

    @Test
    void rejectsAPublicKeyThatDoesNotMatchThePrivateKey() throws Exception {
        ObjectNode section = referenceSection();
        ((ObjectNode) section.get("client")).set("jwk", TestEhr.JSON.valueToTree(TestEhr.anotherKey().toPublicJWK().toJSONObject()));

        assertThatThrownBy(() -> read(section, SmartOnFhirVariant.STANDARD)).hasMessageContaining("client.jwk");
    }

    @Test
    void rejectsAnAlgorithmOtherThanEs384OrRs384() throws Exception {
        JWK p256 = new ECKeyGenerator(Curve.P_256).keyID("k").algorithm(JWSAlgorithm.ES256).generate();
        ObjectNode section = referenceSection();
        ((ObjectNode) section.get("client")).set("jwk", TestEhr.JSON.valueToTree(p256.toPublicJWK().toJSONObject()));
        ((ObjectNode) section.get("client")).set("jwkPrivate", TestEhr.JSON.valueToTree(p256.toJSONObject()));

        assertThatThrownBy(() -> read(section, SmartOnFhirVariant.STANDARD)).hasMessageContaining("ES384");
    }

    @Test
    void rejectsAnUpstreamTheHostDoesNotAllow() {
        ConfigSection config = new ConfigSection("authorization", referenceSection());
        var strict = new org.smartimaging.spi.HostEnvironment(java.nio.file.Path.of("target"), Clock.systemUTC(), uri -> {
            throw new ImagingException.InvalidConfig("not allowed: " + uri.getHost());
        }, "dyn");

        assertThatThrownBy(() -> SmartOnFhirSettings.read(config, SmartOnFhirVariant.STANDARD, strict))
                .hasMessageContaining("not allowed");
    }

    @Test
    void keepsSecretsOutOfToString() {
        ObjectNode section = referenceSection();
        ((ObjectNode) section.get("client")).remove("jwkPrivate");
        ((ObjectNode) section.get("client")).remove("jwk");
        ((ObjectNode) section.get("client")).put("client_secret", "very-secret-value");

        assertThat(read(section, SmartOnFhirVariant.STANDARD).toString()).doesNotContain("very-secret-value");
        assertThat(read(referenceSection(), SmartOnFhirVariant.STANDARD).toString()).doesNotContain(KEY.toJSONObject().get("d").toString());
    }

    @Test
    void normalisesPatientReferences() {
        assertThat(PatientReference.idOf("123")).isEqualTo("123");
        assertThat(PatientReference.idOf("Patient/123")).isEqualTo("123");
        assertThat(PatientReference.idOf("https://ehr.example.org/fhir/Patient/abc.1-x")).isEqualTo("abc.1-x");
        assertThat(PatientReference.idOf("https://ehr.example.org/fhir/Patient/abc/_history/3")).isEqualTo("abc");
        assertThat(PatientReference.idOf("Practitioner/9")).isNull();
        assertThat(PatientReference.idOf(null)).isNull();
        assertThatThrownBy(() -> PatientReference.idOf("Patient/a b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PatientReference.idOf("x".repeat(65))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void derivesEpicsIntrospectionEndpointFromItsTokenEndpoint() {
        assertThat(SmartOnFhirVariant.epicIntrospectionEndpoint(URI.create("https://fhir.epic.example/oauth2/token")))
                .isEqualTo(URI.create("https://fhir.epic.example/oauth2/introspect"));
    }
}
