package org.smartimaging.dicom;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Maps Specific Character Set (0008,0005) defined terms to Java charsets (PS3.3 C.12.1.1.2).
 * Code extension techniques (ISO 2022 escape sequences) are not interpreted: the first term
 * chooses the charset of the whole value.
 */
final class CharacterSets {

    /** The default repertoire is ASCII; Latin-1 decodes it and keeps stray 8-bit bytes visible. */
    static final Charset DEFAULT = StandardCharsets.ISO_8859_1;

    private static final Map<String, String> NAMES = Map.ofEntries(
            Map.entry("ISO_IR 100", "ISO-8859-1"), Map.entry("ISO 2022 IR 100", "ISO-8859-1"),
            Map.entry("ISO_IR 101", "ISO-8859-2"), Map.entry("ISO 2022 IR 101", "ISO-8859-2"),
            Map.entry("ISO_IR 109", "ISO-8859-3"), Map.entry("ISO 2022 IR 109", "ISO-8859-3"),
            Map.entry("ISO_IR 110", "ISO-8859-4"), Map.entry("ISO 2022 IR 110", "ISO-8859-4"),
            Map.entry("ISO_IR 144", "ISO-8859-5"), Map.entry("ISO 2022 IR 144", "ISO-8859-5"),
            Map.entry("ISO_IR 127", "ISO-8859-6"), Map.entry("ISO 2022 IR 127", "ISO-8859-6"),
            Map.entry("ISO_IR 126", "ISO-8859-7"), Map.entry("ISO 2022 IR 126", "ISO-8859-7"),
            Map.entry("ISO_IR 138", "ISO-8859-8"), Map.entry("ISO 2022 IR 138", "ISO-8859-8"),
            Map.entry("ISO_IR 148", "ISO-8859-9"), Map.entry("ISO 2022 IR 148", "ISO-8859-9"),
            Map.entry("ISO_IR 203", "ISO-8859-15"), Map.entry("ISO 2022 IR 203", "ISO-8859-15"),
            Map.entry("ISO_IR 166", "TIS-620"), Map.entry("ISO 2022 IR 166", "TIS-620"),
            Map.entry("ISO_IR 13", "Shift_JIS"), Map.entry("ISO 2022 IR 13", "Shift_JIS"),
            Map.entry("ISO_IR 192", "UTF-8"), Map.entry("GB18030", "GB18030"), Map.entry("GBK", "GBK"));

    private CharacterSets() {
    }

    static Charset forTerms(String[] terms) {
        String first = terms.length == 0 ? "" : terms[0];
        if (first.isEmpty() && terms.length > 1) {
            first = terms[1];
        }
        String name = NAMES.get(first);
        if (name == null) {
            return DEFAULT;
        }
        try {
            return Charset.forName(name);
        } catch (IllegalArgumentException e) {
            return DEFAULT;
        }
    }
}
