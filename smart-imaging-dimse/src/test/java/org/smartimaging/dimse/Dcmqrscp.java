package org.smartimaging.dimse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.smartimaging.testing.Dcmtk;

/**
 * dcmtk's {@code dcmqrscp} as a real Query/Retrieve SCP (C-FIND, C-GET, C-MOVE) on a free loopback
 * port (one forked child per association; {@link #kill()} kills them all, breaking associations in
 * flight). Instances are loaded with {@code storescu}. C-MOVE destinations are named in its host table.
 */
final class Dcmqrscp implements AutoCloseable {

    static final String AE = "PACS";

    private final Path storage;
    private final Path config;
    private final int port;
    private Process process;

    /** @param moveDestinations AE title to port on localhost, for C-MOVE */
    Dcmqrscp(Path directory, java.util.Map<String, Integer> moveDestinations) {
        try {
            this.storage = Files.createDirectories(directory.resolve("storage"));
            this.port = freePort();
            StringBuilder hosts = new StringBuilder();
            int n = 0;
            for (var e : moveDestinations.entrySet()) {
                hosts.append("dest").append(++n).append(" = (").append(e.getKey()).append(", 127.0.0.1, ")
                        .append(e.getValue()).append(")\n");
            }
            this.config = directory.resolve("dcmqrscp.cfg");
            Files.writeString(config, """
                    NetworkTCPPort  = %d
                    MaxPDUSize      = 131072
                    MaxAssociations = 16
                    HostTable BEGIN
                    %sHostTable END
                    VendorTable BEGIN
                    VendorTable END
                    AETable BEGIN
                    %s %s RW (500, 1024mb) ANY
                    AETable END
                    """.formatted(port, hosts, AE, storage));
            start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void start() throws IOException { // also restarts after kill(), same port and storage
        Path log = config.resolveSibling("dcmqrscp.log");
        process = new ProcessBuilder(Dcmtk.tool("dcmqrscp").toString(), "-c", config.toString(), String.valueOf(port))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        waitForPort(port, process);
    }

    int port() {
        return port;
    }

    /** Loads files with storescu; fails the test unless every one was stored. */
    void store(List<Path> files) {
        List<String> args = new ArrayList<>(List.of("-aec", AE, "127.0.0.1", String.valueOf(port)));
        files.forEach(f -> args.add(f.toString()));
        Dcmtk.run("storescu", args.toArray(String[]::new)).assertClean("storescu into dcmqrscp");
    }

    /** Kills the process at once (SIGKILL): associations in flight break without A-ABORT. */
    void kill() {
        if (process != null) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void close() {
        kill();
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static void waitForPort(int port, Process process) throws IOException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < until) {
            if (process != null && !process.isAlive()) {
                throw new IOException("peer exited with " + process.exitValue());
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException e) {
                try {
                    Thread.sleep(50);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new IOException(ie);
                }
            }
        }
        throw new IOException("peer did not listen on " + port);
    }
}
