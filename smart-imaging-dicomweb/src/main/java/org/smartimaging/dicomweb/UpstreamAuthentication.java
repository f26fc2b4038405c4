package org.smartimaging.dicomweb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import org.smartimaging.spi.ConfigSection;
import org.smartimaging.spi.HostEnvironment;
import org.smartimaging.spi.ImagingException;

/**
 * How the SDK proves itself to the PACS ({@code images.authentication}): nothing, HTTP Basic, a
 * fixed bearer token, or an OAuth 2.0 client-credentials token fetched and refreshed before it
 * expires. {@link #toString()} never shows a secret.
 */
abstract sealed class UpstreamAuthentication {

    /** The {@code Authorization} header value for the next request, if any. */
    abstract Optional<String> authorization(HttpClient http, Duration timeout);

    /**
     * The PACS refused {@code usedAuthorization} (401/403): forget it if it is still the current
     * credential. True if a retry may now succeed.
     */
    boolean rejected(String usedAuthorization) {
        return false;
    }

    static UpstreamAuthentication read(ConfigSection images, HostEnvironment environment) {
        Optional<ConfigSection> section = images.optionalSection("authentication");
        if (section.isEmpty()) {
            return new Open();
        }
        ConfigSection auth = section.get();
        String type = auth.requireString("type");
        UpstreamAuthentication authentication = switch (type) {
            case "open" -> new Open();
            case "http-basic" -> new Static("http-basic", "Basic " + Base64.getEncoder().encodeToString(
                    (auth.requireString("username") + ":" + auth.requireString("password"))
                            .getBytes(StandardCharsets.UTF_8)));
            case "bearer" -> new Static("bearer", "Bearer " + auth.requireString("token"));
            case "client-credentials" -> ClientCredentials.read(auth, environment);
            default -> throw auth.invalid("type",
                    "must be one of open, http-basic, bearer, client-credentials (was \"" + type + "\")");
        };
        auth.rejectUnusedFields();
        return authentication;
    }

    /** {@code {"type": "open"}}: no credentials. */
    static final class Open extends UpstreamAuthentication {
        @Override
        Optional<String> authorization(HttpClient http, Duration timeout) {
            return Optional.empty();
        }

        @Override
        public String toString() {
            return "open";
        }
    }

    /** HTTP Basic or a fixed bearer token: one header value for every request. */
    static final class Static extends UpstreamAuthentication {
        private final String type;
        private final String headerValue;

        Static(String type, String headerValue) {
            this.type = type;
            this.headerValue = headerValue;
        }

        @Override
        Optional<String> authorization(HttpClient http, Duration timeout) {
            return Optional.of(headerValue);
        }

        @Override
        public String toString() {
            return type + " (credentials hidden)";
        }
    }

    /**
     * OAuth 2.0 client credentials (RFC 6749 4.4): a token from {@code tokenEndpoint}, kept until
     * shortly before {@code expires_in} runs out, fetched again after the PACS rejects it.
     */
    static final class ClientCredentials extends UpstreamAuthentication {
        private static final ObjectMapper JSON = new ObjectMapper();
        private static final long DEFAULT_LIFETIME_SECONDS = 300;
        private static final int MAX_TOKEN_RESPONSE_BYTES = 64 * 1024;

        private final URI tokenEndpoint;
        private final String clientId;
        private final String clientSecret;
        private final String scope;
        private final boolean secretInBody;
        private final Clock clock;
        private String accessToken;
        private Instant refreshAt = Instant.MIN;

        ClientCredentials(URI tokenEndpoint, String clientId, String clientSecret, String scope,
                boolean secretInBody, Clock clock) {
            this.tokenEndpoint = tokenEndpoint;
            this.clientId = clientId;
            this.clientSecret = clientSecret;
            this.scope = scope;
            this.secretInBody = secretInBody;
            this.clock = clock;
        }

        static ClientCredentials read(ConfigSection auth, HostEnvironment environment) {
            URI tokenEndpoint = DicomWebSettings.endpoint(auth, "tokenEndpoint");
            environment.upstreamPolicy().check(tokenEndpoint);
            String clientId = auth.requireString("clientId");
            String clientSecret = auth.requireString("clientSecret");
            String scope = auth.optionalString("scope").orElse(null);
            String method = auth.optionalString("clientAuthentication").orElse("client_secret_basic");
            if (!method.equals("client_secret_basic") && !method.equals("client_secret_post")) {
                throw auth.invalid("clientAuthentication", "must be client_secret_basic or client_secret_post");
            }
            return new ClientCredentials(tokenEndpoint, clientId, clientSecret, scope,
                    method.equals("client_secret_post"), environment.clock());
        }

        @Override
        synchronized Optional<String> authorization(HttpClient http, Duration timeout) {
            if (accessToken == null || !clock.instant().isBefore(refreshAt)) {
                fetch(http, timeout);
            }
            return Optional.of("Bearer " + accessToken);
        }

        @Override
        synchronized boolean rejected(String usedAuthorization) {
            if (accessToken != null && ("Bearer " + accessToken).equals(usedAuthorization)) {
                accessToken = null;
            }
            return true;
        }

        private void fetch(HttpClient http, Duration timeout) {
            String where = DicomWebSettings.hostAndPort(tokenEndpoint);
            StringBuilder form = new StringBuilder("grant_type=client_credentials");
            if (scope != null) {
                form.append("&scope=").append(encode(scope));
            }
            HttpRequest.Builder request = HttpRequest.newBuilder(tokenEndpoint)
                    .timeout(timeout)
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .header("Accept", "application/json");
            if (secretInBody) {
                form.append("&client_id=").append(encode(clientId))
                        .append("&client_secret=").append(encode(clientSecret));
            } else {
                String pair = encode(clientId) + ":" + encode(clientSecret);
                request.header("Authorization",
                        "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
            }
            Instant requested = clock.instant();
            HttpResponse<byte[]> response;
            try {
                response = http.send(request.POST(HttpRequest.BodyPublishers.ofString(form.toString())).build(),
                        HttpResponse.BodyHandlers.ofByteArray());
            } catch (IOException e) {
                throw new ImagingException.UpstreamFailure(
                        "Could not reach the token endpoint at " + where + " for the PACS", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ImagingException.UpstreamFailure("Interrupted while asking " + where + " for a token");
            }
            if (response.statusCode() != 200) {
                throw new ImagingException.UpstreamFailure("The token endpoint at " + where
                        + " refused our client credentials (HTTP " + response.statusCode() + ")");
            }
            JsonNode answer;
            try {
                if (response.body().length > MAX_TOKEN_RESPONSE_BYTES) {
                    throw new IOException("token response too large");
                }
                answer = JSON.readTree(response.body());
            } catch (IOException e) {
                throw new ImagingException.UpstreamFailure("The token endpoint at " + where + " answered no JSON");
            }
            JsonNode token = answer.get("access_token");
            JsonNode type = answer.get("token_type");
            if (token == null || !token.isTextual() || token.asText().isBlank()
                    || (type != null && !type.asText().equalsIgnoreCase("bearer"))) {
                throw new ImagingException.UpstreamFailure(
                        "The token endpoint at " + where + " answered no bearer access_token");
            }
            long lifetime = answer.path("expires_in").canConvertToLong() && answer.path("expires_in").asLong() > 0
                    ? answer.path("expires_in").asLong()
                    : DEFAULT_LIFETIME_SECONDS;
            // Refresh a little before expiry, so a token is never sent just as it runs out.
            long margin = Math.min(30, lifetime / 5);
            accessToken = token.asText();
            refreshAt = requested.plusSeconds(lifetime - margin);
        }

        private static String encode(String value) {
            return URLEncoder.encode(value, StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return "client-credentials at " + DicomWebSettings.hostAndPort(tokenEndpoint) + " (credentials hidden)";
        }
    }
}
