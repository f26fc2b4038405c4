package org.smartimaging.examples;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.util.List;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's own error answers (bad requests, servlets' {@code sendError}) as one line of JSON: no
 * HTML page, no server name or version, no exception text.
 */
final class PlainErrors {

    private PlainErrors() {}

    static String body(int status) {
        String reason = HttpStatus.getMessage(status);
        return "{\"status\":" + status + ",\"error\":\"" + (reason == null ? "Error" : reason.replace("\"", "'")) + "\"}\n";
    }

    static void writeJson(Response response, Callback callback, int status) {
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.write(true, ByteBuffer.wrap(body(status).getBytes(StandardCharsets.UTF_8)), callback);
    }

    static ByteBuffer badMessage(int status, HttpFields.Mutable fields) {
        fields.put(HttpHeader.CONTENT_TYPE, "application/json");
        return ByteBuffer.wrap(body(status).getBytes(StandardCharsets.UTF_8));
    }

    /** For the server: errors no context handled (bad request lines, unknown hosts). */
    static final class ForServer extends org.eclipse.jetty.server.handler.ErrorHandler {
        @Override
        protected boolean generateAcceptableResponse(Request request, Response response, Callback callback, String contentType,
                List<Charset> charsets, int code, String message, Throwable cause) {
            writeJson(response, callback, code);
            return true;
        }

        @Override
        public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
            return badMessage(status, fields);
        }
    }

    /** For the servlet context: {@code sendError} from the EHR's and the viewer's servlets. */
    static final class ForContext extends org.eclipse.jetty.ee10.servlet.ErrorHandler {
        @Override
        protected boolean generateAcceptableResponse(Request request, Response response, Callback callback, String contentType,
                List<Charset> charsets, int code, String message, Throwable cause) {
            writeJson(response, callback, code);
            return true;
        }

        @Override
        public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
            return badMessage(status, fields);
        }
    }
}
