package org.smartimaging.wado;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * One media range of an {@code Accept} header as PS3.18 8.7 reads it: the type, for
 * {@code multipart/related} the parts' {@code type} parameter, the {@code transfer-syntax}
 * parameter and the quality ({@code q}).
 *
 * @param type e.g. {@code multipart/related}, {@code application/dicom}, {@code *}{@code /*}
 * @param partType the {@code type} parameter of a multipart range, or null
 * @param transferSyntax the {@code transfer-syntax} parameter ({@code *} means any), or null when absent
 * @param q the quality, 0 to 1
 */
record MediaRange(String type, String partType, String transferSyntax, double q) {

    /** Most ranges honoured in one header; the rest are ignored (bounded work for any input). */
    static final int MAX_RANGES = 32;
    static final MediaRange ANY = new MediaRange("*/*", null, null, 1);

    /** The ranges of {@code accept}, best first (stable for equal q), those with q=0 left out; a blank header accepts anything. */
    static List<MediaRange> parse(String accept) {
        if (accept == null || accept.isBlank()) {
            return List.of(ANY);
        }
        List<MediaRange> ranges = new ArrayList<>();
        for (String text : splitOutsideQuotes(accept, ',')) {
            if (ranges.size() == MAX_RANGES) {
                break;
            }
            List<String> pieces = splitOutsideQuotes(text, ';');
            String type = pieces.get(0).strip().toLowerCase(Locale.ROOT);
            if (type.isEmpty()) {
                continue;
            }
            String partType = null;
            String transferSyntax = null;
            double q = 1;
            for (String parameter : pieces.subList(1, pieces.size())) {
                int eq = parameter.indexOf('=');
                if (eq < 0) {
                    continue;
                }
                String name = parameter.substring(0, eq).strip().toLowerCase(Locale.ROOT);
                String value = unquote(parameter.substring(eq + 1).strip());
                switch (name) {
                    case "type" -> partType = value.toLowerCase(Locale.ROOT);
                    case "transfer-syntax" -> transferSyntax = value;
                    case "q" -> q = quality(value);
                    default -> { }
                }
            }
            if (q > 0) {
                ranges.add(new MediaRange(type, partType, transferSyntax, q));
            }
        }
        ranges.sort(Comparator.comparingDouble(MediaRange::q).reversed());
        return List.copyOf(ranges);
    }

    /** The one media type the parts must have, or null when the range admits several ({@code *}, {@code multipart/*} without type). */
    String concreteMedia() {
        String media = isMultipart() ? partType : type;
        return media == null || media.contains("*") ? null : media;
    }

    /** Whether a part (or single body) of {@code media} is acceptable. */
    boolean acceptsMedia(String media) {
        if (isMultipart()) {
            return partType == null || matches(partType, media);
        }
        return matches(type, media);
    }

    private boolean isMultipart() {
        return type.equals("multipart/related") || type.equals("multipart/*");
    }

    private static boolean matches(String pattern, String media) {
        if (pattern.equals("*/*") || pattern.equals("*")) {
            return true;
        }
        if (pattern.endsWith("/*")) {
            return media.startsWith(pattern.substring(0, pattern.length() - 1));
        }
        return pattern.equals(media);
    }

    private static double quality(String value) {
        try {
            double q = Double.parseDouble(value);
            return q >= 0 && q <= 1 ? q : 1;
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    private static String unquote(String value) {
        return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"") ? value.substring(1, value.length() - 1) : value;
    }

    private static List<String> splitOutsideQuotes(String text, char separator) {
        List<String> parts = new ArrayList<>();
        boolean quoted = false;
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (c == separator && !quoted) {
                parts.add(text.substring(start, i));
                start = i + 1;
            }
        }
        parts.add(text.substring(start));
        return parts;
    }
}
