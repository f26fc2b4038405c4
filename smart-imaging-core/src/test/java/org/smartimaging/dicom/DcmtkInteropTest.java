package org.smartimaging.dicom;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.smartimaging.testing.Dcmtk;
import org.smartimaging.testing.DicomFixtures;

/**
 * The codec against dcmtk as the reference peer: dcmtk reads what we write, we read what dcmtk
 * writes, and our DICOM JSON agrees with dcm2json attribute by attribute.
 *
 * <p>Deliberate difference from dcm2json: without a bulk data URI we leave pixel data out, where
 * dcm2json inlines it as base64; the comparison checks dcm2json's inline pixel data against the
 * bytes we read instead.
 */
class DcmtkInteropTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {Uids.ExplicitVRLittleEndian, Uids.ImplicitVRLittleEndian, Uids.ExplicitVRBigEndian,
            Uids.DeflatedExplicitVRLittleEndian})
    void dcmdumpReadsOurFiles(String tsuid) throws IOException {
        Path file = dir.resolve("ours.dcm");
        DicomFileWriter.write(file, DicomFixtures.ctImage(), tsuid);

        String dump = Dcmtk.dump(file);

        assertThat(dump)
                .contains("(0002,0010) UI =")
                .contains("(0002,0012) UI [" + Uids.ImplementationClassUID + "]")
                .contains("(0002,0013) SH [SMARTIMG_010]")
                .contains("(0010,0010) PN [Doe^Jane=山田^花子]")
                .contains("(0008,1030) LO [Tête thorax]")
                .contains("(0008,1150) UI =CTImageStorage")
                .contains("(0020,9165) AT (0010,0010)\\(0020,000d)")
                .contains("(7fe0,0010) OW 0000\\0110\\0220");
    }

    @ParameterizedTest
    @CsvSource({"+te," + Uids.ExplicitVRLittleEndian, "+tb," + Uids.ExplicitVRBigEndian,
            "+ti," + Uids.ImplicitVRLittleEndian})
    void readsFilesWrittenByDcmtk(String option, String tsuid) throws IOException {
        Path file = DicomFixtures.ctImageByDcmtk(dir.resolve("dcmtk.dcm"), option);

        DicomFile read = DicomFiles.read(file);

        assertThat(read.transferSyntaxUid()).isEqualTo(tsuid);
        assertDcmtkFixtureValues(read.dataset(), tsuid);
    }

    @Test
    void readsDeflatedFilesWrittenByDcmtk() throws IOException {
        Path explicit = DicomFixtures.ctImageByDcmtk(dir.resolve("dcmtk.dcm"), "+te");
        Path deflated = Dcmtk.dcmconv(explicit, dir.resolve("deflated.dcm"), "+td");

        DicomFile read = DicomFiles.read(deflated);

        assertThat(read.transferSyntaxUid()).isEqualTo(Uids.DeflatedExplicitVRLittleEndian);
        assertDcmtkFixtureValues(read.dataset(), Uids.ExplicitVRLittleEndian);
    }

    @Test
    void readsAttributesOfADcmtkFileWithoutPixelData() throws IOException {
        Path file = DicomFixtures.ctImageByDcmtk(dir.resolve("dcmtk.dcm"), "+te");

        DicomFile read = DicomFiles.readAttributes(file);

        assertThat(read.dataset().getString(Tag.PatientID)).isEqualTo("MRN-1001");
        assertThat(read.dataset().contains(Tag.PixelData)).isTrue();
        assertThat(read.dataset().bytes(Tag.PixelData)).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"+te", "+tb", "+ti", "+td"})
    void jsonAgreesWithDcm2jsonForDcmtkFiles(String option) throws IOException {
        Path file = DicomFixtures.ctImageByDcmtk(dir.resolve("dcmtk.dcm"), option.equals("+td") ? "+te" : option);
        if (option.equals("+td")) {
            file = Dcmtk.dcmconv(file, dir.resolve("deflated.dcm"), "+td");
        }
        assertJsonAgrees(file);
    }

    @ParameterizedTest
    @ValueSource(strings = {Uids.ExplicitVRLittleEndian, Uids.ImplicitVRLittleEndian, Uids.ExplicitVRBigEndian})
    void jsonAgreesWithDcm2jsonForOurFiles(String tsuid) throws IOException {
        Path file = dir.resolve("ours.dcm");
        DicomFileWriter.write(file, DicomFixtures.ctImage(), tsuid);
        assertJsonAgrees(file);
    }

    @Test
    void writesBulkDataUrisWhenGiven() throws IOException {
        Attributes ds = DicomFixtures.ctImage();
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        DicomJson.writeArray(List.of(ds, ds), out, (root, path) -> path.equals("7FE00010")
                ? "https://pacs/studies/" + root.getString(Tag.StudyInstanceUID) + "/bulk" : null);

        JsonNode array = JSON.readTree(out.toByteArray());
        assertThat(array.size()).isEqualTo(2);
        assertThat(array.get(1).get("7FE00010").get("BulkDataURI").asText())
                .isEqualTo("https://pacs/studies/" + DicomFixtures.STUDY_UID + "/bulk");
        assertThat(array.get(0).get("00191005").get("InlineBinary").asText()).isEqualTo("AQID");
        assertThat(array.get(0).get("00080090").has("Value")).isFalse();
        assertThat(array.get(0).get("00081110").has("Value")).isFalse();
        assertThat(array.get(0).get("00081032").get("Value").get(1).size()).isZero();
    }

    private static void assertDcmtkFixtureValues(Attributes ds, String tsuid) {
        assertThat(ds.getStrings(Tag.ImageType)).containsExactly("ORIGINAL", "PRIMARY", "AXIAL");
        assertThat(ds.getString(Tag.SOPClassUID)).isEqualTo(Uids.CTImageStorage);
        assertThat(ds.getString(Tag.SOPInstanceUID)).isEqualTo(DicomFixtures.SOP_UID);
        assertThat(ds.getString(Tag.PatientName)).isEqualTo("Doe^Jane=山田^花子");
        assertThat(ds.getString(Tag.StudyDescription)).isEqualTo("Tête thorax");
        assertThat(ds.getString(Tag.ReferringPhysicianName)).isNull();
        assertThat(ds.getInt(Tag.InstanceNumber)).isEqualTo(7);
        assertThat(ds.getDoubles(Tag.ImagePositionPatient)).containsExactly(-125, -125.5, 100);
        assertThat(ds.getDouble(Tag.SliceThickness)).isEqualTo(2.5);
        assertThat(ds.getInt(Tag.Rows)).isEqualTo(4);
        assertThat(ds.getInt(Tag.BitsStored)).isEqualTo(12);
        assertThat(ds.getDouble(0x00189087)).isEqualTo(1000.5);
        assertThat(ds.getStrings(0x00209165)).containsExactly("00100010", "0020000D");
        assertThat(ds.getString(0x00204000)).isEqualTo("line one\\ with a backslash");
        Sequence codes = ds.getSequence(Tag.ProcedureCodeSequence);
        assertThat(codes.size()).isEqualTo(2);
        assertThat(codes.get(0).getString(Tag.CodeMeaning)).isEqualTo("CT Chest");
        assertThat(codes.get(0).getSequence(Tag.ReferencedSOPSequence).get(0)
                .getString(Tag.ReferencedSOPInstanceUID)).isEqualTo("1.2.3.4");
        assertThat(codes.get(1).isEmpty()).isTrue();
        byte[] pixels = ds.bytes(Tag.PixelData);
        assertThat(pixels).hasSize(32);
        assertThat(pixels[2]).isEqualTo((byte) 0x10);
        assertThat(pixels[3]).isEqualTo((byte) 0x01);
        if (!tsuid.equals(Uids.ImplicitVRLittleEndian)) {
            assertThat(ds.getDoubles(0x00191001)).containsExactly(1.25, -3);
            assertThat(ds.getInts(0x00191004)).containsExactly(-2, 3);
            assertThat(ds.getInt(0x00191002)).isEqualTo(-5);
        }
    }

    private void assertJsonAgrees(Path file) throws IOException {
        JsonNode theirs = JSON.readTree(Dcmtk.dcm2json(file));
        DicomFile read = DicomFiles.read(file);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DicomJson.writeArray(List.of(read.dataset()), out, null);
        JsonNode ours = JSON.readTree(out.toByteArray()).get(0);

        JsonNode theirPixels = ((com.fasterxml.jackson.databind.node.ObjectNode) theirs).remove("7FE00010");
        assertThat(ours.has("7FE00010")).as("pixel data left out without a bulk data URI").isFalse();
        assertThat(Base64.getDecoder().decode(theirPixels.get("InlineBinary").asText()))
                .isEqualTo(read.dataset().bytes(Tag.PixelData));
        List<String> differences = new ArrayList<>();
        compareObjects(theirs, ours, "", differences);
        assertThat(differences).as("differences from dcm2json for " + file.getFileName()).isEmpty();
    }

    private static void compareObjects(JsonNode theirs, JsonNode ours, String path, List<String> differences) {
        List<String> theirKeys = new ArrayList<>();
        theirs.fieldNames().forEachRemaining(theirKeys::add);
        List<String> ourKeys = new ArrayList<>();
        ours.fieldNames().forEachRemaining(ourKeys::add);
        if (!theirKeys.equals(ourKeys)) {
            differences.add(path + ": attributes " + theirKeys + " vs ours " + ourKeys);
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = theirs.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            compareAttribute(entry.getValue(), ours.get(entry.getKey()), path + "/" + entry.getKey(), differences);
        }
    }

    private static void compareAttribute(JsonNode theirs, JsonNode ours, String path, List<String> differences) {
        if (!theirs.get("vr").equals(ours.get("vr"))) {
            differences.add(path + ": vr " + theirs.get("vr") + " vs " + ours.get("vr"));
            return;
        }
        if (theirs.has("InlineBinary") || ours.has("InlineBinary")) {
            if (!String.valueOf(theirs.get("InlineBinary")).equals(String.valueOf(ours.get("InlineBinary")))) {
                differences.add(path + ": InlineBinary " + theirs.get("InlineBinary") + " vs " + ours.get("InlineBinary"));
            }
            return;
        }
        JsonNode a = theirs.get("Value");
        JsonNode b = ours.get("Value");
        if (a == null || b == null) {
            if (a != b) {
                differences.add(path + ": Value " + a + " vs " + b);
            }
            return;
        }
        if (a.size() != b.size()) {
            differences.add(path + ": " + a.size() + " values vs " + b.size());
            return;
        }
        for (int i = 0; i < a.size(); i++) {
            JsonNode x = a.get(i);
            JsonNode y = b.get(i);
            if (x.isObject() && theirs.get("vr").asText().equals("SQ")) {
                compareObjects(x, y, path + "/" + i, differences);
            } else if (x.isNumber() && y.isNumber()) {
                if (new BigDecimal(x.asText()).compareTo(new BigDecimal(y.asText())) != 0) {
                    differences.add(path + "/" + i + ": " + x + " vs " + y);
                }
            } else if (!x.equals(y)) {
                differences.add(path + "/" + i + ": " + x + " vs " + y);
            }
        }
    }
}
