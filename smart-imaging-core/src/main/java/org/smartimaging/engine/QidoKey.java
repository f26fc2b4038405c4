package org.smartimaging.engine;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.smartimaging.dicom.Tag;
import org.smartimaging.dicom.VR;

/**
 * The attributes QIDO-RS answers from study records, by keyword and tag, with how each matches
 * (PS3.4 C.2.2.2): UID lists, single values with {@code *}/{@code ?} wildcards, date and time
 * ranges. Only these can be matched; the records carry nothing else.
 */
enum QidoKey {
    STUDY_INSTANCE_UID("StudyInstanceUID", Tag.StudyInstanceUID, VR.UI, QidoLevel.STUDY, Matching.UID_LIST),
    STUDY_DATE("StudyDate", Tag.StudyDate, VR.DA, QidoLevel.STUDY, Matching.RANGE),
    STUDY_TIME("StudyTime", Tag.StudyTime, VR.TM, QidoLevel.STUDY, Matching.RANGE),
    ACCESSION_NUMBER("AccessionNumber", Tag.AccessionNumber, VR.SH, QidoLevel.STUDY, Matching.WILDCARD),
    PATIENT_NAME("PatientName", Tag.PatientName, VR.PN, QidoLevel.STUDY, Matching.WILDCARD),
    PATIENT_ID("PatientID", Tag.PatientID, VR.LO, QidoLevel.STUDY, Matching.WILDCARD),
    STUDY_DESCRIPTION("StudyDescription", Tag.StudyDescription, VR.LO, QidoLevel.STUDY, Matching.WILDCARD),
    MODALITIES_IN_STUDY("ModalitiesInStudy", Tag.ModalitiesInStudy, VR.CS, QidoLevel.STUDY, Matching.ANY_OF),
    SERIES_INSTANCE_UID("SeriesInstanceUID", Tag.SeriesInstanceUID, VR.UI, QidoLevel.SERIES, Matching.UID_LIST),
    MODALITY("Modality", Tag.Modality, VR.CS, QidoLevel.SERIES, Matching.ANY_OF),
    SERIES_NUMBER("SeriesNumber", Tag.SeriesNumber, VR.IS, QidoLevel.SERIES, Matching.ANY_OF),
    SERIES_DESCRIPTION("SeriesDescription", Tag.SeriesDescription, VR.LO, QidoLevel.SERIES, Matching.WILDCARD),
    SOP_INSTANCE_UID("SOPInstanceUID", Tag.SOPInstanceUID, VR.UI, QidoLevel.INSTANCE, Matching.UID_LIST),
    SOP_CLASS_UID("SOPClassUID", Tag.SOPClassUID, VR.UI, QidoLevel.INSTANCE, Matching.UID_LIST),
    INSTANCE_NUMBER("InstanceNumber", Tag.InstanceNumber, VR.IS, QidoLevel.INSTANCE, Matching.ANY_OF);

    /** How a key's value is compared with a record's. */
    enum Matching {
        /** One or more UIDs, comma-separated; a match equals one of them. */
        UID_LIST,
        /** A single value; {@code *} and {@code ?} are wildcards. */
        WILDCARD,
        /** One or more exact values (comma or backslash separated); a match equals one of them. */
        ANY_OF,
        /** {@code a}, {@code a-b}, {@code -b} or {@code a-} on DA / TM. */
        RANGE
    }

    private static final Map<String, QidoKey> BY_NAME = new HashMap<>();

    static {
        for (QidoKey key : values()) {
            BY_NAME.put(key.keyword, key);
            BY_NAME.put(String.format("%08X", key.tag), key);
        }
    }

    private final String keyword;
    private final int tag;
    private final VR vr;
    private final QidoLevel level;
    private final Matching matching;

    QidoKey(String keyword, int tag, VR vr, QidoLevel level, Matching matching) {
        this.keyword = keyword;
        this.tag = tag;
        this.vr = vr;
        this.level = level;
        this.matching = matching;
    }

    /** A key by keyword (exact case, as PS3.18 spells it) or by tag ({@code 00100020}, any case). */
    static Optional<QidoKey> named(String name) {
        QidoKey byKeyword = BY_NAME.get(name);
        if (byKeyword != null) {
            return Optional.of(byKeyword);
        }
        return name.length() == 8 ? Optional.ofNullable(BY_NAME.get(name.toUpperCase(Locale.ROOT))) : Optional.empty();
    }

    /** Whether a parameter name has the form of an attribute (keyword, tag, or dotted sequence path). */
    static boolean looksLikeAttribute(String name) {
        return name.matches("([0-9A-Fa-f]{8}|[A-Z][A-Za-z0-9]{0,63})(\\.([0-9A-Fa-f]{8}|[A-Z][A-Za-z0-9]{0,63}))*");
    }

    String keyword() {
        return keyword;
    }

    int tag() {
        return tag;
    }

    VR vr() {
        return vr;
    }

    QidoLevel level() {
        return level;
    }

    Matching matching() {
        return matching;
    }
}
