package org.smartimaging.examples;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs one browser-driving Node script of {@code src/test/browser} with a JSON argument. */
final class NodeScript {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** What the script printed, and how it ended ({@code exitCode} -1: killed after the timeout). */
    record Result(int exitCode, String stdout, String stderr, long millis) {
        /** The last line of standard output that is a JSON object. */
        String lastJsonLine() {
            return stdout.lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElse("{}");
        }
    }

    private NodeScript() {}

    static Result run(String script, Map<String, Object> argument, long timeoutSeconds) throws Exception {
        Path directory = ViewerBrowserTest.BROWSER_DIR;
        long started = System.nanoTime();
        Process node = new ProcessBuilder("node", directory.resolve(script).toString(), JSON.writeValueAsString(argument))
                .directory(directory.toFile())
                .start();
        CompletableFuture<String> stdout = CompletableFuture.supplyAsync(() -> drain(node.getInputStream()));
        CompletableFuture<String> stderr = CompletableFuture.supplyAsync(() -> drain(node.getErrorStream()));
        boolean finished = node.waitFor(timeoutSeconds, TimeUnit.SECONDS);
        if (!finished) {
            node.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        return new Result(finished ? node.exitValue() : -1, stdout.get(10, TimeUnit.SECONDS), stderr.get(10, TimeUnit.SECONDS),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }

    private static String drain(InputStream in) {
        try (in) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            return out.toString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
