package org.smartimaging.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServlet;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smartimaging.engine.ImagingEngine;
import org.smartimaging.engine.ServerOptions;
import org.smartimaging.testing.TestStudies;

/**
 * The IG's second pattern across two servers on loopback: an issuing node signs capabilities with
 * ES256 and publishes its keys; a WADO-only node verifies them from that JWKS, with no shared secret.
 */
class WadoOnlyNodeTest {

    static final String OPEN = """
            {"authorization": {"type": "mock", "disableAuthzChecks": true},
             "images": {"type": "folder", "directory": "studies", "lookup": "all-studies-on-server", "requiresAccessToken": false}}""";
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path data;
    final Node issuer = new Node();
    final Node wado = new Node();
    String study;

    @BeforeEach
    void start() throws Exception {
        study = TestStudies.write(data.resolve("studies"), "MRN-W", "CT", 1, 1, 4).studyInstanceUid();
        issuer.start();
        wado.start();
    }

    @AfterEach
    void stop() throws Exception {
        issuer.stop();
        wado.stop();
    }

    @Test
    void wadoOnlyNodeVerifiesCapabilitiesIssuedByAnotherNodeFromItsJwks() throws Exception {
        issuer.serve(issuerOptions(ecKey("k1"), List.of()));
        wado.serve(wadoOptions());

        String address = searchAtIssuer();

        assertThat(address).startsWith(wado.base + "/open/wado/");
        assertThat(get(address + "/studies/" + study).statusCode()).isEqualTo(200);
        assertThat(get(address + "/studies/" + study + "/metadata").statusCode()).isEqualTo(200);
    }

    @Test
    void wadoOnlyNodeServesNoFhirRoutesAndPublishesNoKeys() throws Exception {
        issuer.serve(issuerOptions(ecKey("k1"), List.of()));
        wado.serve(wadoOptions());

        assertThat(get(wado.base + "/open/fhir/ImagingStudy").statusCode()).isEqualTo(404);
        assertThat(get(wado.base + "/open/fhir/metadata").statusCode()).isEqualTo(404);
        assertThat(get(wado.base + "/.well-known/jwks.json").statusCode()).isEqualTo(404);
        HttpResponse<String> jwks = get(issuer.base + "/.well-known/jwks.json");
        assertThat(jwks.statusCode()).isEqualTo(200);
        assertThat(jwks.body()).contains("\"kid\":\"k1\"").doesNotContain("\"d\"");
    }

    @Test
    void wadoOnlyNodeRefusesCapabilitiesSignedByAnUnknownKey() throws Exception {
        issuer.serve(issuerOptions(ecKey("k1"), List.of()));
        wado.serve(wadoOptions());
        String address = searchAtIssuer();
        String wadoBase = address.substring(0, address.lastIndexOf('/') + 1);

        String unknownKid = forge(ecKey("k9"));
        String knownKidOtherKey = forge(ecKey("k1"));

        assertThat(get(wadoBase + unknownKid + "/studies/" + study).statusCode()).isEqualTo(401);
        assertThat(get(wadoBase + knownKidOtherKey + "/studies/" + study).statusCode()).isEqualTo(401);
        assertThat(get(address + "/studies/" + study).statusCode()).isEqualTo(200);
    }

    @Test
    void wadoOnlyNodeKeepsWorkingAcrossAKeyRotation() throws Exception {
        ECKey k1 = ecKey("k1");
        issuer.serve(issuerOptions(k1, List.of()));
        wado.serve(wadoOptions());
        String beforeRotation = searchAtIssuer();
        assertThat(get(beforeRotation + "/studies/" + study).statusCode()).isEqualTo(200);

        issuer.serve(issuerOptions(ecKey("k2"), List.of(k1.toPublicJWK())));
        String afterRotation = searchAtIssuer();

        assertThat(SignedJWT.parse(tokenOf(afterRotation)).getHeader().getKeyID()).isEqualTo("k2");
        assertThat(get(afterRotation + "/studies/" + study).statusCode()).isEqualTo(200);
        assertThat(get(beforeRotation + "/studies/" + study).statusCode()).isEqualTo(200);
    }

    @Test
    void wadoOnlyNodeFailsClosedWhileTheIssuerKeysCannotBeFetched() throws Exception {
        issuer.serve(issuerOptions(ecKey("k1"), List.of()));
        wado.serve(wadoOptions());
        String address = searchAtIssuer();
        issuer.stop();

        HttpResponse<String> answer = get(address + "/studies/" + study);

        assertThat(answer.statusCode()).isEqualTo(502);
        assertThat(answer.body()).contains("OperationOutcome").contains("key set");
    }

    private ServerOptions issuerOptions(ECKey signing, List<ECKey> previous) {
        return ServerOptions.builder().dataDirectory(data).builtInConfig("open", OPEN)
                .studyTokenSigningKeys(signing, previous).wadoNodeBase(URI.create(wado.base)).build();
    }

    private ServerOptions wadoOptions() {
        return ServerOptions.builder().dataDirectory(data).builtInConfig("open", OPEN)
                .wadoOnlyNode(URI.create(issuer.base + "/.well-known/jwks.json"), Duration.ZERO).build();
    }

    private String searchAtIssuer() throws Exception {
        HttpResponse<String> search = get(issuer.base + "/open/fhir/ImagingStudy");
        assertThat(search.statusCode()).isEqualTo(200);
        JsonNode bundle = new ObjectMapper().readTree(search.body());
        return bundle.path("entry").get(0).path("resource").path("contained").get(0).path("address").asText();
    }

    private static String tokenOf(String address) {
        return address.substring(address.lastIndexOf('/') + 1);
    }

    private String forge(ECKey key) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).build(),
                new JWTClaimsSet.Builder().claim("cfg", "open").claim("studies", List.of(study)).claim("rat", false)
                        .expirationTime(Date.from(Instant.now().plusSeconds(600))).build());
        jwt.sign(new ECDSASigner(key));
        return jwt.serialize();
    }

    static ECKey ecKey(String kid) throws Exception {
        return new ECKeyGenerator(Curve.P_256).keyID(kid).generate();
    }

    static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** One Jetty whose engine a test can replace (a restart with new keys, same address). */
    static final class Node {
        final AtomicReference<ImagingEngine> engine = new AtomicReference<>();
        final AtomicReference<SmartImagingServlet> servlet = new AtomicReference<>();
        Server jetty;
        String base;

        void start() throws Exception {
            jetty = new Server();
            ServerConnector connector = new ServerConnector(jetty);
            connector.setHost("127.0.0.1");
            jetty.addConnector(connector);
            ServletContextHandler context = new ServletContextHandler("/");
            context.addServlet(new ServletHolder(new HttpServlet() {
                @Override
                public void service(ServletRequest request, ServletResponse response) throws ServletException, IOException {
                    servlet.get().service(request, response);
                }
            }), "/imaging/*");
            jetty.setHandler(context);
            jetty.start();
            base = "http://127.0.0.1:" + connector.getLocalPort() + "/imaging";
        }

        void serve(ServerOptions options) {
            ImagingEngine next = new ImagingEngine(options);
            servlet.set(new SmartImagingServlet(next));
            ImagingEngine previous = engine.getAndSet(next);
            if (previous != null) {
                previous.close();
            }
        }

        void stop() throws Exception {
            jetty.stop();
            ImagingEngine last = engine.getAndSet(null);
            if (last != null) {
                last.close();
            }
        }
    }
}
