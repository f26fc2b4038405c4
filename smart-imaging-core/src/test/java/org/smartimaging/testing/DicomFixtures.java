package org.smartimaging.testing;

import java.nio.file.Path;
import org.smartimaging.dicom.Attributes;
import org.smartimaging.dicom.Sequence;
import org.smartimaging.dicom.Tag;
import org.smartimaging.dicom.Uids;
import org.smartimaging.dicom.VR;

/**
 * Small DICOM data sets for tests, built in memory or by dcmtk. They cover every VR family the
 * codec treats differently: text with several values and non-ASCII characters, person names,
 * decimal and integer strings, binary numbers, AT, nested and empty sequences, and pixel data.
 */
public final class DicomFixtures {

    public static final String STUDY_UID = "1.2.826.0.1.3680043.10.999.1";
    public static final String SERIES_UID = "1.2.826.0.1.3680043.10.999.1.1";
    public static final String SOP_UID = "1.2.826.0.1.3680043.10.999.1.1.1";

    private DicomFixtures() {
    }

    /** A 4x4 16-bit CT image with a patient, a study, nested sequences and most VRs. */
    public static Attributes ctImage() {
        Attributes a = new Attributes();
        a.setString(Tag.SpecificCharacterSet, VR.CS, "ISO_IR 192");
        a.setString(Tag.ImageType, VR.CS, "ORIGINAL", "PRIMARY", "AXIAL");
        a.setString(Tag.SOPClassUID, VR.UI, Uids.CTImageStorage);
        a.setString(Tag.SOPInstanceUID, VR.UI, SOP_UID);
        a.setString(Tag.StudyDate, VR.DA, "20240131");
        a.setString(Tag.StudyTime, VR.TM, "101500");
        a.setString(Tag.AccessionNumber, VR.SH, "ACC-1");
        a.setString(Tag.Modality, VR.CS, "CT");
        a.setString(Tag.ReferringPhysicianName, VR.PN, "");
        a.setString(Tag.StudyDescription, VR.LO, "Tête thorax");
        Sequence codes = a.newSequence(Tag.ProcedureCodeSequence);
        Attributes code = codes.addItem();
        code.setString(Tag.CodeValue, VR.SH, "RPID16");
        code.setString(Tag.CodingSchemeDesignator, VR.SH, "RADLEX");
        code.setString(Tag.CodeMeaning, VR.LO, "CT Chest");
        Attributes nested = code.newSequence(Tag.ReferencedSOPSequence).addItem();
        nested.setString(Tag.ReferencedSOPClassUID, VR.UI, Uids.CTImageStorage);
        nested.setString(Tag.ReferencedSOPInstanceUID, VR.UI, "1.2.3.4");
        codes.addItem(); // an empty item
        a.newSequence(Tag.ReferencedStudySequence); // an empty sequence
        a.setString(Tag.PatientName, VR.PN, "Doe^Jane=山田^花子");
        a.setString(Tag.PatientID, VR.LO, "MRN-1001");
        a.setString(Tag.PatientBirthDate, VR.DA, "19700101");
        a.setString(Tag.PatientSex, VR.CS, "F");
        a.setString(Tag.PatientAge, VR.AS);
        a.setDouble(Tag.SliceThickness, VR.DS, 2.5);
        a.setDouble(0x00189087, VR.FD, 1000.5);
        a.setString(Tag.StudyInstanceUID, VR.UI, STUDY_UID);
        a.setString(Tag.SeriesInstanceUID, VR.UI, SERIES_UID);
        a.setInt(Tag.SeriesNumber, VR.IS, 2);
        a.setInt(Tag.InstanceNumber, VR.IS, 7);
        a.setDouble(Tag.ImagePositionPatient, VR.DS, -125, -125.5, 100);
        a.setInt(0x00209165, VR.AT, Tag.PatientName, Tag.StudyInstanceUID);
        a.setString(0x00204000, VR.LT, "line one\\ with a backslash");
        a.setString(0x00190010, VR.LO, "SMART PRIVATE");
        a.setDouble(0x00191001, VR.FL, 1.25, -3);
        a.setInt(0x00191002, VR.SL, -5);
        a.setInt(0x00191003, VR.UL, 0xFFFFFFF0);
        a.setInt(0x00191004, VR.SS, -2, 3);
        a.setBytes(0x00191005, VR.OB, new byte[] {1, 2, 3});
        a.setBytes(0x00191006, VR.UN, new byte[] {9, 8, 7, 6});
        a.setInt(Tag.SamplesPerPixel, VR.US, 1);
        a.setString(Tag.PhotometricInterpretation, VR.CS, "MONOCHROME2");
        a.setInt(Tag.Rows, VR.US, 4);
        a.setInt(Tag.Columns, VR.US, 4);
        a.setDouble(Tag.PixelSpacing, VR.DS, 0.5, 0.5);
        a.setInt(Tag.BitsAllocated, VR.US, 16);
        a.setInt(Tag.BitsStored, VR.US, 12);
        a.setInt(Tag.HighBit, VR.US, 11);
        a.setInt(Tag.PixelRepresentation, VR.US, 0);
        a.setDouble(Tag.WindowCenter, VR.DS, 40);
        a.setDouble(Tag.WindowWidth, VR.DS, 400);
        a.setDouble(Tag.RescaleIntercept, VR.DS, -1024);
        a.setDouble(Tag.RescaleSlope, VR.DS, 1);
        byte[] pixels = new byte[4 * 4 * 2];
        for (int i = 0; i < 16; i++) {
            pixels[2 * i] = (byte) (i * 16);
            pixels[2 * i + 1] = (byte) (i % 4);
        }
        a.setBytes(Tag.PixelData, VR.OW, pixels);
        return a;
    }

    /** A dcmdump-format text of a CT image with the same kinds of elements, for {@link Dcmtk#dump2dcm}. */
    public static String ctImageDump() {
        return """
                (0008,0005) CS [ISO_IR 192]
                (0008,0008) CS [ORIGINAL\\PRIMARY\\AXIAL]
                (0008,0016) UI =CTImageStorage
                (0008,0018) UI [%s]
                (0008,0020) DA [20240131]
                (0008,0060) CS [CT]
                (0008,0090) PN []
                (0008,1030) LO [Tête thorax]
                (0008,1032) SQ (Sequence with undefined length)
                (fffe,e000) na (Item with undefined length)
                (0008,0100) SH [RPID16]
                (0008,0104) LO [CT Chest]
                (0008,1199) SQ (Sequence with undefined length)
                (fffe,e000) na (Item with undefined length)
                (0008,1150) UI =CTImageStorage
                (0008,1155) UI [1.2.3.4]
                (fffe,e00d) na (ItemDelimitationItem)
                (fffe,e0dd) na (SequenceDelimitationItem)
                (fffe,e00d) na (ItemDelimitationItem)
                (fffe,e000) na (Item with undefined length)
                (fffe,e00d) na (ItemDelimitationItem)
                (fffe,e0dd) na (SequenceDelimitationItem)
                (0008,1110) SQ (Sequence with undefined length)
                (fffe,e0dd) na (SequenceDelimitationItem)
                (0010,0010) PN [Doe^Jane=山田^花子]
                (0010,0020) LO [MRN-1001]
                (0010,1010) AS []
                (0018,0050) DS [2.50]
                (0018,9087) FD 1000.5
                (0019,0010) LO [SMART PRIVATE]
                (0019,1001) FL 1.25\\-3
                (0019,1002) SL -5
                (0019,1003) OB 01\\02\\03
                (0019,1004) SS -2\\3
                (0020,000d) UI [%s]
                (0020,000e) UI [%s]
                (0020,0013) IS [+7]
                (0020,0032) DS [-125.0\\-125.5\\ 1e2]
                (0020,4000) LT [line one\\ with a backslash]
                (0020,9165) AT (0010,0010)\\(0020,000d)
                (0028,0002) US 1
                (0028,0004) CS [MONOCHROME2]
                (0028,0010) US 4
                (0028,0011) US 4
                (0028,0100) US 16
                (0028,0101) US 12
                (0028,0102) US 11
                (0028,0103) US 0
                (0028,1052) DS [-1024]
                (7fe0,0010) OW 0000\\0110\\0220\\0330\\0040\\0150\\0260\\0370\\0080\\0190\\02a0\\03b0\\00c0\\01d0\\02e0\\03f0
                """.formatted(SOP_UID, STUDY_UID, SERIES_UID);
    }

    /** Writes {@link #ctImageDump()} with dump2dcm in the transfer syntax chosen by {@code option}. */
    public static Path ctImageByDcmtk(Path file, String option) {
        return Dcmtk.dump2dcm(ctImageDump(), file, option);
    }
}
