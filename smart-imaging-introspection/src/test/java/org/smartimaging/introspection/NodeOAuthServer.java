package org.smartimaging.introspection;

import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Node's {@code oidc-provider} (src/test/node/oauth-server.mjs) as a child process on a free
 * loopback port: the real OAuth 2.0 authorization server of the tests. Fails, never skips, when
 * its npm packages are not installed.
 */
final class NodeOAuthServer implements AutoCloseable {

    static final String NPM_INSTALL = "npm ci --prefix smart-imaging-introspection/src/test/node";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final URI issuer;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private NodeOAuthServer(Process process, int port) {
        this.process = process;
        this.issuer = URI.create("http://127.0.0.1:" + port);
    }

    static Path nodeDirectory() {
        // From this module, from the repository root, or from a sibling module (the end-to-end tests in examples).
        for (Path candidate : new Path[] {Path.of("src/test/node"), Path.of("smart-imaging-introspection/src/test/node"),
                Path.of("../smart-imaging-introspection/src/test/node")}) {
            if (Files.isRegularFile(candidate.resolve("oauth-server.mjs"))) {
                return candidate.toAbsolutePath();
            }
        }
        throw new IllegalStateException("src/test/node/oauth-server.mjs not found from " + Path.of("").toAbsolutePath());
    }

    /** Starts the server with this configuration (see oauth-server.mjs) and waits for its port. */
    static NodeOAuthServer start(ObjectNode config) throws IOException {
        Path dir = nodeDirectory();
        if (!Files.isDirectory(dir.resolve("node_modules/oidc-provider"))) {
            fail("The test authorization server's npm packages are missing. Run from the repository root: " + NPM_INSTALL);
        }
        Path configFile = Files.createTempFile("oauth-server", ".json");
        configFile.toFile().deleteOnExit();
        Files.writeString(configFile, JSON.writeValueAsString(config));
        Path log = Path.of("target", "node-oauth-server.log").toAbsolutePath();
        Files.createDirectories(log.getParent());
        Process process;
        try {
            process = new ProcessBuilder("node", "oauth-server.mjs", configFile.toString())
                    .directory(dir.toFile())
                    .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
        } catch (IOException e) {
            return fail("Cannot run node (Node 20 or later must be on the PATH): " + e.getMessage());
        }
        BufferedReader stdout = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<String> firstLine = CompletableFuture.supplyAsync(() -> {
            try {
                return stdout.readLine();
            } catch (IOException e) {
                return null;
            }
        });
        String line;
        try {
            line = firstLine.get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            line = null;
        }
        if (line == null || !line.startsWith("LISTENING ")) {
            process.destroyForcibly();
            return fail("The test authorization server did not start (see " + log + "): " + line);
        }
        return new NodeOAuthServer(process, Integer.parseInt(line.substring("LISTENING ".length()).trim()));
    }

    URI issuer() {
        return issuer;
    }

    URI uri(String path) {
        return issuer.resolve(path);
    }

    /** Mints an app access token as the EHR's launch would (the patient in {@code extra}). */
    String issue(String clientId, String accountId, String scope, String patient, long ttlSeconds) {
        ObjectNode body = JSON.createObjectNode()
                .put("clientId", clientId)
                .put("accountId", accountId)
                .put("scope", scope)
                .put("ttl", ttlSeconds);
        if (patient != null) {
            body.put("patient", patient);
        }
        return post("/__test/issue", body).get("access_token").asText();
    }

    /** Calls at each endpoint since the last {@link #resetCounts()}. */
    JsonNode counts() {
        return send(HttpRequest.newBuilder(uri("/__test/counts")).GET().build());
    }

    int count(String endpoint) {
        return counts().get(endpoint).asInt();
    }

    void resetCounts() {
        send(HttpRequest.newBuilder(uri("/__test/reset")).POST(HttpRequest.BodyPublishers.noBody()).build());
    }

    /** RFC 7009 revocation by the app that holds the token. */
    void revoke(String token, String clientId, String clientSecret) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri("/token/revocation"))
                .header("Content-Type", "application/x-www-form-urlencoded");
        String form = "token=" + token + "&token_type_hint=access_token";
        if (clientSecret == null) {
            form += "&client_id=" + clientId;
        } else {
            request.header("Authorization", "Basic " + Base64.getEncoder()
                    .encodeToString((clientId + ":" + clientSecret).getBytes(StandardCharsets.UTF_8)));
        }
        HttpResponse<String> response = sendRaw(request.POST(HttpRequest.BodyPublishers.ofString(form)).build());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("revocation failed: " + response.statusCode() + " " + response.body());
        }
    }

    JsonNode openidConfiguration() {
        return send(HttpRequest.newBuilder(uri("/.well-known/openid-configuration")).GET().build());
    }

    private JsonNode post(String path, JsonNode body) {
        return send(HttpRequest.newBuilder(uri(path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                .build());
    }

    private JsonNode send(HttpRequest request) {
        HttpResponse<String> response = sendRaw(request);
        if (response.statusCode() != 200) {
            throw new IllegalStateException(request.uri().getPath() + " answered " + response.statusCode() + ": " + response.body());
        }
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private HttpResponse<String> sendRaw(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        try {
            process.getOutputStream().close();
        } catch (IOException ignored) {
            // the process is going away anyway
        }
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
