package org.smartimaging.dicomweb;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.async.ByteArrayFeeder;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.smartimaging.spi.ResponseBody;
import org.smartimaging.spi.RetrieveRequest;

/**
 * The PACS's DICOM JSON metadata with every {@code BulkDataURI} moved onto the client's WADO base
 * ({@code .../instances/{I}/bulkdata/{attribute path}}), so no PACS address leaves the SDK and
 * every bulk byte passes the study token's checks; {@link DicomWebSource} maps such a path back to
 * the PACS's own URI. Rewritten as the JSON arrives (Jackson's non-blocking parser), never held
 * whole. A URI that cannot be placed is dropped, never passed on.
 */
final class BulkDataRewrite implements ResponseBody {

    private static final JsonFactory JSON = new JsonFactory();
    private static final Pattern INSTANCE = Pattern.compile("/studies/([0-9.]+)/series/([0-9.]+)/instances/([0-9.]+)(/|$)");
    private static final String SERIES_UID = "0020000E";
    private static final String SOP_INSTANCE_UID = "00080018";

    private final ResponseBody upstream;
    private final RetrieveRequest request;

    BulkDataRewrite(ResponseBody upstream, RetrieveRequest request) {
        this.upstream = upstream;
        this.request = request;
    }

    @Override
    public int status() {
        return upstream.status();
    }

    @Override
    public String contentType() {
        return upstream.contentType();
    }

    @Override
    public Map<String, String> headers() {
        return Map.of(); // the PACS's Content-Location names the PACS
    }

    @Override
    public void writeTo(OutputStream out) throws IOException {
        JsonParser parser = JSON.createNonBlockingByteArrayParser();
        ByteArrayFeeder feeder = (ByteArrayFeeder) parser.getNonBlockingInputFeeder();
        try (JsonGenerator generator = JSON.createGenerator(out)) {
            generator.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            Rewriter rewriter = new Rewriter(parser, generator);
            upstream.writeTo(new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    write(new byte[] {(byte) b}, 0, 1);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    feeder.feedInput(b, off, off + len);
                    rewriter.drain();
                }
            });
            feeder.endOfInput();
            rewriter.drain();
        }
    }

    @Override
    public void close() throws IOException {
        upstream.close();
    }

    private enum Kind { ROOT_ARRAY, DATASET, ATTRIBUTE, VALUE_ARRAY, OTHER }

    /** Where the parser is: a data set (with the path prefix of its attributes), an attribute, an array. */
    private static final class Frame {
        final Kind kind;
        final String path;
        String field;
        int items;

        Frame(Kind kind, String path) {
            this.kind = kind;
            this.path = path;
        }
    }

    private final class Rewriter {
        private final JsonParser parser;
        private final JsonGenerator generator;
        private final Deque<Frame> stack = new ArrayDeque<>();
        private boolean bulkDataUriPending;
        private String series;
        private String instance;

        Rewriter(JsonParser parser, JsonGenerator generator) {
            this.parser = parser;
            this.generator = generator;
        }

        void drain() throws IOException {
            for (JsonToken token; (token = parser.nextToken()) != null && token != JsonToken.NOT_AVAILABLE; ) {
                Frame top = stack.peek();
                switch (token) {
                    case START_ARRAY -> {
                        Kind kind = top == null ? Kind.ROOT_ARRAY
                                : top.kind == Kind.ATTRIBUTE && "Value".equals(top.field) ? Kind.VALUE_ARRAY : Kind.OTHER;
                        stack.push(new Frame(kind, top == null ? "" : top.path));
                        generator.writeStartArray();
                    }
                    case START_OBJECT -> {
                        Frame frame;
                        if (top == null || top.kind == Kind.ROOT_ARRAY) {
                            frame = new Frame(Kind.DATASET, "");
                            series = null;
                            instance = null;
                        } else if (top.kind == Kind.VALUE_ARRAY) {
                            frame = new Frame(Kind.DATASET, top.path + "/" + top.items + "/");
                        } else if (top.kind == Kind.DATASET) {
                            frame = new Frame(Kind.ATTRIBUTE, top.path + top.field.toUpperCase(java.util.Locale.ROOT));
                        } else {
                            frame = new Frame(Kind.OTHER, top.path);
                        }
                        if (top != null) {
                            top.items++;
                        }
                        stack.push(frame);
                        generator.writeStartObject();
                    }
                    case END_ARRAY -> {
                        stack.pop();
                        generator.writeEndArray();
                    }
                    case END_OBJECT -> {
                        stack.pop();
                        generator.writeEndObject();
                    }
                    case FIELD_NAME -> {
                        String name = parser.currentName();
                        if (top != null) {
                            top.field = name;
                        }
                        if (top != null && top.kind == Kind.ATTRIBUTE && name.equals("BulkDataURI")) {
                            bulkDataUriPending = true; // written with its new value, or not at all
                        } else {
                            generator.writeFieldName(name);
                        }
                    }
                    case VALUE_STRING -> {
                        String text = parser.getText();
                        if (bulkDataUriPending) {
                            bulkDataUriPending = false;
                            String ours = ours(top.path, text);
                            if (ours != null) {
                                generator.writeFieldName("BulkDataURI");
                                generator.writeString(ours);
                            }
                        } else {
                            if (top != null && top.kind == Kind.VALUE_ARRAY) {
                                if (top.path.equals(SERIES_UID)) {
                                    series = text;
                                } else if (top.path.equals(SOP_INSTANCE_UID)) {
                                    instance = text;
                                }
                            }
                            generator.writeString(text);
                        }
                    }
                    default -> {
                        bulkDataUriPending = false;
                        generator.copyCurrentEvent(parser);
                    }
                }
            }
        }

        /** Our URI for the attribute at {@code path}: the instance named in the PACS URI, else the data set's own UIDs. */
        private String ours(String path, String pacsUri) {
            String seriesUid = series;
            String instanceUid = instance;
            Matcher m = INSTANCE.matcher(pacsUri);
            if (m.find() && m.group(1).equals(request.studyInstanceUid())) {
                seriesUid = m.group(2);
                instanceUid = m.group(3);
            }
            if (!isUid(seriesUid) || !isUid(instanceUid) || !path.matches("[0-9A-F]{8}(/[0-9]+/[0-9A-F]{8})*")) {
                return null;
            }
            return request.bulkDataUri(seriesUid, instanceUid, path);
        }
    }

    private static boolean isUid(String text) {
        return text != null && text.length() <= 64 && text.matches("[0-9]+(\\.[0-9]+)*");
    }
}
