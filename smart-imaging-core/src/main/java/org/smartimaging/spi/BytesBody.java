package org.smartimaging.spi;

import java.io.IOException;
import java.io.OutputStream;

/** A small body already in memory (FHIR JSON, an error, a rendered image). */
record BytesBody(String contentType, byte[] bytes) implements ResponseBody {

    @Override
    public long contentLength() {
        return bytes.length;
    }

    @Override
    public void writeTo(OutputStream out) throws IOException {
        out.write(bytes);
    }
}
