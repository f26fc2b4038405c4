package org.smartimaging.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smartimaging.dicom.Attributes;
import org.smartimaging.dicom.DicomFile;
import org.smartimaging.dicom.DicomFiles;
import org.smartimaging.dicom.Tag;
import org.smartimaging.dicom.Uids;
import org.smartimaging.testing.Dcmtk;

class DemoDatasetTest {

    @TempDir
    Path dir;

    @Test
    void generatesTheDemoStudiesForEachPatient() throws IOException {
        long started = System.nanoTime();
        DemoDataset.Summary summary = DemoDataset.generate(dir);
        long millis = (System.nanoTime() - started) / 1_000_000;

        List<Path> files = dicomFiles(dir);
        long bytes = files.stream().mapToLong(DemoDatasetTest::size).sum();
        System.out.printf("demo dataset: %s, %d files, %d bytes, %d ms%n", summary, files.size(), bytes, millis);
        assertThat(summary).isEqualTo(new DemoDataset.Summary(3, 7, 13, 83, true));
        assertThat(files).hasSize(summary.instances());
        assertThat(bytes).isLessThan(30L << 20);
        for (DemoPatient patient : DemoPatients.all()) {
            try (Stream<Path> studies = Files.list(dir.resolve(patient.mrn()))) {
                assertThat(studies.count()).as(patient.mrn()).isBetween(2L, 3L);
            }
        }
        Map<Path, Long> perSeries = files.stream().collect(Collectors.groupingBy(Path::getParent, Collectors.counting()));
        assertThat(perSeries.values()).allSatisfy(n -> assertThat(n).isBetween(3L, 12L));
    }

    @Test
    void writesConsistentPatientStudySeriesAndInstanceAttributes() throws IOException {
        DemoDataset.generate(dir);

        for (Path file : dicomFiles(dir)) {
            Attributes a = DicomFiles.readAttributes(file).dataset();
            Path series = file.getParent();
            Path study = series.getParent();
            String mrn = study.getParent().getFileName().toString();
            DemoPatient patient = DemoPatients.byMrn(mrn).orElseThrow();
            assertThat(a.getString(Tag.PatientID)).isEqualTo(mrn);
            assertThat(a.getString(Tag.PatientName)).isEqualTo(patient.dicomName());
            assertThat(a.getString(Tag.PatientBirthDate)).isEqualTo(patient.dicomBirthDate());
            assertThat(a.getString(Tag.StudyInstanceUID)).isEqualTo(study.getFileName().toString());
            assertThat(a.getString(Tag.SeriesInstanceUID)).isEqualTo(series.getFileName().toString());
            assertThat(file.getFileName().toString()).isEqualTo(a.getString(Tag.SOPInstanceUID) + ".dcm");
            assertThat(Uids.isValid(a.getString(Tag.SOPInstanceUID))).isTrue();
            assertThat(a.getString(Tag.SOPInstanceUID)).startsWith("2.25.");
            assertThat(a.contains(Tag.PixelData)).isTrue();
            assertThat(a.getString(Tag.AccessionNumber)).isNotBlank();
        }
    }

    @Test
    void isIdempotentAndDeterministic(@TempDir Path other) throws IOException {
        DemoDataset.generate(dir);
        Path first = dicomFiles(dir).get(0);
        FileTime written = Files.getLastModifiedTime(first);
        Files.setLastModifiedTime(first, FileTime.fromMillis(written.toMillis() - 60_000));

        DemoDataset.Summary again = DemoDataset.generate(dir);
        DemoDataset.generate(other);

        assertThat(again.generated()).isFalse();
        assertThat(Files.getLastModifiedTime(first).toMillis()).isEqualTo(written.toMillis() - 60_000);
        assertThat(relative(other)).isEqualTo(relative(dir));
        assertThat(Files.readAllBytes(other.resolve(dir.relativize(first)))).isEqualTo(Files.readAllBytes(first));
    }

    @Test
    void dcmdumpReadsOneImageOfEachModality() throws IOException {
        DemoDataset.generate(dir);

        Map<String, Path> byModality = new java.util.TreeMap<>();
        for (Path file : dicomFiles(dir)) {
            DicomFile read = DicomFiles.readAttributes(file);
            byModality.putIfAbsent(read.dataset().getString(Tag.Modality), file);
        }

        assertThat(byModality).containsOnlyKeys("CR", "CT", "MR", "OT", "US");
        for (Map.Entry<String, Path> entry : byModality.entrySet()) {
            assertThat(Dcmtk.dump(entry.getValue())).as(entry.getKey())
                    .contains("(0008,0060) CS [" + entry.getKey() + "]")
                    .contains("(7fe0,0010) O");
        }
        Attributes ct = DicomFiles.read(byModality.get("CT")).dataset();
        assertThat(ct.bytes(Tag.PixelData)).hasSize(256 * 256 * 2);
        assertThat(ct.getDouble(Tag.RescaleIntercept)).isEqualTo(-1024);
        Attributes sc = DicomFiles.read(byModality.get("OT")).dataset();
        assertThat(sc.getString(Tag.PhotometricInterpretation)).isEqualTo("RGB");
        assertThat(sc.bytes(Tag.PixelData)).hasSize(256 * 256 * 3);
    }

    private static List<Path> dicomFiles(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(p -> p.toString().endsWith(".dcm")).sorted().toList();
        }
    }

    private static List<String> relative(Path root) throws IOException {
        return dicomFiles(root).stream().map(p -> root.relativize(p).toString()).toList();
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
