package org.smartimaging.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import org.smartimaging.dicom.Attributes;
import org.smartimaging.dicom.DicomFileWriter;
import org.smartimaging.dicom.Tag;
import org.smartimaging.dicom.Uids;
import org.smartimaging.dicom.VR;

/**
 * The studies the kit asks a source to serve, written as DICOM Part 10 files (explicit VR little
 * endian, 16-bit MONOCHROME2 images of {@link #ROWS} x {@link #ROWS}). Two patients with MRNs unique
 * to the run (so that a shared archive's other data cannot collide): patient A has a CT study with
 * two series of two instances and an MR study with one instance; patient B has one CT instance.
 */
public final class KitData {

    /** Rows and columns of every image; a frame is {@code ROWS * ROWS * 2} bytes. */
    public static final int ROWS = 8;

    /** One generated instance. */
    public record Instance(String sopInstanceUid, String sopClassUid, int number, Path file) {}

    /** One generated series. */
    public record Series(String seriesInstanceUid, String modality, int number, List<Instance> instances) {}

    /** One generated study. */
    public record Study(String studyInstanceUid, String mrn, String studyDate, List<Series> series) {
        public List<Instance> instances() {
            return series.stream().flatMap(s -> s.instances().stream()).toList();
        }
    }

    private final String mrnA;
    private final String mrnB;
    private final List<Study> studies;
    private final List<Path> files;

    private KitData(String mrnA, String mrnB, List<Study> studies) {
        this.mrnA = mrnA;
        this.mrnB = mrnB;
        this.studies = List.copyOf(studies);
        this.files = studies.stream().flatMap(s -> s.instances().stream()).map(Instance::file).toList();
    }

    /** Writes the kit's studies below {@code directory} ({@code {MRN}/{study}/{series}/{sop}.dcm}). */
    public static KitData write(Path directory) {
        String run = Long.toString(new SecureRandom().nextLong() & Long.MAX_VALUE, 36);
        String uidRoot = "2.25." + (new SecureRandom().nextLong() & Long.MAX_VALUE);
        Writer writer = new Writer(directory, uidRoot);
        String mrnA = "KIT-A-" + run;
        String mrnB = "KIT-B-" + run;
        List<Study> studies = List.of(
                writer.study(mrnA, "20240115", "CT", 2, 2),
                writer.study(mrnA, "20230610", "MR", 1, 1),
                writer.study(mrnB, "20220301", "CT", 1, 1));
        return new KitData(mrnA, mrnB, studies);
    }

    /** The MRN (DICOM PatientID) of patient A, who has two studies. */
    public String mrnA() {
        return mrnA;
    }

    /** The MRN of patient B, who has one study. */
    public String mrnB() {
        return mrnB;
    }

    public List<Study> studies() {
        return studies;
    }

    public List<Study> studiesOf(String mrn) {
        return studies.stream().filter(s -> s.mrn().equals(mrn)).toList();
    }

    /** Patient A's CT study: two series of two instances. */
    public Study ctStudyOfA() {
        return studies.get(0);
    }

    /** Every file, in study, series and instance order. */
    public List<Path> files() {
        return files;
    }

    private static final class Writer {
        private final Path directory;
        private final String uidRoot;
        private int counter;

        Writer(Path directory, String uidRoot) {
            this.directory = directory;
            this.uidRoot = uidRoot;
        }

        String uid() {
            return uidRoot + "." + (++counter);
        }

        Study study(String mrn, String date, String modality, int seriesCount, int instancesPerSeries) {
            String studyUid = uid();
            List<Series> series = new ArrayList<>();
            for (int s = 1; s <= seriesCount; s++) {
                String seriesUid = uid();
                List<Instance> instances = new ArrayList<>();
                for (int i = 1; i <= instancesPerSeries; i++) {
                    String sop = uid();
                    String sopClass = modality.equals("MR") ? Uids.MRImageStorage : Uids.CTImageStorage;
                    Path file = directory.resolve(mrn).resolve(studyUid).resolve(seriesUid).resolve(sop + ".dcm");
                    write(file, image(mrn, date, modality, studyUid, seriesUid, s, sop, sopClass, i));
                    instances.add(new Instance(sop, sopClass, i, file));
                }
                series.add(new Series(seriesUid, modality, s, List.copyOf(instances)));
            }
            return new Study(studyUid, mrn, date, List.copyOf(series));
        }

        private static void write(Path file, Attributes attributes) {
            try {
                Files.createDirectories(file.getParent());
                DicomFileWriter.write(file, attributes, Uids.ExplicitVRLittleEndian);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private static Attributes image(String mrn, String date, String modality, String study, String series,
                int seriesNumber, String sop, String sopClass, int instanceNumber) {
            Attributes a = new Attributes();
            a.setString(Tag.SpecificCharacterSet, VR.CS, "ISO_IR 192");
            a.setString(Tag.SOPClassUID, VR.UI, sopClass);
            a.setString(Tag.SOPInstanceUID, VR.UI, sop);
            a.setString(Tag.StudyDate, VR.DA, date);
            a.setString(Tag.StudyTime, VR.TM, "101500");
            a.setString(Tag.AccessionNumber, VR.SH, "KIT" + instanceNumber);
            a.setString(Tag.Modality, VR.CS, modality);
            a.setString(Tag.StudyDescription, VR.LO, modality + " kit study");
            a.setString(Tag.SeriesDescription, VR.LO, "Kit series " + seriesNumber);
            a.setString(Tag.PatientName, VR.PN, "Kit^" + mrn);
            a.setString(Tag.PatientID, VR.LO, mrn);
            a.setString(Tag.PatientBirthDate, VR.DA, "19700101");
            a.setString(Tag.PatientSex, VR.CS, "O");
            a.setString(Tag.StudyInstanceUID, VR.UI, study);
            a.setString(Tag.SeriesInstanceUID, VR.UI, series);
            a.setInt(Tag.SeriesNumber, VR.IS, seriesNumber);
            a.setInt(Tag.InstanceNumber, VR.IS, instanceNumber);
            a.setInt(Tag.SamplesPerPixel, VR.US, 1);
            a.setString(Tag.PhotometricInterpretation, VR.CS, "MONOCHROME2");
            a.setInt(Tag.Rows, VR.US, ROWS);
            a.setInt(Tag.Columns, VR.US, ROWS);
            a.setInt(Tag.BitsAllocated, VR.US, 16);
            a.setInt(Tag.BitsStored, VR.US, 12);
            a.setInt(Tag.HighBit, VR.US, 11);
            a.setInt(Tag.PixelRepresentation, VR.US, 0);
            byte[] pixels = new byte[ROWS * ROWS * 2];
            for (int p = 0; p < ROWS * ROWS; p++) {
                int value = (p * 7 + instanceNumber * 101) & 0x0fff;
                pixels[2 * p] = (byte) value;
                pixels[2 * p + 1] = (byte) (value >> 8);
            }
            a.setBytes(Tag.PixelData, VR.OW, pixels);
            return a;
        }
    }
}
