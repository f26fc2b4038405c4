package org.smartimaging.spi;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Optional;

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

    @Override
    public Optional<BodyChunks> chunks() {
        return Optional.of(new BodyChunks() {
            private boolean sent;

            @Override
            public Chunk poll(Runnable whenReady) {
                if (sent) {
                    return Chunk.END;
                }
                sent = true;
                return Chunk.of(bytes);
            }
        });
    }
}
