package org.smartimaging.benchmarks.requests;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Seconds per scenario, leg and round; ratios {@code direct / leg} per round, reported as medians. */
final class Results {

    static final String DIRECT = "Orthanc direct";

    final int rounds;
    final Map<String, Map<String, List<Double>>> seconds = new LinkedHashMap<>();
    String loadAfter;

    Results(int rounds) {
        this.rounds = rounds;
    }

    void add(String scenario, Map<String, Double> byLeg) {
        Map<String, List<Double>> legs = seconds.computeIfAbsent(scenario, k -> new LinkedHashMap<>());
        byLeg.forEach((leg, value) -> legs.computeIfAbsent(leg, k -> new ArrayList<>()).add(value));
    }

    /** Per-round ratios direct / leg. */
    List<Double> ratios(String scenario, String leg) {
        List<Double> direct = seconds.get(scenario).get(DIRECT);
        List<Double> sdk = seconds.get(scenario).getOrDefault(leg, List.of());
        List<Double> ratios = new ArrayList<>();
        for (int i = 0; i < Math.min(direct.size(), sdk.size()); i++) {
            ratios.add(direct.get(i) / sdk.get(i));
        }
        return ratios;
    }

    double medianRatio(String scenario, String leg) {
        List<Double> ratios = ratios(scenario, leg).stream().filter(r -> !r.isNaN()).toList();
        return ratios.isEmpty() ? Double.NaN : RequestBenchmark.median(ratios);
    }

    void print() {
        System.out.println();
        System.out.printf(Locale.ROOT, "%d rounds; ratio = direct time / SDK time (above 1: SDK faster); median [min-max] of rounds; "
                + "times are medians in ms; load average after: %s%n%n", rounds, loadAfter);
        System.out.println("| request | Orthanc direct | dicom-web source | ratio | folder source | ratio |");
        System.out.println("|---|---|---|---|---|---|");
        for (String scenario : seconds.keySet()) {
            System.out.printf(Locale.ROOT, "| %s | %s | %s | %s | %s | %s |%n", scenario,
                    ms(scenario, DIRECT), ms(scenario, "dicom-web source"), ratio(scenario, "dicom-web source"),
                    ms(scenario, "folder source"), ratio(scenario, "folder source"));
        }
    }

    private String ms(String scenario, String leg) {
        List<Double> values = seconds.get(scenario).get(leg);
        if (values == null) {
            return "-";
        }
        List<Double> ok = values.stream().filter(v -> !v.isNaN()).toList();
        return ok.isEmpty() ? "failed" : String.format(Locale.ROOT, "%.1f ms", RequestBenchmark.median(ok) * 1000);
    }

    private String ratio(String scenario, String leg) {
        if (!seconds.get(scenario).containsKey(leg)) {
            return "-";
        }
        List<Double> ratios = ratios(scenario, leg).stream().filter(r -> !r.isNaN()).toList();
        if (ratios.isEmpty()) {
            return "n/a";
        }
        return String.format(Locale.ROOT, "**%.2fx** [%.2f-%.2f]", RequestBenchmark.median(ratios),
                ratios.stream().mapToDouble(Double::doubleValue).min().orElse(0),
                ratios.stream().mapToDouble(Double::doubleValue).max().orElse(0));
    }
}
