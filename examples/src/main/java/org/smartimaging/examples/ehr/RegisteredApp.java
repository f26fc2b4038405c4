package org.smartimaging.examples.ehr;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A SMART app a developer registered with the demo EHR so that it can try a standalone launch, as
 * SMART's sandbox launcher lets any app do: a client id, a name for the consent screen, the exact
 * redirect URIs, and a client secret when the app is confidential (none: a public app, PKCE only).
 *
 * <p>Registered in code ({@link DemoEhr#register}) or from a JSON file ({@code --apps apps.json}),
 * an array of objects with the RFC 7591 field names:
 *
 * <pre>
 * [{"client_id": "my-app", "client_name": "My app", "redirect_uris": ["http://localhost:9000/"],
 *   "client_secret": "only-for-a-confidential-app"}]
 * </pre>
 */
public record RegisteredApp(String clientId, String name, String clientSecret, List<String> redirectUris) {

    private static final Pattern CLIENT_ID = Pattern.compile("[A-Za-z0-9._~-]{1,64}");
    private static final Set<String> FIELDS = Set.of("client_id", "client_name", "redirect_uris", "client_secret");
    private static final ObjectMapper JSON = new ObjectMapper();

    public RegisteredApp {
        if (clientId == null || !CLIENT_ID.matcher(clientId).matches()) {
            throw new IllegalArgumentException("client_id must be 1 to 64 letters, digits or . _ ~ -, not " + clientId);
        }
        if (clientId.equals(DemoEhr.VIEWER_CLIENT_ID) || clientId.equals(DemoEhr.IMAGING_CLIENT_ID)) {
            throw new IllegalArgumentException("client_id " + clientId + " is the demo's own; pick another");
        }
        if (clientSecret != null && clientSecret.length() < 8) {
            throw new IllegalArgumentException("client_secret of " + clientId + " is shorter than 8 characters");
        }
        if (redirectUris == null || redirectUris.isEmpty()) {
            throw new IllegalArgumentException("redirect_uris of " + clientId + " is empty: list the app's exact redirect URIs");
        }
        for (String uri : redirectUris) {
            checkRedirect(clientId, uri);
        }
        name = name == null || name.isBlank() ? clientId : name;
        redirectUris = List.copyOf(redirectUris);
    }

    /** A public app: no secret, the token request carries its client id and PKCE verifier. */
    public static RegisteredApp publicApp(String clientId, String name, List<String> redirectUris) {
        return new RegisteredApp(clientId, name, null, redirectUris);
    }

    public boolean confidential() {
        return clientSecret != null;
    }

    /** Exact match, as OAuth 2.0 Security BCP asks: no prefix, no wildcard. */
    boolean allowsRedirect(URI redirect) {
        return redirectUris.contains(redirect.toString());
    }

    /** Reads a registration file; errors name the entry and the field. */
    public static List<RegisteredApp> read(Path file) {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readString(file));
        } catch (IOException e) {
            throw new IllegalArgumentException("Cannot read the apps file " + file + ": " + e.getMessage());
        }
        if (root == null || !root.isArray()) {
            throw new IllegalArgumentException("The apps file " + file + " must hold a JSON array of apps");
        }
        List<RegisteredApp> apps = new ArrayList<>();
        for (JsonNode entry : root) {
            if (!entry.isObject()) {
                throw new IllegalArgumentException("Every entry of " + file + " must be an object");
            }
            for (Iterator<String> names = entry.fieldNames(); names.hasNext(); ) {
                String field = names.next();
                if (!FIELDS.contains(field)) {
                    throw new IllegalArgumentException("Unknown field " + field + " in " + file + " (known: " + FIELDS + ")");
                }
            }
            List<String> redirects = new ArrayList<>();
            entry.path("redirect_uris").forEach(uri -> redirects.add(uri.asText()));
            apps.add(new RegisteredApp(text(entry, "client_id"), text(entry, "client_name"), text(entry, "client_secret"),
                    redirects));
        }
        return apps;
    }

    private static String text(JsonNode entry, String field) {
        JsonNode value = entry.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    private static void checkRedirect(String clientId, String uri) {
        URI parsed;
        try {
            parsed = new URI(uri);
        } catch (Exception e) {
            throw new IllegalArgumentException("redirect URI " + uri + " of " + clientId + " is not a URI");
        }
        if (!("http".equals(parsed.getScheme()) || "https".equals(parsed.getScheme())) || parsed.getHost() == null
                || parsed.getRawFragment() != null) {
            throw new IllegalArgumentException("redirect URI " + uri + " of " + clientId
                    + " must be an absolute http(s) URL without a fragment");
        }
    }

    @Override
    public String toString() {
        // never print the secret
        return "RegisteredApp[" + clientId + (confidential() ? ", confidential" : ", public") + ", " + redirectUris + "]";
    }
}
