package org.smartimaging.introspection;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ServiceLoader;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.Patient;
import org.smartimaging.spi.Authorizer;
import org.smartimaging.spi.Authorization;
import org.smartimaging.spi.AuthorizationProvider;
import org.smartimaging.spi.ConfigSection;
import org.smartimaging.spi.HostEnvironment;
import org.smartimaging.spi.PatientResolver;

/**
 * A whole EHR for tests: the HAPI FHIR server (with patients A and B and its smart-configuration)
 * and oidc-provider as its authorization server, set up the way one {@link SmartOnFhirVariant}
 * behaves. Builds authorization config sections and providers exactly as the engine's loader would.
 */
final class TestEhr implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String IMAGING_CLIENT = "imaging-server";
    static final String IMAGING_RSA_CLIENT = "imaging-server-rsa";
    static final String IMAGING_SECRET_CLIENT = "imaging-server-secret";
    static final String IMAGING_SECRET = "imaging-secret-0123456789-abcdefghij";
    static final String VIEWER = "viewer";
    static final String VIEWER_REDIRECT = "http://127.0.0.1:9/callback";
    static final String BACKEND_SCOPE = "system/Patient.read";
    static final String IMAGING_SCOPES = "launch/patient openid fhirUser patient/ImagingStudy.rs patient/Patient.rs";
    private static final String FHIR_SERVER_CLIENT = "fhir-server";
    private static final String FHIR_SERVER_SECRET = "fhir-server-secret-0123456789-abcdef";

    final SmartOnFhirVariant variant;
    final HapiFhirServer fhir;
    final NodeOAuthServer oauth;
    final JWK ecKey;
    final JWK rsaKey;

    private TestEhr(SmartOnFhirVariant variant, HapiFhirServer fhir, NodeOAuthServer oauth, JWK ecKey, JWK rsaKey) {
        this.variant = variant;
        this.fhir = fhir;
        this.oauth = oauth;
        this.ecKey = ecKey;
        this.rsaKey = rsaKey;
    }

    static TestEhr start(SmartOnFhirVariant variant) throws Exception {
        JWK ecKey = new ECKeyGenerator(Curve.P_384).keyID("ec-1").algorithm(JWSAlgorithm.ES384).generate();
        JWK rsaKey = new RSAKeyGenerator(2048).keyID("rsa-1").algorithm(JWSAlgorithm.RS384).generate();
        HapiFhirServer fhir = new HapiFhirServer();
        fhir.addPatient(patient("A", "MRN-A", "Able"));
        fhir.addPatient(patient("B", "MRN-B", "Baker"));

        ObjectNode config = JSON.createObjectNode();
        config.put("fhirBaseUrl", fhir.baseUrl().toString());
        ArrayNode clients = config.putArray("clients");
        clients.add(keyClient(IMAGING_CLIENT, ecKey, "ES384"));
        clients.add(keyClient(IMAGING_RSA_CLIENT, rsaKey, "RS384"));
        clients.add(JSON.createObjectNode()
                .put("client_id", IMAGING_SECRET_CLIENT)
                .put("client_secret", IMAGING_SECRET)
                .put("token_endpoint_auth_method", "client_secret_basic")
                .put("scope", BACKEND_SCOPE)
                .<ObjectNode>set("grant_types", JSON.createArrayNode().add("client_credentials"))
                .<ObjectNode>set("response_types", JSON.createArrayNode())
                .set("redirect_uris", JSON.createArrayNode()));
        clients.add(JSON.createObjectNode()
                .put("client_id", FHIR_SERVER_CLIENT)
                .put("client_secret", FHIR_SERVER_SECRET)
                .put("token_endpoint_auth_method", "client_secret_basic")
                .<ObjectNode>set("grant_types", JSON.createArrayNode())
                .<ObjectNode>set("response_types", JSON.createArrayNode())
                .set("redirect_uris", JSON.createArrayNode()));
        clients.add(JSON.createObjectNode()
                .put("client_id", VIEWER)
                .put("token_endpoint_auth_method", "none")
                .<ObjectNode>set("grant_types", JSON.createArrayNode().add("authorization_code"))
                .<ObjectNode>set("response_types", JSON.createArrayNode().add("code"))
                .set("redirect_uris", JSON.createArrayNode().add(VIEWER_REDIRECT)));
        ObjectNode accounts = config.putObject("accounts");
        accounts.putObject("alice").put("patient", "A");
        accounts.putObject("bob").put("patient", "B");
        if (variant == SmartOnFhirVariant.EPIC) {
            config.putObject("routes").put("introspection", "/introspect");
        }
        if (variant != SmartOnFhirVariant.MEDITECH) {
            // Meditech has no backend services at introspection: a Bearer there is refused.
            config.putArray("bearerIntrospectionClients").add(IMAGING_CLIENT).add(IMAGING_RSA_CLIENT).add(IMAGING_SECRET_CLIENT);
        }
        NodeOAuthServer oauth;
        try {
            oauth = NodeOAuthServer.start(config);
        } catch (Throwable e) {
            fhir.close();
            throw e;
        }

        JsonNode discovered = oauth.openidConfiguration();
        fhir.introspection(new HapiFhirServer.Introspection(
                java.net.URI.create(discovered.get("introspection_endpoint").asText()), FHIR_SERVER_CLIENT, FHIR_SERVER_SECRET));
        fhir.smartConfiguration(smartConfiguration(discovered, variant));
        return new TestEhr(variant, fhir, oauth, ecKey, rsaKey);
    }

    /** What the EHR publishes for apps (and for the imaging server) at .well-known/smart-configuration. */
    private static ObjectNode smartConfiguration(JsonNode discovered, SmartOnFhirVariant variant) {
        ObjectNode document = JSON.createObjectNode();
        for (String key : new String[] {"issuer", "jwks_uri", "authorization_endpoint", "token_endpoint",
                "introspection_endpoint", "revocation_endpoint", "token_endpoint_auth_methods_supported",
                "grant_types_supported", "code_challenge_methods_supported", "response_types_supported"}) {
            if (discovered.has(key)) {
                document.set(key, discovered.get(key));
            }
        }
        if (variant == SmartOnFhirVariant.EPIC) {
            document.remove("introspection_endpoint");
        }
        document.putArray("capabilities").add("launch-standalone").add("client-public").add("context-standalone-patient")
                .add("permission-v2").add("permission-patient");
        document.putArray("scopes_supported").add("openid").add("fhirUser").add("launch/patient")
                .add("patient/ImagingStudy.rs").add("patient/Patient.rs").add("system/Patient.read");
        return document;
    }

    private static ObjectNode keyClient(String clientId, JWK key, String alg) {
        ObjectNode client = JSON.createObjectNode()
                .put("client_id", clientId)
                .put("token_endpoint_auth_method", "private_key_jwt")
                .put("token_endpoint_auth_signing_alg", alg)
                .put("scope", BACKEND_SCOPE);
        client.putArray("grant_types").add("client_credentials");
        client.putArray("response_types");
        client.putArray("redirect_uris");
        client.putObject("jwks").putArray("keys").add(JSON.valueToTree(key.toPublicJWK().toJSONObject()));
        return client;
    }

    static Patient patient(String id, String mrn, String family) {
        Patient patient = new Patient();
        patient.setId(id);
        patient.addIdentifier()
                .setSystem("urn:oid:1.2.3.4")
                .setValue(mrn)
                .getType().addCoding().setSystem("http://terminology.hl7.org/CodeSystem/v2-0203").setCode("MR");
        patient.addIdentifier().setSystem("http://hl7.org/fhir/sid/us-ssn").setValue("999-00-" + id.hashCode() % 10000);
        patient.addName().setFamily(family).addGiven("Pat");
        patient.setGender(Enumerations.AdministrativeGender.UNKNOWN);
        return patient;
    }

    /** The authorization section a deployment would write for this EHR, with the ES384 key. */
    ObjectNode authorizationSection() {
        ObjectNode section = JSON.createObjectNode();
        section.put("type", variant.type());
        section.put("fhirBaseUrl", fhir.baseUrl().toString());
        section.put("scope", BACKEND_SCOPE);
        section.put("timeoutSeconds", 3);
        ObjectNode client = section.putObject("client");
        if (variant == SmartOnFhirVariant.MEDITECH) {
            client.put("client_id", IMAGING_SECRET_CLIENT);
            client.put("client_secret", IMAGING_SECRET);
        } else {
            client.put("client_id", IMAGING_CLIENT);
            client.set("jwk", JSON.valueToTree(ecKey.toPublicJWK().toJSONObject()));
            client.set("jwkPrivate", JSON.valueToTree(ecKey.toJSONObject()));
        }
        return section;
    }

    ObjectNode rsaAuthorizationSection() {
        ObjectNode section = authorizationSection();
        ObjectNode client = section.putObject("client");
        client.put("client_id", IMAGING_RSA_CLIENT);
        client.set("jwk", JSON.valueToTree(rsaKey.toPublicJWK().toJSONObject()));
        client.set("jwkPrivate", JSON.valueToTree(rsaKey.toJSONObject()));
        return section;
    }

    static HostEnvironment environment(Clock clock) {
        return new HostEnvironment(Path.of("target"), clock, HostEnvironment.UpstreamPolicy.ALLOW_ALL, "test");
    }

    /** Builds the authorization as the engine does: provider by type through ServiceLoader, then unknown fields rejected. */
    static Authorization authorization(ObjectNode section, Clock clock) {
        String type = section.get("type").asText();
        ConfigSection config = new ConfigSection("authorization", section.deepCopy());
        for (AuthorizationProvider provider : ServiceLoader.load(AuthorizationProvider.class)) {
            if (provider.type().equals(type)) {
                Authorization authorization = provider.create(config, environment(clock));
                config.rejectUnusedFields();
                return authorization;
            }
        }
        throw new IllegalStateException("no authorization provider for " + type);
    }

    static Authorizer authorizer(ObjectNode section, Clock clock) {
        return authorization(section, clock).authorizer();
    }

    static PatientResolver patientResolver(ObjectNode section, Clock clock) {
        return authorization(section, clock).patientResolver();
    }

    /** A token for the viewer app with patient A in context, as a standalone launch would give it. */
    String tokenFor(String patient) {
        return oauth.issue(VIEWER, "alice", IMAGING_SCOPES, patient, 3600);
    }

    @Override
    public void close() throws Exception {
        oauth.close();
        fhir.close();
    }

    /** A key the authorization server does not know. */
    static JWK anotherKey() throws JOSEException {
        return new ECKeyGenerator(Curve.P_384).keyID("other").algorithm(JWSAlgorithm.ES384).generate();
    }
}
