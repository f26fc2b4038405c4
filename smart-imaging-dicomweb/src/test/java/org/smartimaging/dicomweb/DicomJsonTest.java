package org.smartimaging.dicomweb;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The DICOM JSON fields the search reads, as different PACS write them. */
class DicomJsonTest {

    @Test
    void readsStringsPersonNamesAndIntegersAsNumbersOrText() throws Exception {
        JsonNode dataset = Sources.JSON.readTree("""
                {"0020000D": {"vr": "UI", "Value": ["1.2.3"]},
                 "00100010": {"vr": "PN", "Value": [{"Alphabetic": "Doe^Jane"}]},
                 "00200011": {"vr": "IS", "Value": [4]},
                 "00200013": {"vr": "IS", "Value": [" 12 "]},
                 "00081030": {"vr": "LO"},
                 "0008103e": {"vr": "LO", "Value": ["lower-case tag"]}}""");

        assertThat(DicomJson.string(dataset, DicomJson.STUDY_INSTANCE_UID)).isEqualTo("1.2.3");
        assertThat(DicomJson.string(dataset, DicomJson.PATIENT_NAME)).isEqualTo("Doe^Jane");
        assertThat(DicomJson.integer(dataset, DicomJson.SERIES_NUMBER)).isEqualTo(4);
        assertThat(DicomJson.integer(dataset, DicomJson.INSTANCE_NUMBER)).isEqualTo(12);
        assertThat(DicomJson.string(dataset, DicomJson.STUDY_DESCRIPTION)).isNull();
        assertThat(DicomJson.string(dataset, DicomJson.SERIES_DESCRIPTION)).isEqualTo("lower-case tag");
        assertThat(DicomJson.string(dataset, DicomJson.ACCESSION_NUMBER)).isNull();
    }

    @Test
    void readsStudyDateAndTimeWithOptionalOffset() throws Exception {
        assertThat(start("\"20240131\"", "\"101530.25\"", null)).isEqualTo(Instant.parse("2024-01-31T10:15:30.250Z"));
        assertThat(start("\"20240131\"", "\"1015\"", "\"+0100\"")).isEqualTo(Instant.parse("2024-01-31T09:15:00Z"));
        assertThat(start("\"20240131\"", null, null)).isEqualTo(Instant.parse("2024-01-31T00:00:00Z"));
        assertThat(start("\"2024.01.31\"", "\"10:15:30\"", null)).isEqualTo(Instant.parse("2024-01-31T10:15:30Z"));
        assertThat(start("\"garbage\"", "\"10\"", null)).isNull();
        assertThat(start(null, "\"10\"", null)).isNull();
    }

    private static Instant start(String date, String time, String offset) throws Exception {
        StringBuilder json = new StringBuilder("{");
        if (date != null) {
            json.append("\"00080020\": {\"vr\": \"DA\", \"Value\": [").append(date).append("]},");
        }
        if (time != null) {
            json.append("\"00080030\": {\"vr\": \"TM\", \"Value\": [").append(time).append("]},");
        }
        if (offset != null) {
            json.append("\"00080201\": {\"vr\": \"SH\", \"Value\": [").append(offset).append("]},");
        }
        json.append("\"x\": 0}");
        return DicomJson.dateTime(Sources.JSON.readTree(json.toString()), DicomJson.STUDY_DATE, DicomJson.STUDY_TIME);
    }
}
