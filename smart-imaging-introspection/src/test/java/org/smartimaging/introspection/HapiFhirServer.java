package org.smartimaging.introspection;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Read;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.IResourceProvider;
import ca.uhn.fhir.rest.server.RestfulServer;
import ca.uhn.fhir.rest.server.exceptions.AuthenticationException;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Patient;

/**
 * The EHR's FHIR server in tests: a real HAPI {@link RestfulServer} on Jetty (loopback, port 0)
 * serving {@code Patient} reads to callers whose bearer token the authorization server says is
 * active and allows it (a {@code system/} scope, or a {@code patient/} scope for the patient in
 * context), and the EHR's {@code .well-known/smart-configuration}.
 */
final class HapiFhirServer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Server jetty;
    private final Map<String, Patient> patients = new ConcurrentHashMap<>();
    private final AtomicInteger patientReads = new AtomicInteger();
    private final AtomicInteger introspections = new AtomicInteger();
    private final AtomicReference<String> smartConfiguration = new AtomicReference<>("{}");
    private final AtomicReference<Introspection> introspection = new AtomicReference<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** How this server asks the authorization server about a token. */
    record Introspection(URI endpoint, String clientId, String clientSecret) {}

    HapiFhirServer() throws Exception {
        jetty = new Server(new InetSocketAddress("127.0.0.1", 0));
        RestfulServer fhir = new RestfulServer(FhirPatientResolver.fhirContext());
        fhir.setResourceProviders(new PatientProvider());
        fhir.registerInterceptor(new BearerCheck());
        ServletContextHandler context = new ServletContextHandler("/");
        context.addServlet(new ServletHolder(fhir), "/fhir/*");
        context.addServlet(new ServletHolder(new SmartConfigurationServlet()), "/fhir/.well-known/smart-configuration");
        jetty.setHandler(context);
        jetty.start();
    }

    URI baseUrl() {
        int port = ((ServerConnector) jetty.getConnectors()[0]).getLocalPort();
        return URI.create("http://127.0.0.1:" + port + "/fhir");
    }

    void addPatient(Patient patient) {
        patients.put(patient.getIdPart(), patient);
    }

    void smartConfiguration(JsonNode document) {
        smartConfiguration.set(document.toString());
    }

    void introspection(Introspection settings) {
        introspection.set(settings);
    }

    int patientReads() {
        return patientReads.get();
    }

    /** How often this server asked the authorization server about a token (to tell its calls from the SDK's). */
    int introspections() {
        return introspections.get();
    }

    @Override
    public void close() throws Exception {
        jetty.stop();
    }

    private final class SmartConfigurationServlet extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            response.setContentType("application/json");
            response.getWriter().write(smartConfiguration.get());
        }
    }

    public final class PatientProvider implements IResourceProvider {
        @Override
        public Class<? extends IBaseResource> getResourceType() {
            return Patient.class;
        }

        @Read
        public Patient read(@IdParam IdType id) {
            patientReads.incrementAndGet();
            Patient patient = patients.get(id.getIdPart());
            if (patient == null) {
                throw new ResourceNotFoundException(id);
            }
            return patient;
        }
    }

    /** Every FHIR request needs an active token that may read the patient asked for. */
    public final class BearerCheck {
        @Hook(Pointcut.SERVER_INCOMING_REQUEST_POST_PROCESSED)
        public boolean check(RequestDetails request) {
            if ("metadata".equals(request.getOperation()) || request.getRestOperationType() == null) {
                return true;
            }
            String header = request.getHeader("Authorization");
            if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
                throw new AuthenticationException("Bearer token required");
            }
            JsonNode answer = introspect(header.substring(7).trim());
            if (!answer.path("active").asBoolean(false)) {
                throw new AuthenticationException("Token not active");
            }
            List<String> scopes = List.of(answer.path("scope").asText("").split(" "));
            boolean system = scopes.stream().anyMatch(s -> s.matches("system/(Patient|\\*)\\.(read|rs|\\*)"));
            boolean patientScope = scopes.stream().anyMatch(s -> s.matches("patient/(Patient|\\*)\\.(read|rs|\\*)"));
            String asked = request.getId() != null ? request.getId().getIdPart() : null;
            if (system || (patientScope && asked != null && asked.equals(answer.path("patient").asText(null)))) {
                return true;
            }
            throw new ForbiddenOperationException("Token does not allow this read");
        }
    }

    private JsonNode introspect(String token) {
        Introspection settings = introspection.get();
        introspections.incrementAndGet();
        String basic = Base64.getEncoder().encodeToString(
                (settings.clientId() + ":" + settings.clientSecret()).getBytes(StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(settings.endpoint())
                .header("Authorization", "Basic " + basic)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("token=" + URLEncoder.encode(token, StandardCharsets.UTF_8)))
                .build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
