package org.smartimaging.dicom;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.smartimaging.testing.DicomFixtures;

class AttributesTest {

    @Test
    void readsTextValuesWithoutPadding() {
        Attributes a = new Attributes();
        a.setBytes(Tag.Modality, VR.CS, "CT ".getBytes());
        a.setBytes(Tag.StudyInstanceUID, VR.UI, "1.2.3\0".getBytes());
        a.setBytes(Tag.ImageType, VR.CS, " ORIGINAL \\PRIMARY".getBytes());

        assertThat(a.getString(Tag.Modality)).isEqualTo("CT");
        assertThat(a.getString(Tag.StudyInstanceUID)).isEqualTo("1.2.3");
        assertThat(a.getStrings(Tag.ImageType)).containsExactly("ORIGINAL", "PRIMARY");
    }

    @Test
    void answersNullForAbsentOrEmptyOrMalformedValues() {
        Attributes a = new Attributes();
        a.setString(Tag.PatientAge, VR.AS);
        a.setString(Tag.InstanceNumber, VR.IS, "seven");
        a.setBytes(Tag.Rows, VR.US, new byte[] {1});

        assertThat(a.getString(Tag.PatientName)).isNull();
        assertThat(a.getString(Tag.PatientAge)).isNull();
        assertThat(a.getStrings(Tag.PatientName)).isEmpty();
        assertThat(a.getInt(Tag.InstanceNumber)).isNull();
        assertThat(a.getInt(Tag.Rows)).isNull();
        assertThat(a.getInt(Tag.PatientName)).isNull();
        assertThat(a.getSequence(Tag.PatientName)).isNull();
    }

    @Test
    void parsesIntegersOfEveryIntegerVr() {
        Attributes a = DicomFixtures.ctImage();

        assertThat(a.getInt(Tag.Rows)).isEqualTo(4);
        assertThat(a.getInt(Tag.InstanceNumber)).isEqualTo(7);
        assertThat(a.getInt(0x00191002)).isEqualTo(-5);
        assertThat(a.getInts(0x00191004)).containsExactly(-2, 3);
        assertThat(a.getInt(0x00191003)).as("UL above Integer.MAX_VALUE").isNull();
        assertThat(a.getString(0x00191003)).isEqualTo("4294967280");
        assertThat(a.getDoubles(Tag.ImagePositionPatient)).containsExactly(-125, -125.5, 100);
        assertThat(a.getStrings(0x00209165)).containsExactly("00100010", "0020000D");
    }

    @Test
    void keepsElementsInTagOrderWithPrivateAndHighGroupsLast() {
        Attributes a = new Attributes();
        a.setBytes(Tag.PixelData, VR.OW, new byte[2]);
        a.setString(Tag.PatientID, VR.LO, "X");
        a.setString(0xFFFA0010, VR.LO, "Y");

        assertThat(a.tags()).containsExactly(Tag.PatientID, Tag.PixelData, 0xFFFA0010);
    }

    @Test
    void decodesTextInTheSpecificCharacterSetOfTheEnclosingDataSet() {
        Attributes a = new Attributes();
        a.setString(Tag.SpecificCharacterSet, VR.CS, "ISO_IR 192");
        Attributes item = a.newSequence(Tag.ProcedureCodeSequence).addItem();
        item.setString(Tag.CodeMeaning, VR.LO, "Schädel");

        assertThat(item.bytes(Tag.CodeMeaning)).hasSize(8);
        assertThat(a.getSequence(Tag.ProcedureCodeSequence).get(0).getString(Tag.CodeMeaning)).isEqualTo("Schädel");
    }

    @Test
    void formatsDecimalStringsInSixteenCharacters() {
        assertThat(Attributes.formatDS(0.1 + 0.2)).hasSizeLessThanOrEqualTo(16);
        assertThat(Double.parseDouble(Attributes.formatDS(0.1 + 0.2))).isCloseTo(0.3, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(Attributes.formatDS(-1024)).isEqualTo("-1024");
        assertThat(Attributes.formatDS(1.0e-20)).hasSizeLessThanOrEqualTo(16);
    }

    @Test
    void printsTagsButNoValues() {
        assertThat(DicomFixtures.ctImage().toString()).contains("(0010,0010) PN").doesNotContain("Doe");
    }

    @Test
    void validatesUids() {
        assertThat(Uids.isValid("1.2.840.10008.1.2")).isTrue();
        assertThat(Uids.isValid("0.1.0")).isTrue();
        assertThat(Uids.isValid(Uids.ImplementationClassUID)).isTrue();
        assertThat(Uids.isValid(Uids.random())).isTrue();
        assertThat(Uids.isValid("1.02.3")).isFalse();
        assertThat(Uids.isValid("1..2")).isFalse();
        assertThat(Uids.isValid("1.2.")).isFalse();
        assertThat(Uids.isValid("1.2.3a")).isFalse();
        assertThat(Uids.isValid("../etc/passwd")).isFalse();
        assertThat(Uids.isValid("1." + "2".repeat(63))).isFalse();
        assertThat(Uids.isValid("")).isFalse();
        assertThat(Uids.isValid(null)).isFalse();
    }

    @Test
    void formatsTags() {
        assertThat(Tag.toString(Tag.PixelData)).isEqualTo("(7FE0,0010)");
        assertThat(Tag.toString(Tag.PatientName)).isEqualTo("(0010,0010)");
        assertThat(ElementDictionary.vrOf(Tag.PatientName)).isEqualTo(VR.PN);
        assertThat(ElementDictionary.vrOf(0x00091001)).isEqualTo(VR.UN);
        assertThat(ElementDictionary.vrOf(0x00090010)).isEqualTo(VR.LO);
    }
}
