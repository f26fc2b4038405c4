package org.smartimaging.dicom;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * Writes the DICOM JSON Model (PS3.18 F.2). Text is split into values at backslash (except LT, ST,
 * UT, UR); IS, DS and the binary number VRs become JSON numbers; AT becomes eight hex digits; PN
 * becomes objects with Alphabetic, Ideographic and Phonetic groups; an empty value is {@code null}
 * and an empty element has no "Value".
 *
 * <p>Binary values (OB, OD, OF, OL, OV, OW, UN) become a {@code BulkDataURI} when the
 * {@link BulkDataUris} gives one; otherwise values up to {@link #MAX_INLINE_BINARY} bytes become
 * {@code InlineBinary} (base64), and pixel data, larger values and values not read are left out.
 */
public final class DicomJson {

    /** Largest binary value written inline as base64 when no bulk data URI is given. */
    public static final int MAX_INLINE_BINARY = 64 * 1024;

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .disable(com.fasterxml.jackson.core.StreamWriteFeature.AUTO_CLOSE_TARGET)
            .build();

    private DicomJson() {
    }

    /**
     * Writes a JSON array with one object per data set, as WADO-RS metadata and QIDO-RS answer.
     * Streams: each data set is written and flushed before the next is taken from {@code datasets}.
     * {@code uris} may be null. {@code out} is flushed, not closed.
     */
    public static void writeArray(Iterable<Attributes> datasets, OutputStream out, BulkDataUris uris)
            throws IOException {
        try (JsonGenerator gen = FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
            gen.writeStartArray();
            for (Attributes dataset : datasets) {
                write(dataset, gen, uris);
                gen.flush();
            }
            gen.writeEndArray();
        }
        out.flush();
    }

    /** Writes one data set as a JSON object. {@code out} is flushed, not closed. */
    public static void write(Attributes dataset, OutputStream out, BulkDataUris uris) throws IOException {
        try (JsonGenerator gen = FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
            write(dataset, gen, uris);
        }
        out.flush();
    }

    /** Writes one data set as a JSON object to a generator the caller owns. */
    public static void write(Attributes dataset, JsonGenerator gen, BulkDataUris uris) throws IOException {
        writeObject(dataset, dataset, "", gen, uris);
    }

    private static void writeObject(Attributes root, Attributes attrs, String path, JsonGenerator gen,
            BulkDataUris uris) throws IOException {
        gen.writeStartObject();
        for (Element e : attrs.elements()) {
            if (Tag.isGroupLength(e.tag())) {
                continue; // retired (PS3.5 7.2), never meaningful in JSON
            }
            writeElement(root, attrs, path + Tag.toHex(e.tag()), e, gen, uris);
        }
        gen.writeEndObject();
    }

    private static void writeElement(Attributes root, Attributes attrs, String path, Element e, JsonGenerator gen,
            BulkDataUris uris) throws IOException {
        VR vr = e.vr();
        Object value = e.value();
        boolean pixelData = e.tag() == Tag.PixelData || e.tag() == Tag.FloatPixelData
                || e.tag() == Tag.DoubleFloatPixelData;
        if (vr.isBulk() || !(value instanceof byte[] || value instanceof Sequence)) {
            byte[] inline = value instanceof byte[] b && b.length <= MAX_INLINE_BINARY && !pixelData ? b : null;
            // Small values travel inline; only pixel data and large values get a BulkDataURI.
            String uri = uris == null || inline != null ? null : uris.uriFor(root, path);
            if (uri == null && inline == null) {
                return;
            }
            gen.writeFieldName(Tag.toHex(e.tag()));
            gen.writeStartObject();
            gen.writeStringField("vr", vr.name());
            if (uri != null) {
                gen.writeStringField("BulkDataURI", uri);
            } else if (inline.length > 0) {
                gen.writeFieldName("InlineBinary");
                gen.writeBinary(inline);
            }
            gen.writeEndObject();
            return;
        }
        gen.writeFieldName(Tag.toHex(e.tag()));
        gen.writeStartObject();
        gen.writeStringField("vr", vr.name());
        if (value instanceof Sequence seq) {
            if (!seq.isEmpty()) {
                gen.writeArrayFieldStart("Value");
                for (int i = 0; i < seq.size(); i++) {
                    writeObject(root, seq.get(i), path + "/" + i + "/", gen, uris);
                }
                gen.writeEndArray();
            }
        } else {
            writeValues(attrs, e, gen);
        }
        gen.writeEndObject();
    }

    private static void writeValues(Attributes attrs, Element e, JsonGenerator gen) throws IOException {
        VR vr = e.vr();
        byte[] bytes = (byte[]) e.value();
        if (bytes.length == 0) {
            return;
        }
        if (vr.isBinaryNumber()) {
            Number[] numbers = Attributes.numbers(vr, bytes);
            if (numbers.length == 0) {
                return;
            }
            gen.writeArrayFieldStart("Value");
            for (Number n : numbers) {
                if (vr == VR.AT) {
                    gen.writeString(Tag.toHex(n.intValue()));
                } else if (n instanceof Float f && (f.isNaN() || f.isInfinite())
                        || n instanceof Double d && (d.isNaN() || d.isInfinite())) {
                    gen.writeString(n.toString()); // JSON has no NaN or infinity
                } else if (n instanceof Float f) {
                    gen.writeNumber(new BigDecimal(Float.toString(f)));
                } else if (n instanceof Double d) {
                    gen.writeNumber(d);
                } else if (n instanceof BigDecimal big) {
                    gen.writeNumber(big.toBigInteger());
                } else {
                    gen.writeNumber(n.longValue());
                }
            }
            gen.writeEndArray();
            return;
        }
        String[] values = Attributes.splitStrings(vr, new String(bytes, vr == VR.UI ? CharacterSets.DEFAULT
                : attrs.charset()));
        if (values.length == 1 && values[0].isEmpty()) {
            return;
        }
        gen.writeArrayFieldStart("Value");
        for (String v : values) {
            if (v.isEmpty()) {
                gen.writeNull();
            } else if (vr == VR.PN) {
                writePersonName(v, gen);
            } else if (vr == VR.IS) {
                writeInteger(v, gen);
            } else if (vr == VR.DS) {
                writeDecimal(v, gen);
            } else {
                gen.writeString(v);
            }
        }
        gen.writeEndArray();
    }

    private static void writePersonName(String value, JsonGenerator gen) throws IOException {
        String[] groups = value.split("=", -1);
        String[] names = {"Alphabetic", "Ideographic", "Phonetic"};
        gen.writeStartObject();
        for (int i = 0; i < Math.min(groups.length, names.length); i++) {
            String group = groups[i].strip();
            if (!group.isEmpty()) {
                gen.writeStringField(names[i], group);
            }
        }
        gen.writeEndObject();
    }

    private static void writeInteger(String value, JsonGenerator gen) throws IOException {
        try {
            gen.writeNumber(new BigInteger(value.startsWith("+") ? value.substring(1) : value));
        } catch (NumberFormatException e) {
            gen.writeString(value); // not a valid IS; keep the text rather than lose it
        }
    }

    private static void writeDecimal(String value, JsonGenerator gen) throws IOException {
        try {
            gen.writeNumber(new BigDecimal(value));
        } catch (NumberFormatException e) {
            gen.writeString(value); // not a valid DS; keep the text rather than lose it
        }
    }
}
