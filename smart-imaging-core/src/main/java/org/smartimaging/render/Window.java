package org.smartimaging.render;

import java.util.Locale;

/**
 * A VOI window (PS3.3 C.11.2.1.2): which modality values map to the output's gray range, and how.
 *
 * @param width must be at least 1 for {@link Function#LINEAR}, above 0 otherwise
 */
public record Window(double center, double width, Function function) {

    /** The VOI LUT functions of PS3.3 C.11.2.1.3, named as PS3.18 8.3.5.1.4 writes them in a query. */
    public enum Function {
        LINEAR, LINEAR_EXACT, SIGMOID;

        static Function parse(String text) {
            return switch (text.strip().toLowerCase(Locale.ROOT).replace('_', '-')) {
                case "linear" -> LINEAR;
                case "linear-exact" -> LINEAR_EXACT;
                case "sigmoid" -> SIGMOID;
                default -> throw new IllegalArgumentException("unknown VOI LUT function (linear, linear-exact or sigmoid)");
            };
        }
    }

    public Window {
        if (!Double.isFinite(center) || !Double.isFinite(width) || function == null) {
            throw new IllegalArgumentException("window center and width must be numbers");
        }
        if (function == Function.LINEAR ? width < 1 : width <= 0) {
            throw new IllegalArgumentException("window width must be at least 1 (linear) or above 0");
        }
    }

    /** Maps a modality value to an output value between 0 and {@code max} (e.g. 255). */
    double apply(double x, double max) {
        double y;
        switch (function) {
            case LINEAR -> {
                double c = center - 0.5;
                double half = (width - 1) / 2;
                if (x <= c - half) {
                    y = 0;
                } else if (x > c + half) {
                    y = max;
                } else {
                    y = ((x - c) / (width - 1) + 0.5) * max;
                }
            }
            case LINEAR_EXACT -> {
                if (x <= center - width / 2) {
                    y = 0;
                } else if (x > center + width / 2) {
                    y = max;
                } else {
                    y = ((x - center) / width + 0.5) * max;
                }
            }
            default -> y = max / (1 + Math.exp(-4 * (x - center) / width));
        }
        return Math.max(0, Math.min(max, y));
    }
}
