package org.smartimaging.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Writes synthetic DICOM studies (16-bit MONOCHROME2 secondary captures, explicit VR little
 * endian) with dcmtk's {@code dump2dcm}, so tests need no downloaded DICOM. The pixel data is
 * pseudo-random from a fixed seed, so files are reproducible and not trivially compressible.
 */
public final class DcmtkStudyWriter {

    public static final Path DUMP2DCM = Path.of("/usr/bin/dump2dcm");
    private static final String SECONDARY_CAPTURE = "1.2.840.10008.5.1.4.1.1.7";

    private DcmtkStudyWriter() {}

    /**
     * One study to generate: {@code seriesCount} series of {@code instancesPerSeries} instances, each
     * {@code rows} x {@code columns} 16-bit pixels. UIDs derive from {@code studyUid}.
     */
    public record Study(
            String studyUid,
            String patientId,
            String patientName,
            String studyDate,
            String studyTime,
            String accessionNumber,
            String description,
            String modality,
            int seriesCount,
            int instancesPerSeries,
            int rows,
            int columns) {

        /** A small study for functional tests. */
        public static Study small(String studyUid, String patientId, int seriesCount, int instancesPerSeries) {
            return new Study(studyUid, patientId, "Test^Patient^" + patientId, "20240131", "101530.25",
                    "ACC" + Math.abs(studyUid.hashCode() % 100000), "Study " + studyUid, "CT",
                    seriesCount, instancesPerSeries, 32, 32);
        }

        public String seriesUid(int series) {
            return studyUid + "." + series;
        }

        public String instanceUid(int series, int instance) {
            return studyUid + "." + series + "." + instance;
        }

        public long pixelBytes() {
            return 2L * rows * columns;
        }
    }

    /** Writes every instance of the study into {@code directory}; returns the files in order. */
    public static List<Path> write(Study study, Path directory) {
        if (!Files.isExecutable(DUMP2DCM)) {
            throw new IllegalStateException(DUMP2DCM + " is missing: apt-get install dcmtk");
        }
        try {
            Files.createDirectories(directory);
            List<Path> files = new ArrayList<>();
            Random random = new Random(study.studyUid().hashCode());
            for (int series = 1; series <= study.seriesCount(); series++) {
                for (int instance = 1; instance <= study.instancesPerSeries(); instance++) {
                    Path pixels = directory.resolve("pixels-" + series + "-" + instance + ".raw");
                    writePixels(pixels, study.pixelBytes(), random);
                    Path dump = directory.resolve("instance-" + series + "-" + instance + ".dump");
                    Files.writeString(dump, dump(study, series, instance, pixels), StandardCharsets.ISO_8859_1);
                    Path file = directory.resolve(study.instanceUid(series, instance) + ".dcm");
                    run(List.of(DUMP2DCM.toString(), "+te", dump.toString(), file.toString()));
                    Files.delete(dump);
                    Files.delete(pixels);
                    files.add(file);
                }
            }
            return files;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String dump(Study study, int series, int instance, Path pixels) {
        StringBuilder text = new StringBuilder();
        line(text, "0008,0016", "UI", SECONDARY_CAPTURE);
        line(text, "0008,0018", "UI", study.instanceUid(series, instance));
        line(text, "0008,0020", "DA", study.studyDate());
        line(text, "0008,0030", "TM", study.studyTime());
        line(text, "0008,0050", "SH", study.accessionNumber());
        line(text, "0008,0060", "CS", study.modality());
        line(text, "0008,1030", "LO", study.description());
        line(text, "0008,103e", "LO", "Series " + series);
        line(text, "0010,0010", "PN", study.patientName());
        line(text, "0010,0020", "LO", study.patientId());
        line(text, "0020,000d", "UI", study.studyUid());
        line(text, "0020,000e", "UI", study.seriesUid(series));
        line(text, "0020,0011", "IS", Integer.toString(series));
        line(text, "0020,0013", "IS", Integer.toString(instance));
        text.append("(0028,0002) US 1\n");
        line(text, "0028,0004", "CS", "MONOCHROME2");
        text.append("(0028,0010) US ").append(study.rows()).append('\n');
        text.append("(0028,0011) US ").append(study.columns()).append('\n');
        text.append("(0028,0100) US 16\n(0028,0101) US 16\n(0028,0102) US 15\n(0028,0103) US 0\n");
        text.append("(7fe0,0010) OW =").append(pixels).append('\n');
        return text.toString();
    }

    private static void line(StringBuilder text, String tag, String vr, String value) {
        text.append('(').append(tag).append(") ").append(vr).append(" [").append(value).append("]\n");
    }

    private static void writePixels(Path file, long bytes, Random random) throws IOException {
        byte[] chunk = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long written = 0; written < bytes; written += chunk.length) {
                random.nextBytes(chunk);
                out.write(chunk, 0, (int) Math.min(chunk.length, bytes - written));
            }
        }
    }

    private static void run(List<String> command) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
