package org.smartimaging.dicom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.smartimaging.testing.DicomFixtures;

class RoundTripTest {

    @ParameterizedTest
    @ValueSource(strings = {Uids.ExplicitVRLittleEndian, Uids.ImplicitVRLittleEndian, Uids.ExplicitVRBigEndian,
            Uids.DeflatedExplicitVRLittleEndian})
    void readsBackWhatItWritesInEachTransferSyntax(String tsuid) throws IOException {
        Attributes written = DicomFixtures.ctImage();

        DicomFile read = DicomFiles.read(new ByteArrayInputStream(part10(written, tsuid)), ReadOptions.defaults());

        assertThat(read.transferSyntaxUid()).isEqualTo(tsuid);
        assertThat(read.fileMetaInformation().getString(Tag.MediaStorageSOPInstanceUID))
                .isEqualTo(DicomFixtures.SOP_UID);
        assertThat(read.fileMetaInformation().getString(Tag.ImplementationClassUID))
                .isEqualTo(Uids.ImplementationClassUID);
        Attributes ds = read.dataset();
        assertThat(ds.getString(Tag.PatientName)).isEqualTo("Doe^Jane=山田^花子");
        assertThat(ds.getString(Tag.StudyDescription)).isEqualTo("Tête thorax");
        assertThat(ds.getInt(Tag.Columns)).isEqualTo(4);
        if (tsuid.equals(Uids.ImplicitVRLittleEndian)) {
            // implicit VR: private elements come back as UN bytes, as in any implicit VR reader
            assertThat(ds.vr(0x00191004)).isEqualTo(VR.UN);
            assertThat(ds.bytes(0x00191004)).isEqualTo(written.bytes(0x00191004));
        } else {
            assertThat(ds.getInts(0x00191004)).containsExactly(-2, 3);
            assertThat(ds.getDoubles(0x00191001)).containsExactly(1.25, -3);
        }
        assertThat(ds.getStrings(0x00209165)).containsExactly("00100010", "0020000D");
        Sequence codes = ds.getSequence(Tag.ProcedureCodeSequence);
        assertThat(codes.size()).isEqualTo(2);
        assertThat(codes.get(0).getSequence(Tag.ReferencedSOPSequence).get(0).getString(Tag.ReferencedSOPInstanceUID))
                .isEqualTo("1.2.3.4");
        assertThat(codes.get(1).isEmpty()).isTrue();
        assertThat(ds.getSequence(Tag.ReferencedStudySequence).isEmpty()).isTrue();
        assertThat(ds.bytes(Tag.PixelData)).isEqualTo(written.bytes(Tag.PixelData));
        if (!tsuid.equals(Uids.ImplicitVRLittleEndian)) {
            assertThat(ds).isEqualTo(padded(written));
        }
    }

    @Test
    void readsABareDataSetAsDimseCarriesIt() throws IOException {
        for (String tsuid : List.of(Uids.ImplicitVRLittleEndian, Uids.ExplicitVRLittleEndian,
                Uids.ExplicitVRBigEndian, Uids.DeflatedExplicitVRLittleEndian)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            DicomFileWriter.writeDataset(DicomFixtures.ctImage(), out, tsuid);

            Attributes read = DicomFiles.readDataset(new ByteArrayInputStream(out.toByteArray()), tsuid,
                    ReadOptions.defaults());

            assertThat(read.getString(Tag.SOPInstanceUID)).as(tsuid).isEqualTo(DicomFixtures.SOP_UID);
            assertThat(read.getSequence(Tag.ProcedureCodeSequence).size()).as(tsuid).isEqualTo(2);
        }
    }

    @Test
    void stopsBeforePixelDataAndLeavesTheStreamAtItsValue() throws IOException {
        Attributes written = DicomFixtures.ctImage();
        InputStream in = new ByteArrayInputStream(part10(written, Uids.ExplicitVRLittleEndian));

        DicomFile read = DicomFiles.read(in, ReadOptions.attributesOnly());

        assertThat(read.dataset().contains(Tag.PixelData)).isTrue();
        assertThat(read.dataset().bytes(Tag.PixelData)).isNull();
        assertThat(read.dataset().getInt(Tag.Rows)).isEqualTo(4);
        assertThat(in.readAllBytes()).isEqualTo(written.bytes(Tag.PixelData));
    }

    @Test
    void readsAndWritesEncapsulatedPixelData() throws IOException {
        Attributes a = DicomFixtures.ctImage();
        a.setFragments(Tag.PixelData, VR.OB, List.of(new byte[0], new byte[] {1, 2, 3}, new byte[] {4, 5}));

        DicomFile read = DicomFiles.read(new ByteArrayInputStream(part10(a, Uids.JPEGBaseline8Bit)),
                ReadOptions.defaults());

        List<byte[]> fragments = read.dataset().fragments(Tag.PixelData);
        assertThat(fragments).hasSize(3);
        assertThat(fragments.get(0)).isEmpty();
        assertThat(fragments.get(1)).containsExactly(1, 2, 3, 0);
        assertThat(fragments.get(2)).containsExactly(4, 5);
    }

    @Test
    void readsUnOfUndefinedLengthAsAnImplicitLittleEndianSequence() throws IOException {
        // an SQ unknown to the writer's peer, sent as UN with undefined length (PS3.5 6.2.2)
        Attributes inner = new Attributes();
        inner.setString(Tag.CodeValue, VR.SH, "X1");
        ByteArrayOutputStream item = new ByteArrayOutputStream();
        DicomFileWriter.writeDataset(inner, item, Uids.ImplicitVRLittleEndian);
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        data.write(new byte[] {0x09, 0x00, 0x10, 0x10, 'U', 'N', 0, 0, -1, -1, -1, -1});
        data.write(new byte[] {-2, -1, 0, -32, -1, -1, -1, -1});
        data.write(item.toByteArray());
        data.write(new byte[] {-2, -1, 13, -32, 0, 0, 0, 0, -2, -1, -35, -32, 0, 0, 0, 0});

        Attributes read = DicomFiles.readDataset(new ByteArrayInputStream(data.toByteArray()),
                Uids.ExplicitVRLittleEndian, ReadOptions.defaults());

        assertThat(read.getSequence(0x00091010).get(0).getString(Tag.CodeValue)).isEqualTo("X1");
    }

    @Test
    void refusesInputThatIsNotPart10() {
        assertThatThrownBy(() -> DicomFiles.read(new ByteArrayInputStream(new byte[200]), ReadOptions.defaults()))
                .isInstanceOf(DicomParseException.class)
                .hasMessageContaining("DICM");
    }

    @Test
    void failsFastOnADeclaredLengthLargerThanTheInput() throws IOException {
        byte[] data = {0x10, 0x00, 0x10, 0x00, 'O', 'B', 0, 0, -2, -1, -1, 0x7F, 1, 2, 3};
        assertThatThrownBy(() -> DicomFiles.readDataset(new ByteArrayInputStream(data), Uids.ExplicitVRLittleEndian,
                ReadOptions.defaults().withMaxValueLength(Integer.MAX_VALUE).withMaxTotalLength(Long.MAX_VALUE)))
                .isInstanceOf(DicomParseException.class)
                .hasMessageContaining("unexpected end of data")
                .hasMessageContaining("(0010,0010)");
        assertThatThrownBy(() -> DicomFiles.readDataset(new ByteArrayInputStream(data), Uids.ExplicitVRLittleEndian,
                ReadOptions.defaults()))
                .isInstanceOf(DicomParseException.class)
                .hasMessageContaining("exceeds the limit");
    }

    @Test
    void refusesSequencesNestedBeyondTheLimit() throws IOException {
        Attributes root = new Attributes();
        Attributes a = root;
        for (int i = 0; i < 40; i++) {
            a = a.newSequence(Tag.ReferencedSOPSequence).addItem();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DicomFileWriter.writeDataset(root, out, Uids.ExplicitVRLittleEndian);

        assertThatThrownBy(() -> DicomFiles.readDataset(new ByteArrayInputStream(out.toByteArray()),
                Uids.ExplicitVRLittleEndian, ReadOptions.defaults()))
                .isInstanceOf(DicomParseException.class)
                .hasMessageContaining("nested deeper than 32");
    }

    @Test
    void refusesMoreElementsThanTheLimit() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DicomFileWriter.writeDataset(DicomFixtures.ctImage(), out, Uids.ExplicitVRLittleEndian);

        assertThatThrownBy(() -> DicomFiles.readDataset(new ByteArrayInputStream(out.toByteArray()),
                Uids.ExplicitVRLittleEndian, ReadOptions.defaults().withMaxElements(10)))
                .isInstanceOf(DicomParseException.class)
                .hasMessageContaining("more than 10 elements");
    }

    static byte[] part10(Attributes dataset, String tsuid) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DicomFileWriter.write(out, dataset, tsuid);
        return out.toByteArray();
    }

    /** The data set as a reader sees it: values of odd length padded as the writer pads them. */
    static Attributes padded(Attributes a) {
        Attributes out = new Attributes();
        for (Element e : a.elements()) {
            if (e.value() instanceof byte[] b && (b.length & 1) == 1) {
                byte[] p = java.util.Arrays.copyOf(b, b.length + 1);
                p[b.length] = e.vr().paddingByte();
                out.put(e.tag(), e.vr(), p);
            } else if (e.value() instanceof Sequence s) {
                Sequence copy = out.newSequence(e.tag());
                for (Attributes item : s) {
                    copy.addItem().addAll(padded(item));
                }
            } else {
                out.put(e.tag(), e.vr(), e.value());
            }
        }
        return out;
    }
}
