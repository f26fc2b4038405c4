package org.smartimaging.dimse.net;

import java.time.Duration;

/**
 * Limits of one association, either side.
 *
 * @param connectTimeout TCP connect, and the ARTIM timer (PS3.8 9.1.4): how long to wait for the
 *     A-ASSOCIATE answer or request and for A-RELEASE-RP
 * @param idleTimeout the longest silence from the peer while a message is expected
 * @param maxPduLength the largest P-DATA-TF PDU we receive (advertised) and send
 */
public record AssociationSettings(Duration connectTimeout, Duration idleTimeout, int maxPduLength) {

    public static final int MIN_PDU_LENGTH = 4096;
    public static final int MAX_PDU_LENGTH = 16 * 1024 * 1024;

    public AssociationSettings {
        if (maxPduLength < MIN_PDU_LENGTH || maxPduLength > MAX_PDU_LENGTH) {
            throw new IllegalArgumentException("maxPduLength must be between " + MIN_PDU_LENGTH + " and " + MAX_PDU_LENGTH);
        }
    }

    public static AssociationSettings defaults() {
        return new AssociationSettings(Duration.ofSeconds(10), Duration.ofSeconds(60), 256 * 1024);
    }
}
