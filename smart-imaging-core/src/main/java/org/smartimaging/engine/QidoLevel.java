package org.smartimaging.engine;

/** The three QIDO-RS query levels, each answering the attributes of its level (PS3.18 10.6). */
enum QidoLevel {
    STUDY,
    SERIES,
    INSTANCE
}
