package org.smartimaging.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.smartimaging.dicom.Attributes;
import org.smartimaging.dicom.DicomFileWriter;
import org.smartimaging.dicom.Tag;
import org.smartimaging.dicom.Uids;
import org.smartimaging.dicom.VR;

/**
 * Writes small, valid DICOM studies for tests: one patient, one study, a few series of small
 * 16-bit images whose pixels differ per instance. UIDs are unique per run.
 */
public final class TestStudies {

    private static final AtomicLong COUNTER = new AtomicLong();
    private static final String ROOT = "2.25." + (System.nanoTime() & 0xffffffffL);

    /** A study that was written: its UIDs and files, in series and instance order. */
    public record Study(String mrn, String studyInstanceUid, List<String> seriesInstanceUids, List<String> sopInstanceUids,
            List<Path> files) {}

    private TestStudies() {}

    public static String newUid() {
        return ROOT + "." + COUNTER.incrementAndGet();
    }

    /** Writes {@code series} x {@code instances} images of {@code rows} x {@code rows} pixels under {@code root/mrn/...}. */
    public static Study write(Path root, String mrn, String modality, int series, int instances, int rows) {
        return write(root, mrn, modality, series, instances, rows, "20240131");
    }

    /** As {@link #write(Path, String, String, int, int, int)}, on the given StudyDate ({@code YYYYMMDD}). */
    public static Study write(Path root, String mrn, String modality, int series, int instances, int rows, String studyDate) {
        String study = newUid();
        List<String> seriesUids = new ArrayList<>();
        List<String> sops = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        try {
            for (int s = 1; s <= series; s++) {
                String seriesUid = newUid();
                seriesUids.add(seriesUid);
                Path dir = Files.createDirectories(root.resolve(mrn).resolve(study).resolve(seriesUid));
                for (int i = 1; i <= instances; i++) {
                    String sop = newUid();
                    Attributes a = image(mrn, modality, study, seriesUid, s, sop, i, rows);
                    a.setString(Tag.StudyDate, VR.DA, studyDate);
                    Path file = dir.resolve(sop + ".dcm");
                    DicomFileWriter.write(file, a, Uids.ExplicitVRLittleEndian);
                    sops.add(sop);
                    files.add(file);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Study(mrn, study, List.copyOf(seriesUids), List.copyOf(sops), List.copyOf(files));
    }

    /** One MONOCHROME2 16-bit image; the pixel values encode the instance number. */
    public static Attributes image(String mrn, String modality, String study, String series, int seriesNumber, String sop,
            int instanceNumber, int rows) {
        Attributes a = new Attributes();
        a.setString(Tag.SpecificCharacterSet, VR.CS, "ISO_IR 192");
        a.setString(Tag.SOPClassUID, VR.UI, modality.equals("MR") ? Uids.MRImageStorage : Uids.CTImageStorage);
        a.setString(Tag.SOPInstanceUID, VR.UI, sop);
        a.setString(Tag.StudyDate, VR.DA, "20240131");
        a.setString(Tag.StudyTime, VR.TM, "101500");
        a.setString(Tag.AccessionNumber, VR.SH, "ACC" + (COUNTER.get() % 100000));
        a.setString(Tag.Modality, VR.CS, modality);
        a.setString(Tag.StudyDescription, VR.LO, modality + " test study");
        a.setString(Tag.SeriesDescription, VR.LO, "Series " + seriesNumber);
        a.setString(Tag.PatientName, VR.PN, "Test^" + mrn);
        a.setString(Tag.PatientID, VR.LO, mrn);
        a.setString(Tag.PatientBirthDate, VR.DA, "19700101");
        a.setString(Tag.PatientSex, VR.CS, "O");
        a.setString(Tag.StudyInstanceUID, VR.UI, study);
        a.setString(Tag.SeriesInstanceUID, VR.UI, series);
        a.setInt(Tag.SeriesNumber, VR.IS, seriesNumber);
        a.setInt(Tag.InstanceNumber, VR.IS, instanceNumber);
        a.setInt(Tag.SamplesPerPixel, VR.US, 1);
        a.setString(Tag.PhotometricInterpretation, VR.CS, "MONOCHROME2");
        a.setInt(Tag.Rows, VR.US, rows);
        a.setInt(Tag.Columns, VR.US, rows);
        a.setInt(Tag.BitsAllocated, VR.US, 16);
        a.setInt(Tag.BitsStored, VR.US, 12);
        a.setInt(Tag.HighBit, VR.US, 11);
        a.setInt(Tag.PixelRepresentation, VR.US, 0);
        byte[] pixels = new byte[rows * rows * 2];
        for (int p = 0; p < rows * rows; p++) {
            int value = (p * 7 + instanceNumber * 101) & 0x0fff;
            pixels[2 * p] = (byte) value;
            pixels[2 * p + 1] = (byte) (value >> 8);
        }
        a.setBytes(Tag.PixelData, VR.OW, pixels);
        return a;
    }
}
