package org.smartimaging.config;

import java.util.Arrays;

/** {@code images.lookup}: how a search finds the patient's studies on the source. */
public enum Lookup {
    /** Query the source by DICOM PatientID = the patient's MRN. */
    STUDIES_BY_MRN("studies-by-mrn"),
    /** List every study on the source (demo and debugging configurations). */
    ALL_STUDIES_ON_SERVER("all-studies-on-server");

    private final String configValue;

    Lookup(String configValue) {
        this.configValue = configValue;
    }

    public String configValue() {
        return configValue;
    }

    static Lookup parse(String value) {
        return Arrays.stream(values()).filter(l -> l.configValue.equals(value)).findFirst().orElse(null);
    }
}
