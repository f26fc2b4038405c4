package org.smartimaging.engine;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The absolute URLs of one configuration, as the client reached the server; WADO bases point at a
 * separate WADO node when the host runs one ({@link ServerOptions#wadoNodeBase()}).
 */
record Urls(String siteBase, String wadoSiteBase) {

    static Urls of(ImagingRequest request, Route.SiteRef site, String wadoNodeBase) {
        String path = (site.dynamic() ? "/dyn/" : "/") + site.key();
        return new Urls(request.baseUrl() + path, (wadoNodeBase != null ? wadoNodeBase : request.baseUrl()) + path);
    }

    String fhirBase() {
        return siteBase + "/fhir";
    }

    String wadoBase(String studyToken) {
        return wadoSiteBase + "/wado/" + studyToken;
    }

    String requestUrl(ImagingRequest request) {
        String query = request.query().entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .flatMap(e -> e.getValue().stream().map(v -> encode(e.getKey()) + "=" + encode(v)))
                .collect(Collectors.joining("&"));
        return request.baseUrl() + request.rawPath() + (query.isEmpty() ? "" : "?" + query);
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

}
