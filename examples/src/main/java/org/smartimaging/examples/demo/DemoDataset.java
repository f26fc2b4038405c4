package org.smartimaging.examples.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.smartimaging.dicom.Attributes;
import org.smartimaging.dicom.DicomFileWriter;
import org.smartimaging.dicom.Tag;
import org.smartimaging.dicom.Uids;
import org.smartimaging.dicom.VR;

/**
 * Generates the demo's imaging studies: for each {@link DemoPatients demo patient} two or three
 * studies (CT, MR, CR, US, with one RGB secondary capture series), each with synthetic phantom
 * images that change from slice to slice. Everything, UIDs included, derives from a fixed seed, so
 * every run writes the same files: {@code dir/{mrn}/{study-uid}/{series-uid}/{sop-uid}.dcm}.
 * About 12 MB; a marker file makes a second run with the same {@link #VERSION} a no-op.
 */
public final class DemoDataset {

    /** Changes whenever the generated content changes, so old demo folders are regenerated. */
    public static final String VERSION = "1";

    static final String MARKER = ".smart-imaging-demo";

    private static final String SEED = "org.smartimaging.examples.demo/v" + VERSION;
    private static final String MANUFACTURER = "SMART Imaging SDK demo";
    private static final String INSTITUTION = "Demo General Hospital";

    /** What {@link #generate(Path)} found or wrote. */
    public record Summary(int patients, int studies, int series, int instances, boolean generated) {
    }

    private enum Kind { CT, MR, CR, US, SC }

    private record SeriesPlan(Kind kind, String description, int instances, int variant) {
    }

    private record StudyPlan(String description, String bodyPart, String date, String time, String accession,
            List<SeriesPlan> series) {
    }

    private static final Map<String, List<StudyPlan>> PLANS = Map.of(
            DemoPatients.ANA_GARCIA.mrn(), List.of(
                    new StudyPlan("CT Chest with contrast", "CHEST", "20230314", "091500", "ACC-1001-1", List.of(
                            new SeriesPlan(Kind.CT, "Axial 5mm soft tissue", 10, 0),
                            new SeriesPlan(Kind.CT, "Axial 5mm lung", 10, 1))),
                    new StudyPlan("XR Chest 2 views", "CHEST", "20240202", "143000", "ACC-1001-2", List.of(
                            new SeriesPlan(Kind.CR, "PA", 3, 0),
                            new SeriesPlan(Kind.CR, "Lateral", 3, 1)))),
            DemoPatients.JAMES_CHEN.mrn(), List.of(
                    new StudyPlan("MR Brain without contrast", "HEAD", "20220918", "080000", "ACC-1002-1", List.of(
                            new SeriesPlan(Kind.MR, "T1 axial", 8, 0),
                            new SeriesPlan(Kind.MR, "T2 axial", 8, 1),
                            new SeriesPlan(Kind.MR, "FLAIR axial", 6, 2))),
                    new StudyPlan("US Abdomen complete", "ABDOMEN", "20231105", "101000", "ACC-1002-2", List.of(
                            new SeriesPlan(Kind.US, "Liver and gallbladder", 5, 0),
                            new SeriesPlan(Kind.SC, "Sonographer worksheet", 3, 0)))),
            DemoPatients.MARIA_OKAFOR.mrn(), List.of(
                    new StudyPlan("CT Abdomen and pelvis", "ABDOMEN", "20210611", "120500", "ACC-1003-1", List.of(
                            new SeriesPlan(Kind.CT, "Axial 5mm portal venous", 12, 2))),
                    new StudyPlan("MR Knee right", "KNEE", "20230820", "163000", "ACC-1003-2", List.of(
                            new SeriesPlan(Kind.MR, "PD sagittal", 6, 3),
                            new SeriesPlan(Kind.MR, "T2 fat sat axial", 6, 1))),
                    new StudyPlan("XR Hand left", "HAND", "20240719", "110000", "ACC-1003-3", List.of(
                            new SeriesPlan(Kind.CR, "PA and oblique", 3, 2)))));

    private DemoDataset() {
    }

    /**
     * Writes the demo dataset under {@code dir} unless the marker of this {@link #VERSION} is there.
     * Files are written to a temporary name and moved into place, the marker last.
     */
    public static Summary generate(Path dir) throws IOException {
        Path marker = dir.resolve(MARKER);
        String expected = "smart-imaging demo dataset version " + VERSION + "\n";
        boolean present = Files.isRegularFile(marker) && Files.readString(marker).equals(expected);
        int studies = 0;
        int series = 0;
        int instances = 0;
        for (DemoPatient patient : DemoPatients.all()) {
            List<StudyPlan> plans = PLANS.get(patient.mrn());
            for (int s = 0; s < plans.size(); s++) {
                StudyPlan study = plans.get(s);
                studies++;
                for (int r = 0; r < study.series().size(); r++) {
                    SeriesPlan plan = study.series().get(r);
                    series++;
                    instances += plan.instances();
                    if (!present) {
                        writeSeries(dir, patient, s, study, r, plan);
                    }
                }
            }
        }
        if (!present) {
            Files.writeString(marker, expected, StandardCharsets.UTF_8);
        }
        return new Summary(DemoPatients.all().size(), studies, series, instances, !present);
    }

    /** The UID named by {@code path}, the same on every run: 2.25 and a name-based UUID (PS3.5 B.2). */
    static String uid(String path) {
        return Uids.fromUuid(UUID.nameUUIDFromBytes((SEED + "/" + path).getBytes(StandardCharsets.UTF_8)));
    }

    private static void writeSeries(Path dir, DemoPatient patient, int studyIndex, StudyPlan study, int seriesIndex,
            SeriesPlan plan) throws IOException {
        String studyKey = patient.mrn() + "/study/" + studyIndex;
        String seriesKey = studyKey + "/series/" + seriesIndex;
        String studyUid = uid(studyKey);
        String seriesUid = uid(seriesKey);
        Path seriesDir = dir.resolve(patient.mrn()).resolve(studyUid).resolve(seriesUid);
        Files.createDirectories(seriesDir);
        for (int i = 0; i < plan.instances(); i++) {
            String sopUid = uid(seriesKey + "/instance/" + i);
            Attributes a = new Attributes();
            a.setString(Tag.SpecificCharacterSet, VR.CS, "ISO_IR 192");
            a.setString(Tag.ImageType, VR.CS, plan.kind() == Kind.SC ? new String[] {"DERIVED", "SECONDARY"}
                    : new String[] {"ORIGINAL", "PRIMARY"});
            a.setString(Tag.SOPClassUID, VR.UI, sopClass(plan.kind()));
            a.setString(Tag.SOPInstanceUID, VR.UI, sopUid);
            a.setString(Tag.StudyDate, VR.DA, study.date());
            a.setString(Tag.SeriesDate, VR.DA, study.date());
            a.setString(Tag.ContentDate, VR.DA, study.date());
            a.setString(Tag.StudyTime, VR.TM, study.time());
            a.setString(Tag.SeriesTime, VR.TM, study.time());
            a.setString(Tag.ContentTime, VR.TM, study.time());
            a.setString(Tag.AccessionNumber, VR.SH, study.accession());
            a.setString(Tag.Modality, VR.CS, plan.kind() == Kind.SC ? "OT" : plan.kind().name());
            if (plan.kind() == Kind.SC) {
                a.setString(Tag.ConversionType, VR.CS, "WSD");
            }
            a.setString(Tag.Manufacturer, VR.LO, MANUFACTURER);
            a.setString(Tag.InstitutionName, VR.LO, INSTITUTION);
            a.setString(Tag.ReferringPhysicianName, VR.PN, "House^Gregory");
            a.setString(Tag.StudyDescription, VR.LO, study.description());
            a.setString(Tag.SeriesDescription, VR.LO, plan.description());
            a.setString(Tag.PatientName, VR.PN, patient.dicomName());
            a.setString(Tag.PatientID, VR.LO, patient.mrn());
            a.setString(Tag.PatientBirthDate, VR.DA, patient.dicomBirthDate());
            a.setString(Tag.PatientSex, VR.CS, patient.dicomSex());
            a.setString(Tag.BodyPartExamined, VR.CS, study.bodyPart());
            a.setString(Tag.StudyInstanceUID, VR.UI, studyUid);
            a.setString(Tag.SeriesInstanceUID, VR.UI, seriesUid);
            a.setString(Tag.StudyID, VR.SH, Integer.toString(studyIndex + 1));
            a.setInt(Tag.SeriesNumber, VR.IS, seriesIndex + 1);
            a.setInt(Tag.InstanceNumber, VR.IS, i + 1);
            switch (plan.kind()) {
                case CT, MR -> crossSection(a, studyKey, plan, i);
                case CR -> radiograph(a, plan, i);
                case US -> ultrasound(a, seriesKey, i);
                case SC -> secondaryCapture(a, plan, i);
                default -> throw new IllegalStateException(plan.kind().name());
            }
            Path file = seriesDir.resolve(sopUid + ".dcm");
            Path tmp = seriesDir.resolve(sopUid + ".dcm.tmp");
            DicomFileWriter.write(tmp, a, Uids.ExplicitVRLittleEndian);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
    }

    private static String sopClass(Kind kind) {
        return switch (kind) {
            case CT -> Uids.CTImageStorage;
            case MR -> Uids.MRImageStorage;
            case CR -> Uids.ComputedRadiographyImageStorage;
            case US -> Uids.UltrasoundImageStorage;
            case SC -> Uids.SecondaryCaptureImageStorage;
        };
    }

    // ---------------------------------------------------------------- CT and MR: axial/sagittal phantoms

    private static void crossSection(Attributes a, String studyKey, SeriesPlan plan, int slice) {
        int size = 256;
        double spacing = plan.kind() == Kind.CT ? 1.4 : 0.9;
        double thickness = 5;
        double z = -slice * thickness;
        a.setString(Tag.FrameOfReferenceUID, VR.UI, uid(studyKey + "/frame-of-reference"));
        a.setDouble(Tag.SliceThickness, VR.DS, thickness);
        a.setDouble(Tag.ImagePositionPatient, VR.DS, -size * spacing / 2, -size * spacing / 2, z);
        a.setDouble(Tag.ImageOrientationPatient, VR.DS, 1, 0, 0, 0, 1, 0);
        a.setDouble(Tag.SliceLocation, VR.DS, z);
        a.setString(Tag.PositionReferenceIndicator, VR.LO, "");
        monochrome(a, size, size, 16, 12);
        a.setDouble(Tag.PixelSpacing, VR.DS, spacing, spacing);
        double t = plan.instances() == 1 ? 0.5 : (double) slice / (plan.instances() - 1);
        short[] pixels = new short[size * size];
        if (plan.kind() == Kind.CT) {
            a.setDouble(Tag.KVP, VR.DS, 120);
            boolean lung = plan.variant() == 1;
            a.setDouble(Tag.WindowCenter, VR.DS, lung ? -600 : 40);
            a.setDouble(Tag.WindowWidth, VR.DS, lung ? 1500 : 400);
            a.setDouble(Tag.RescaleIntercept, VR.DS, -1024);
            a.setDouble(Tag.RescaleSlope, VR.DS, 1);
            a.setString(Tag.RescaleType, VR.LO, "HU");
            boolean abdomen = plan.variant() == 2;
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    double u = (x - size / 2.0) / (size / 2.0);
                    double v = (y - size / 2.0) / (size / 2.0);
                    double hu = -1000;
                    if (ellipse(u, v, 0, 0.05, 0.85, 0.6)) {
                        hu = 40 + 10 * Math.sin(7 * u + 5 * v);
                        if (!abdomen) {
                            double lungSize = 0.22 + 0.1 * Math.sin(Math.PI * t);
                            if (ellipse(u, v, -0.38, 0, lungSize + 0.05, 0.4) || ellipse(u, v, 0.38, 0, lungSize, 0.4)) {
                                hu = -820 + 30 * Math.sin(20 * u) * Math.cos(20 * v);
                            }
                            if (ellipse(u, v, 0.05, -0.05, 0.12 + 0.05 * t, 0.1)) {
                                hu = 60; // heart
                            }
                        } else {
                            if (ellipse(u, v, -0.3, -0.1, 0.3 - 0.15 * t, 0.25)) {
                                hu = 60; // liver, smaller towards the pelvis
                            }
                            if (ellipse(u, v, 0.35, 0.05, 0.08, 0.12)) {
                                hu = 150; // contrast-filled kidney
                            }
                        }
                        if (ellipse(u, v, 0, 0.42, 0.08, 0.08)) {
                            hu = 700; // vertebra
                        }
                    }
                    pixels[y * size + x] = (short) Math.max(0, Math.min(4095, Math.round(hu + 1024)));
                }
            }
        } else {
            a.setDouble(Tag.MagneticFieldStrength, VR.DS, 1.5);
            boolean knee = plan.variant() == 3;
            double[] contrast = switch (plan.variant()) {
                case 0 -> new double[] {700, 1100, 250}; // T1: CSF dark
                case 1 -> new double[] {900, 600, 1800}; // T2: CSF bright
                case 2 -> new double[] {900, 650, 150};  // FLAIR: CSF suppressed
                default -> new double[] {1300, 500, 900};
            };
            a.setDouble(Tag.WindowCenter, VR.DS, 900);
            a.setDouble(Tag.WindowWidth, VR.DS, 1800);
            a.setDouble(Tag.RepetitionTime, VR.DS, plan.variant() == 0 ? 500 : 4000);
            a.setDouble(Tag.EchoTime, VR.DS, plan.variant() == 0 ? 15 : 90);
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    double u = (x - size / 2.0) / (size / 2.0);
                    double v = (y - size / 2.0) / (size / 2.0);
                    double s = 0;
                    if (knee) {
                        if (ellipse(u, v, 0, -0.35, 0.35, 0.3) || ellipse(u, v, 0, 0.4, 0.3, 0.3)) {
                            s = contrast[1]; // femur and tibia
                        } else if (ellipse(u, v, 0, 0, 0.6, 0.85)) {
                            s = contrast[0] * (0.8 + 0.2 * Math.sin(t * 3 + 6 * v));
                        }
                        if (Math.abs(v) < 0.04 + 0.02 * t && Math.abs(u) < 0.3) {
                            s = contrast[2]; // joint fluid
                        }
                    } else if (ellipse(u, v, 0, 0, 0.7 - 0.2 * t * t, 0.85 - 0.2 * t * t)) {
                        s = contrast[1]; // white matter
                        if (!ellipse(u, v, 0, 0, 0.6 - 0.2 * t * t, 0.75 - 0.2 * t * t)) {
                            s = contrast[0]; // cortex
                        }
                        double ventricle = 0.12 * Math.sin(Math.PI * t);
                        if (ellipse(u, v, -0.12, -0.05, ventricle, 2 * ventricle)
                                || ellipse(u, v, 0.12, -0.05, ventricle, 2 * ventricle)) {
                            s = contrast[2];
                        }
                    }
                    s *= 1 - 0.15 * v; // coil sensitivity gradient
                    pixels[y * size + x] = (short) Math.max(0, Math.min(4095, Math.round(s)));
                }
            }
        }
        a.setBytes(Tag.PixelData, VR.OW, littleEndian(pixels));
    }

    // ---------------------------------------------------------------- CR, US, secondary capture

    private static void radiograph(Attributes a, SeriesPlan plan, int index) {
        int size = 512;
        monochrome(a, size, size, 8, 8);
        a.setDouble(Tag.PixelSpacing, VR.DS, 0.7, 0.7);
        a.setDouble(Tag.WindowCenter, VR.DS, 128);
        a.setDouble(Tag.WindowWidth, VR.DS, 256);
        a.setString(0x00185101 /* ViewPosition */, VR.CS, plan.variant() == 1 ? "LL" : "PA");
        a.setString(Tag.PatientOrientation, VR.CS, "L", "F");
        byte[] pixels = new byte[size * size];
        double shift = 0.04 * index;
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                double u = (x - size / 2.0) / (size / 2.0);
                double v = (y - size / 2.0) / (size / 2.0);
                double p = 20;
                if (plan.variant() == 2) { // hand: palm and five fingers
                    if (ellipse(u, v, shift, 0.45, 0.45, 0.35)) {
                        p = 150;
                    }
                    for (int f = 0; f < 5; f++) {
                        double fx = -0.4 + f * 0.2 + shift;
                        if (Math.abs(u - fx) < 0.06 && v > -0.6 + (f == 0 ? 0.5 : Math.abs(f - 2) * 0.1) && v < 0.3) {
                            p = 170 + 40 * Math.cos(30 * v);
                        }
                    }
                } else if (ellipse(u, v, 0, 0, plan.variant() == 1 ? 0.5 : 0.8, 0.9)) {
                    p = 170 + 30 * Math.cos(18 * v + shift * 10); // ribs
                    if (ellipse(u, v, -0.35, -0.05, 0.25, 0.6) || ellipse(u, v, 0.35, -0.05, 0.25, 0.6)) {
                        p = 60 + 20 * Math.cos(18 * v); // lungs
                    }
                    if (Math.abs(u) < 0.07) {
                        p = 220; // spine
                    }
                }
                pixels[y * size + x] = (byte) Math.max(0, Math.min(255, (int) p));
            }
        }
        a.setBytes(Tag.PixelData, VR.OB, pixels);
    }

    private static void ultrasound(Attributes a, String seriesKey, int index) {
        int size = 256;
        monochrome(a, size, size, 8, 8);
        Random speckle = new Random((seriesKey + "/" + index).hashCode());
        byte[] pixels = new byte[size * size];
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                double dx = x - size / 2.0;
                double dy = y + 20.0;
                double r = Math.hypot(dx, dy);
                double angle = Math.atan2(dx, dy);
                double p = 0;
                if (Math.abs(angle) < 0.6 && r > 30 && r < size - 10) {
                    p = 90 + 40 * speckle.nextGaussian() * 0.5 - r * 0.15;
                    double cx = size / 2.0 + 20 * Math.sin(index);
                    if (Math.hypot(x - cx, y - 140) < 28 + 4 * index) {
                        p = 8 + 6 * speckle.nextDouble(); // anechoic gallbladder
                    }
                }
                pixels[y * size + x] = (byte) Math.max(0, Math.min(255, (int) p));
            }
        }
        a.setBytes(Tag.PixelData, VR.OB, pixels);
    }

    private static void secondaryCapture(Attributes a, SeriesPlan plan, int index) {
        int size = 256;
        a.setInt(Tag.SamplesPerPixel, VR.US, 3);
        a.setString(Tag.PhotometricInterpretation, VR.CS, "RGB");
        a.setInt(Tag.PlanarConfiguration, VR.US, 0);
        a.setInt(Tag.Rows, VR.US, size);
        a.setInt(Tag.Columns, VR.US, size);
        a.setInt(Tag.BitsAllocated, VR.US, 8);
        a.setInt(Tag.BitsStored, VR.US, 8);
        a.setInt(Tag.HighBit, VR.US, 7);
        a.setInt(Tag.PixelRepresentation, VR.US, 0);
        byte[] pixels = new byte[size * size * 3];
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                int o = (y * size + x) * 3;
                int r = x;
                int g = y;
                int b = 128 + 64 * index;
                if (Math.hypot(x - 64 - 60 * index, y - 128) < 40) {
                    r = 255;
                    g = 255;
                    b = 255;
                }
                if (y % 32 == 0 || x % 32 == 0) {
                    r = g = b = 40; // worksheet grid
                }
                pixels[o] = (byte) r;
                pixels[o + 1] = (byte) g;
                pixels[o + 2] = (byte) b;
            }
        }
        a.setBytes(Tag.PixelData, VR.OB, pixels);
    }

    private static void monochrome(Attributes a, int rows, int columns, int bitsAllocated, int bitsStored) {
        a.setInt(Tag.SamplesPerPixel, VR.US, 1);
        a.setString(Tag.PhotometricInterpretation, VR.CS, "MONOCHROME2");
        a.setInt(Tag.Rows, VR.US, rows);
        a.setInt(Tag.Columns, VR.US, columns);
        a.setInt(Tag.BitsAllocated, VR.US, bitsAllocated);
        a.setInt(Tag.BitsStored, VR.US, bitsStored);
        a.setInt(Tag.HighBit, VR.US, bitsStored - 1);
        a.setInt(Tag.PixelRepresentation, VR.US, 0);
    }

    private static boolean ellipse(double u, double v, double cu, double cv, double ru, double rv) {
        double du = (u - cu) / ru;
        double dv = (v - cv) / rv;
        return du * du + dv * dv <= 1;
    }

    private static byte[] littleEndian(short[] values) {
        byte[] out = new byte[values.length * 2];
        for (int i = 0; i < values.length; i++) {
            out[2 * i] = (byte) values[i];
            out[2 * i + 1] = (byte) (values[i] >>> 8);
        }
        return out;
    }
}
