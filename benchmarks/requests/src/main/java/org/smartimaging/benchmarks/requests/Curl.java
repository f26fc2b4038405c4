package org.smartimaging.benchmarks.requests;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Requests made by one curl process per scenario and leg (connections kept alive within it), timed
 * by curl itself per transfer ({@code time_starttransfer}, {@code time_total}) and by the wall clock
 * around the process for parallel transfers. The same client for every leg.
 */
final class Curl {

    /** What one curl process measured: per transfer status, first byte and total seconds. */
    record Run(List<Integer> statuses, List<Double> firstBytes, List<Double> totals, double wallSeconds, String body) {
        boolean ok() {
            return !statuses.isEmpty() && statuses.stream().allMatch(s -> s == 200);
        }
    }

    private Curl() {}

    static Run sequential(RequestBenchmark.Leg leg, List<String> paths, String accept) throws Exception {
        return run(leg, paths, accept, 0, false);
    }

    static Run sequential(RequestBenchmark.Leg leg, List<String> paths, String accept, boolean keepBody) throws Exception {
        return run(leg, paths, accept, 0, keepBody);
    }

    static Run parallel(RequestBenchmark.Leg leg, List<String> paths, String accept, int inFlight) throws Exception {
        return run(leg, paths, accept, inFlight, false);
    }

    private static Run run(RequestBenchmark.Leg leg, List<String> paths, String accept, int inFlight, boolean keepBody)
            throws Exception {
        Path config = Files.createTempFile("curl-", ".conf");
        Path body = keepBody ? Files.createTempFile("curl-", ".body") : null;
        try {
            StringBuilder text = new StringBuilder()
                    .append("silent\nhttp1.1\n")
                    .append("header = \"Accept: ").append(accept.replace("\"", "\\\"")).append("\"\n")
                    .append("header = \"").append(leg.header()).append("\"\n")
                    .append("write-out = \"%{http_code} %{time_starttransfer} %{time_total}\\n\"\n");
            if (inFlight > 0) {
                text.append("parallel\nparallel-immediate\nparallel-max = ").append(inFlight).append('\n');
            }
            for (String path : paths) {
                text.append("url = \"").append(leg.base()).append(path).append("\"\n")
                        .append("output = \"").append(body != null ? body : "/dev/null").append("\"\n");
            }
            Files.writeString(config, text);
            long started = System.nanoTime();
            Process curl = new ProcessBuilder("curl", "-K", config.toString()).redirectErrorStream(true).start();
            String out = new String(curl.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            int exit = curl.waitFor();
            double wall = (System.nanoTime() - started) / 1e9;
            List<Integer> statuses = new ArrayList<>();
            List<Double> firstBytes = new ArrayList<>();
            List<Double> totals = new ArrayList<>();
            for (String line : out.split("\n")) {
                String[] f = line.trim().split(" ");
                if (f.length == 3) {
                    statuses.add(Integer.parseInt(f[0]));
                    firstBytes.add(Double.parseDouble(f[1]));
                    totals.add(Double.parseDouble(f[2]));
                }
            }
            if (exit != 0 || statuses.size() != paths.size() || statuses.stream().anyMatch(st -> st != 200)) {
                System.out.println("  (" + leg.name() + ": curl exit " + exit + ", " + statuses.size() + " of "
                        + paths.size() + " answers, statuses " + new java.util.TreeSet<>(statuses) + ")");
            }
            return new Run(statuses, firstBytes, totals, wall, body != null ? Files.readString(body) : null);
        } finally {
            Files.deleteIfExists(config);
            if (body != null) {
                Files.deleteIfExists(body);
            }
        }
    }

    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "?";
        }
    }
}
