package org.smartimaging.dicom;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A DICOM data set: elements ordered by tag (unsigned, as PS3.5 7.1 orders them), values held as
 * encoded bytes in little endian. Accessors decode on demand and never throw on malformed values:
 * what cannot be decoded reads as absent ({@code null}).
 *
 * <p>Not thread-safe. {@link #toString()} lists tags and VRs only, never values (they may be PHI).
 */
public final class Attributes {

    private final TreeMap<Integer, Element> elements = new TreeMap<>(Integer::compareUnsigned);
    private Attributes parent;

    public Attributes() {
        this(null);
    }

    Attributes(Attributes parent) {
        this.parent = parent;
    }

    // ---------------------------------------------------------------- queries

    public boolean contains(int tag) {
        return elements.containsKey(tag);
    }

    public int size() {
        return elements.size();
    }

    public boolean isEmpty() {
        return elements.isEmpty();
    }

    /** The tags present, in ascending order. */
    public int[] tags() {
        return elements.keySet().stream().mapToInt(Integer::intValue).toArray();
    }

    /** The VR of the element, or null if absent. */
    public VR vr(int tag) {
        Element e = elements.get(tag);
        return e == null ? null : e.vr();
    }

    /** The value bytes as held (little endian for binary numbers), or null if absent or not a plain value. */
    public byte[] bytes(int tag) {
        Element e = elements.get(tag);
        return e != null && e.value() instanceof byte[] b ? b : null;
    }

    public Sequence getSequence(int tag) {
        Element e = elements.get(tag);
        return e != null && e.value() instanceof Sequence s ? s : null;
    }

    /**
     * Where a value left unread lies in the stream it was read from (top-level Pixel Data when
     * reading stopped before it): {offset of its first byte, length or -1 if undefined}; null when
     * the value was read or is absent.
     */
    public long[] unreadValue(int tag) {
        Element e = elements.get(tag);
        return e != null && e.value() instanceof BulkData d ? new long[] {d.offset(), d.length()} : null;
    }

    /** The items of encapsulated pixel data (Basic Offset Table first), or null if not encapsulated. */
    public List<byte[]> fragments(int tag) {
        Element e = elements.get(tag);
        return e != null && e.value() instanceof Fragments f ? List.copyOf(f.items()) : null;
    }

    /** First value, without padding; null if absent or empty. Binary numbers are given in decimal. */
    public String getString(int tag) {
        String[] values = getStrings(tag);
        return values.length == 0 || values[0].isEmpty() && values.length == 1 ? null : values[0];
    }

    /** All values, without padding; empty if absent or empty. Binary numbers are given in decimal. */
    public String[] getStrings(int tag) {
        Element e = elements.get(tag);
        if (e == null || !(e.value() instanceof byte[] b) || b.length == 0) {
            return new String[0];
        }
        VR vr = e.vr();
        if (vr.isString()) {
            return splitStrings(vr, new String(b, charset()));
        }
        if (vr.isBinaryNumber()) {
            Number[] numbers = numbers(vr, b);
            String[] out = new String[numbers.length];
            for (int i = 0; i < numbers.length; i++) {
                out[i] = vr == VR.AT ? Tag.toHex(numbers[i].intValue()) : numbers[i].toString();
            }
            return out;
        }
        return new String[0];
    }

    /** First value as an int (IS, DS with an integral value, US, UL, SS, SL, SV, UV), or null. */
    public Integer getInt(int tag) {
        int[] values = getInts(tag);
        return values == null || values.length == 0 ? null : values[0];
    }

    /** All values as ints, or null if absent, not numeric, or a value does not fit an int. */
    public int[] getInts(int tag) {
        Element e = elements.get(tag);
        if (e == null || !(e.value() instanceof byte[] b)) {
            return null;
        }
        VR vr = e.vr();
        try {
            if (vr == VR.IS || vr == VR.DS) {
                String[] values = splitStrings(vr, new String(b, StandardCharsets.ISO_8859_1));
                int[] out = new int[values.length];
                for (int i = 0; i < values.length; i++) {
                    out[i] = new BigDecimal(values[i]).intValueExact();
                }
                return out;
            }
            if (vr.isBinaryNumber() && vr != VR.FL && vr != VR.FD && vr != VR.AT) {
                Number[] numbers = numbers(vr, b);
                int[] out = new int[numbers.length];
                for (int i = 0; i < numbers.length; i++) {
                    long v = numbers[i].longValue();
                    if (v != (int) v || numbers[i] instanceof BigDecimal) {
                        return null;
                    }
                    out[i] = (int) v;
                }
                return out;
            }
        } catch (NumberFormatException | ArithmeticException ex) {
            return null;
        }
        return null;
    }

    /** First value as a double (DS, IS, FL, FD or a binary integer), or null. */
    public Double getDouble(int tag) {
        double[] values = getDoubles(tag);
        return values == null || values.length == 0 ? null : values[0];
    }

    public double[] getDoubles(int tag) {
        Element e = elements.get(tag);
        if (e == null || !(e.value() instanceof byte[] b)) {
            return null;
        }
        VR vr = e.vr();
        try {
            if (vr == VR.IS || vr == VR.DS) {
                String[] values = splitStrings(vr, new String(b, StandardCharsets.ISO_8859_1));
                return Arrays.stream(values).mapToDouble(Double::parseDouble).toArray();
            }
            if (vr.isBinaryNumber() && vr != VR.AT) {
                return Arrays.stream(numbers(vr, b)).mapToDouble(Number::doubleValue).toArray();
            }
        } catch (NumberFormatException ex) {
            return null;
        }
        return null;
    }

    // ---------------------------------------------------------------- mutators

    /**
     * Sets a text element. Values are joined with backslash; text VRs (LT, ST, UT, UR) take one value.
     * Non-ASCII text is encoded in this data set's Specific Character Set, so set that first.
     */
    public Attributes setString(int tag, VR vr, String... values) {
        Objects.requireNonNull(vr, "vr");
        if (!vr.isString()) {
            throw new IllegalArgumentException(vr + " is not a string VR: " + Tag.toString(tag));
        }
        if (vr.kind() == VR.Kind.TEXT && values.length > 1) {
            throw new IllegalArgumentException(vr + " holds a single value: " + Tag.toString(tag));
        }
        String joined = String.join("\\", Arrays.stream(values).map(v -> v == null ? "" : v).toList());
        put(tag, vr, joined.getBytes(tag == Tag.SpecificCharacterSet ? StandardCharsets.US_ASCII : charset()));
        return this;
    }

    /** Sets integers in a binary (US, SS, UL, SL, SV, UV, FL, FD, AT) or text (IS, DS) VR. */
    public Attributes setInt(int tag, VR vr, int... values) {
        if (vr == VR.IS || vr == VR.DS) {
            return setString(tag, vr, Arrays.stream(values).mapToObj(Integer::toString).toArray(String[]::new));
        }
        if (!vr.isBinaryNumber()) {
            throw new IllegalArgumentException(vr + " cannot hold integers: " + Tag.toString(tag));
        }
        int width = vr == VR.AT ? 4 : vr.swapUnit();
        ByteBuffer buf = ByteBuffer.allocate(width * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : values) {
            switch (vr) {
                case US, SS -> buf.putShort((short) v);
                case UL, SL -> buf.putInt(v);
                case AT -> buf.putShort((short) (v >>> 16)).putShort((short) v);
                case SV -> buf.putLong(v);
                case UV -> buf.putLong(v & 0xFFFFFFFFL);
                case FL -> buf.putFloat(v);
                case FD -> buf.putDouble(v);
                default -> throw new IllegalArgumentException(vr.name());
            }
        }
        put(tag, vr, buf.array());
        return this;
    }

    /** Sets decimal numbers in DS (formatted to at most 16 characters), FL or FD. */
    public Attributes setDouble(int tag, VR vr, double... values) {
        switch (vr) {
            case DS -> setString(tag, vr, Arrays.stream(values).mapToObj(Attributes::formatDS)
                    .toArray(String[]::new));
            case FL, FD -> {
                ByteBuffer buf = ByteBuffer.allocate(vr.swapUnit() * values.length).order(ByteOrder.LITTLE_ENDIAN);
                for (double v : values) {
                    if (vr == VR.FL) {
                        buf.putFloat((float) v);
                    } else {
                        buf.putDouble(v);
                    }
                }
                put(tag, vr, buf.array());
            }
            default -> throw new IllegalArgumentException(vr + " cannot hold decimals: " + Tag.toString(tag));
        }
        return this;
    }

    /** Sets a value from bytes, little endian for binary numbers. The array is not copied. */
    public Attributes setBytes(int tag, VR vr, byte[] value) {
        Objects.requireNonNull(value, "value");
        if (vr == VR.SQ) {
            throw new IllegalArgumentException("use newSequence for SQ: " + Tag.toString(tag));
        }
        put(tag, vr, value);
        return this;
    }

    /** Replaces the element with a new, empty sequence and returns it. */
    public Sequence newSequence(int tag) {
        Sequence seq = new Sequence(this);
        elements.put(tag, new Element(tag, VR.SQ, seq));
        return seq;
    }

    /** Sets encapsulated pixel data: the Basic Offset Table (may be empty) followed by the fragments. */
    public Attributes setFragments(int tag, VR vr, List<byte[]> items) {
        Fragments f = new Fragments();
        f.items().addAll(items);
        elements.put(tag, new Element(tag, vr, f));
        return this;
    }

    public Attributes remove(int tag) {
        elements.remove(tag);
        return this;
    }

    /** Copies every element of {@code other} into this data set (sequences are shared, not copied). */
    public Attributes addAll(Attributes other) {
        elements.putAll(other.elements);
        return this;
    }

    // ---------------------------------------------------------------- package-private

    void put(int tag, VR vr, Object value) {
        elements.put(tag, new Element(tag, vr, value));
    }

    Element element(int tag) {
        return elements.get(tag);
    }

    Collection<Element> elements() {
        return elements.values();
    }

    /** The character set of this data set's text, from Specific Character Set here or in an enclosing set. */
    Charset charset() {
        for (Attributes a = this; a != null; a = a.parent) {
            Element e = a.elements.get(Tag.SpecificCharacterSet);
            if (e != null && e.value() instanceof byte[] b) {
                return CharacterSets.forTerms(splitStrings(VR.CS, new String(b, StandardCharsets.ISO_8859_1)));
            }
        }
        return CharacterSets.DEFAULT;
    }

    static String[] splitStrings(VR vr, String s) {
        String[] parts = vr.kind() == VR.Kind.TEXT ? new String[] {s} : s.split("\\\\", -1);
        for (int i = 0; i < parts.length; i++) {
            parts[i] = trim(vr, parts[i]);
        }
        return parts;
    }

    /** Removes padding: trailing spaces and NULs, and leading spaces except in LT, ST, UT. */
    private static String trim(VR vr, String s) {
        int end = s.length();
        while (end > 0 && (s.charAt(end - 1) == ' ' || s.charAt(end - 1) == '\0')) {
            end--;
        }
        int start = 0;
        if (vr.kind() == VR.Kind.STRING) {
            while (start < end && s.charAt(start) == ' ') {
                start++;
            }
        }
        return s.substring(start, end);
    }

    /** Decodes little endian binary numbers; an incomplete trailing unit is ignored. */
    static Number[] numbers(VR vr, byte[] b) {
        int width = vr == VR.AT ? 4 : vr.swapUnit();
        ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        Number[] out = new Number[b.length / width];
        for (int i = 0; i < out.length; i++) {
            out[i] = switch (vr) {
                case US -> buf.getShort() & 0xFFFF;
                case SS -> (int) buf.getShort();
                case UL -> buf.getInt() & 0xFFFFFFFFL;
                case SL -> buf.getInt();
                case SV -> buf.getLong();
                case UV -> new BigDecimal(Long.toUnsignedString(buf.getLong()));
                case FL -> buf.getFloat();
                case FD -> buf.getDouble();
                case AT -> ((buf.getShort() & 0xFFFF) << 16) | (buf.getShort() & 0xFFFF);
                default -> throw new IllegalArgumentException(vr.name());
            };
        }
        return out;
    }

    /** A DS value of at most 16 characters (PS3.5 6.2), rounding to fewer significant digits if needed. */
    static String formatDS(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            throw new IllegalArgumentException("DS cannot hold " + v);
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        String s = Double.toString(v);
        for (int digits = 16; s.length() > 16 && digits > 0; digits--) {
            s = String.format(Locale.ROOT, "%." + digits + "G", v).replaceAll("\\.?0+(E|$)", "$1")
                    .replace("E+", "E");
        }
        return s;
    }

    // ---------------------------------------------------------------- Object

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Attributes other) || other.elements.size() != elements.size()) {
            return false;
        }
        for (Map.Entry<Integer, Element> entry : elements.entrySet()) {
            Element a = entry.getValue();
            Element b = other.elements.get(entry.getKey());
            if (b == null || a.vr() != b.vr() || !valueEquals(a.value(), b.value())) {
                return false;
            }
        }
        return true;
    }

    private static boolean valueEquals(Object a, Object b) {
        if (a instanceof byte[] x && b instanceof byte[] y) {
            return Arrays.equals(x, y);
        }
        if (a instanceof Fragments x && b instanceof Fragments y) {
            return x.items().size() == y.items().size()
                    && java.util.stream.IntStream.range(0, x.items().size())
                            .allMatch(i -> Arrays.equals(x.items().get(i), y.items().get(i)));
        }
        return Objects.equals(a, b);
    }

    @Override
    public int hashCode() {
        return elements.keySet().hashCode();
    }

    @Override
    public String toString() {
        List<String> parts = new ArrayList<>();
        for (Element e : elements.values()) {
            String size = e.value() instanceof Sequence s ? s.size() + " items" : e.length() + " bytes";
            parts.add(Tag.toString(e.tag()) + " " + e.vr() + " " + size);
        }
        return "Attributes" + parts;
    }
}
