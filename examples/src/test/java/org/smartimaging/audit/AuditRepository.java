package org.smartimaging.audit;

import ca.uhn.fhir.rest.annotation.Create;
import ca.uhn.fhir.rest.annotation.ResourceParam;
import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.server.IResourceProvider;
import ca.uhn.fhir.rest.server.RestfulServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.IdType;
import org.smartimaging.fhir.Fhir;

/**
 * An audit repository for tests: a real HAPI {@link RestfulServer} on Jetty (loopback, port 0)
 * that accepts {@code POST /fhir/AuditEvent} and keeps what it received. It can be made to hold
 * every create until released, to play a slow server.
 */
final class AuditRepository implements AutoCloseable {

    private final Server jetty;
    final List<AuditEvent> received = new CopyOnWriteArrayList<>();
    final List<String> authorizations = new CopyOnWriteArrayList<>();
    private volatile CountDownLatch gate = new CountDownLatch(0);

    AuditRepository() throws Exception {
        jetty = new Server(new InetSocketAddress("127.0.0.1", 0));
        RestfulServer fhir = new RestfulServer(Fhir.context());
        fhir.setResourceProviders(new AuditEventProvider());
        ServletContextHandler context = new ServletContextHandler("/");
        context.addServlet(new ServletHolder(fhir), "/fhir/*");
        jetty.setHandler(context);
        jetty.start();
    }

    URI baseUrl() {
        return URI.create("http://127.0.0.1:" + ((ServerConnector) jetty.getConnectors()[0]).getLocalPort() + "/fhir");
    }

    void holdCreates() {
        gate = new CountDownLatch(1);
    }

    void releaseCreates() {
        gate.countDown();
    }

    @Override
    public void close() throws Exception {
        releaseCreates();
        jetty.stop();
    }

    public final class AuditEventProvider implements IResourceProvider {
        @Override
        public Class<? extends IBaseResource> getResourceType() {
            return AuditEvent.class;
        }

        @Create
        public MethodOutcome create(@ResourceParam AuditEvent event, ca.uhn.fhir.rest.api.server.RequestDetails request)
                throws InterruptedException {
            gate.await(30, TimeUnit.SECONDS);
            String authorization = request.getHeader("Authorization");
            if (authorization != null) {
                authorizations.add(authorization);
            }
            received.add(event);
            return new MethodOutcome(new IdType("AuditEvent", UUID.randomUUID().toString()), true);
        }
    }
}
