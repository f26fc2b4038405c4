package org.smartimaging.introspection;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.smartimaging.spi.EndpointResponse;

/**
 * The imaging server's own pages: "Authorize access to imaging studies" (naming the app, the user
 * and the patient) and plain error pages. Every value is HTML-escaped; the pages cannot be framed
 * ({@code frame-ancestors 'none'}, {@code X-Frame-Options: DENY}), load nothing, leak no
 * {@code Referer}, and their form may post only here and then lead only to the app's redirect URI.
 */
final class ConsentPage {

    private ConsentPage() {}

    static EndpointResponse consent(String action, String consentId, String csrfToken, String clientId, String userName,
            String fhirUser, String patientName, String patient, Set<String> scopes, URI redirectUri) {
        StringBuilder body = new StringBuilder()
                .append("<p>The application <strong id=\"client\">").append(html(clientId))
                .append("</strong> asks to read imaging studies.</p><dl>")
                .append("<dt>Signed in at the EHR as</dt><dd id=\"user\">")
                .append(html(userName != null ? userName : fhirUser != null ? fhirUser : "unknown user")).append("</dd>")
                .append("<dt>Patient</dt><dd id=\"patient\">").append(html(patientName != null ? patientName : "Patient/" + patient))
                .append("</dd><dt>Access</dt><dd><ul>");
        for (String scope : scopes) {
            body.append("<li><code>").append(html(scope)).append("</code></li>");
        }
        body.append("</ul></dd></dl><form method=\"post\" action=\"").append(html(action)).append("\">")
                .append("<input type=\"hidden\" name=\"consent\" value=\"").append(html(consentId)).append("\">")
                .append("<input type=\"hidden\" name=\"csrf\" value=\"").append(html(csrfToken)).append("\">")
                .append("<button type=\"submit\" name=\"decision\" value=\"approve\" id=\"approve\">Approve</button> ")
                .append("<button type=\"submit\" name=\"decision\" value=\"deny\" id=\"deny\">Deny</button></form>");
        return page(200, "Authorize access to imaging studies", body.toString(), origin(redirectUri));
    }

    static EndpointResponse error(int status, String title, String message) {
        return page(status, title, "<p>" + html(message) + "</p>", null);
    }

    private static EndpointResponse page(int status, String title, String body, String formTarget) {
        String html = """
                <!doctype html><html lang="en"><head><meta charset="utf-8"><title>%s</title>
                <meta name="viewport" content="width=device-width, initial-scale=1">
                <style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;color:#1d2733}
                header{color:#0b5394;font-weight:700;letter-spacing:.05em}dt{font-weight:600;margin-top:.6rem}
                button{font-size:1rem;padding:.5rem 1.2rem;margin-top:1rem;border-radius:4px}
                #approve{background:#0b5394;color:#fff;border:0}</style></head>
                <body><header>IMAGING SERVER</header><h1>%s</h1>%s</body></html>"""
                .formatted(html(title), html(title), body);
        Map<String, String> headers = new LinkedHashMap<>();
        // Chrome applies form-action to the redirect that follows the POST, so the app's origin is listed.
        headers.put("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; "
                + "base-uri 'none'; form-action 'self'" + (formTarget != null ? " " + formTarget : ""));
        headers.put("X-Frame-Options", "DENY");
        headers.put("X-Content-Type-Options", "nosniff");
        headers.put("Referrer-Policy", "no-referrer");
        headers.put("Cache-Control", "no-store");
        return EndpointResponse.of(status, "text/html; charset=utf-8", html, headers);
    }

    private static String origin(URI uri) {
        if (uri == null || uri.getScheme() == null || uri.getHost() == null) {
            return null;
        }
        String host = uri.getHost().contains(":") && !uri.getHost().startsWith("[") ? "[" + uri.getHost() + "]" : uri.getHost();
        return uri.getScheme() + "://" + host + (uri.getPort() == -1 ? "" : ":" + uri.getPort());
    }

    static String html(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
