package org.smartimaging.engine;

import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smartimaging.config.ProviderRegistry;
import org.smartimaging.spi.ImagingException;
import org.smartimaging.token.StudyTokenCodec;

/**
 * The transport-neutral SMART Imaging server: one {@link ImagingRequest} in, one
 * {@link ImagingResponse} out. A web tier (the servlet, or any other) only maps its requests to
 * this and streams the answer.
 *
 * <pre>
 * GET {base}/{key}/fhir/ImagingStudy?patient=P[&amp;_lastUpdated=gtT]   searchset Bundle
 * GET {base}/{key}/fhir/metadata                                     CapabilityStatement
 * GET {base}/{key}/fhir/.well-known/smart-configuration              SMART discovery
 * GET {base}/{key}/wado/{studyToken}/studies/{uid}[/series/{uid}[/instances/{uid}]][/metadata]
 * GET|POST {base}/{key}/oauth/...                                   the configuration's own authorization server, if any
 * GET {base}/{key}/wado/{studyToken}/studies[/{uid}/series[/{uid}/instances]], /studies/{uid}/instances
 *                                                                    QIDO-RS within the token's studies
 * GET {base}/.well-known/jwks.json                                   public study-token keys (ES256 only)
 * OPTIONS (any path)                                                 CORS preflight, before any authorization
 * </pre>
 *
 * <p>Thread-safe; build one per server with {@link ServerOptions}, close it on shutdown.
 */
public final class ImagingEngine implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ImagingEngine.class);
    /** Where ES256 study-token keys are published, below the engine's mount point. */
    public static final String JWKS_PATH = "/.well-known/jwks.json";

    private final ServerOptions options;
    private final SiteRegistry sites;
    private final ImagingStudySearch search;
    private final WadoRetrieval wado;
    private final QidoSearch qido;
    private final Discovery discovery;
    private final StudyTokenCodec studyTokenCodec;
    private final Cors cors;
    private final Audit audit;
    private final AuthorizationServerRoutes authorizationServer = new AuthorizationServerRoutes();
    private final HostCheck hosts;

    /**
     * Loads and validates every configuration.
     *
     * @throws IllegalStateException naming the configuration and field when one is invalid
     */
    public ImagingEngine(ServerOptions options) {
        this.options = options;
        this.sites = new SiteRegistry(options, new ProviderRegistry(options.providers(), options.classPathProviders()));
        this.audit = new Audit(options.auditSinks());
        this.studyTokenCodec = new StudyTokenCodec(options.studyTokenKeys(), options.clock());
        StudyTokens studyTokens = new StudyTokens(studyTokenCodec, options.studyTokenLifetime(), options.clock());
        this.search = new ImagingStudySearch(studyTokens, options.maxStudiesPerSearch(), options.clock());
        this.wado = new WadoRetrieval(studyTokens, options.clock());
        this.qido = new QidoSearch(wado, options.maxStudiesPerSearch(), options.clock());
        this.discovery = new Discovery(options.clock());
        this.cors = new Cors(options.corsAllowedOrigins());
        this.hosts = new HostCheck(options);
    }

    /** The options the engine runs with (transports read their limits here). */
    public ServerOptions options() {
        return options;
    }

    /** Never throws: every failure is an {@code OperationOutcome} with its status. */
    public ImagingResponse handle(ImagingRequest received) {
        ImagingRequest request = hosts.admit(received);
        if (request == null) {
            // 421 Misdirected Request: not a host this server answers for (forged Host, DNS rebinding).
            return Errors.response(421, "invalid", "This server does not answer for the host the request names", Map.of());
        }
        if (Cors.isPreflight(request)) {
            return cors.preflight(request);
        }
        ImagingResponse response = answer(request);
        if (!response.headers().containsKey("Cache-Control")) {
            response = response.withHeader("Cache-Control", "no-store");
        }
        return cors.decorate(request, response);
    }

    private ImagingResponse answer(ImagingRequest request) {
        RequestAudit audited = null;
        ImagingResponse response;
        try {
            boolean get = request.method().equals("GET") || request.method().equals("HEAD");
            if (get && request.rawPath().equals(JWKS_PATH)) {
                return jwks();
            }
            Route route = request.rawPath().equals(JWKS_PATH) ? null : Route.parse(request.rawPath(), options.maxPathLength());
            if (route instanceof Route.OAuth oauthRoute) {
                return authorizationServer.handle(site(oauthRoute.site(), null), oauthRoute, request);
            }
            if (!get) {
                return Errors.response(405, "not-supported", "Only GET is supported", Map.of("Allow", Cors.ALLOWED_METHODS));
            }
            if (route instanceof Route.Wado wadoRoute) {
                audited = RequestAudit.retrieval(request, wadoRoute);
                response = wado.retrieve(site(wadoRoute.site(), audited), wadoRoute, request, audited);
            } else if (route instanceof Route.Qido qidoRoute) {
                audited = RequestAudit.qido(request, qidoRoute);
                response = qido.search(site(qidoRoute.site(), audited), qidoRoute, request, audited);
            } else if (options.wadoOnly()) {
                throw new ImagingException.NotFound("This node serves only WADO-RS; search at the server that issued the study URL");
            } else {
                Route.Fhir fhirRoute = (Route.Fhir) route;
                if (fhirRoute.resource().equals("ImagingStudy")) {
                    audited = RequestAudit.search(request);
                }
                response = fhir(fhirRoute, request, audited);
            }
        } catch (ImagingException e) {
            if (e.status() >= 500) {
                LOG.warn("{} {}: {}", e.status(), e.getClass().getSimpleName(), e.getMessage());
            } else {
                LOG.debug("{} {}", e.status(), e.getMessage());
            }
            if (audited != null) {
                audited.failed(e.getMessage());
            }
            response = Errors.response(e);
        } catch (RuntimeException e) {
            LOG.error("Unexpected failure", e);
            if (audited != null) {
                audited.failed("Internal error");
            }
            response = Errors.response(500, "exception", "Internal error; the server log has the details", Map.of());
        }
        if (audited != null) {
            audit.record(audited.finish(response.status(), options.clock().instant()));
            response = response.withHeader("X-Request-Id", audited.correlationId());
        }
        return response;
    }

    /**
     * The public keys of ES256 study tokens, for DICOMweb servers that verify them apart from us.
     * Site-independent: one key set signs for every configuration of this engine.
     */
    private ImagingResponse jwks() {
        String jwks = studyTokenCodec.publicJwks().orElseThrow(() -> new ImagingException.NotFound(
                "This server signs study tokens with a shared key; it publishes no public keys"));
        return ImagingResponse.text(200, "application/jwk-set+json", jwks, Map.of("Cache-Control", "public, max-age=300"));
    }

    private ImagingResponse fhir(Route.Fhir route, ImagingRequest request, RequestAudit audited) {
        Site site = site(route.site(), audited);
        Urls urls = Urls.of(request, route.site(), options.wadoNodeBase());
        return switch (route.resource()) {
            case "ImagingStudy" -> search.search(site, urls, request, audited);
            case "metadata" -> discovery.capabilityStatement(site, urls);
            case ".well-known/smart-configuration" -> discovery.smartConfiguration(site, urls);
            default -> throw new ImagingException.NotFound(
                    "This server answers ImagingStudy searches, metadata and .well-known/smart-configuration");
        };
    }

    private Site site(Route.SiteRef ref, RequestAudit audited) {
        Site site = ref.dynamic() ? sites.dynamicSite(ref.key()) : sites.site(ref.key());
        if (audited != null) {
            audited.site(site.config().bindingId());
        }
        return site;
    }

    @Override
    public void close() {
        sites.close();
        studyTokenCodec.close();
        audit.close();
    }
}
