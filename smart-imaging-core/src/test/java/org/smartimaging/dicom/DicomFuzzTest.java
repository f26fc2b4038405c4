package org.smartimaging.dicom;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smartimaging.testing.Dcmtk;
import org.smartimaging.testing.DicomFixtures;

/**
 * Seeded mutation fuzzing of the reader: whatever the bytes, reading ends within a second with a
 * data set or a {@link DicomParseException}, never another exception, error or hang; and what is
 * read can be written as DICOM JSON.
 */
class DicomFuzzTest {

    private static final long SEED = 0x5EED_D1C0L;
    private static final int ITERATIONS = 20_000;
    private static final long TIMEOUT_MILLIS = 1_000;

    @TempDir
    Path dir;

    private record Sample(String name, byte[] bytes, String bareTransferSyntax) {
    }

    @Test
    void malformedInputOnlyEverRaisesDicomParseException() throws Exception {
        List<Sample> samples = samples();
        Random random = new Random(SEED);
        List<String> failures = new ArrayList<>();
        int parsed = 0;
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "dicom-fuzz");
            t.setDaemon(true);
            return t;
        });
        long started = System.nanoTime();
        try {
            for (int i = 0; i < ITERATIONS && failures.size() < 10; i++) {
                Sample sample = samples.get(random.nextInt(samples.size()));
                byte[] input = mutate(sample.bytes(), random);
                ReadOptions options = random.nextBoolean() ? ReadOptions.defaults() : ReadOptions.attributesOnly();
                Future<Boolean> result = executor.submit(() -> parse(sample, input, options));
                try {
                    if (result.get(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)) {
                        parsed++;
                    }
                } catch (TimeoutException e) {
                    result.cancel(true);
                    failures.add("iteration " + i + " (" + sample.name() + "): no answer within " + TIMEOUT_MILLIS + " ms");
                    executor.shutdownNow();
                    executor = Executors.newSingleThreadExecutor();
                } catch (java.util.concurrent.ExecutionException e) {
                    Throwable cause = e.getCause();
                    java.io.StringWriter trace = new java.io.StringWriter();
                    cause.printStackTrace(new java.io.PrintWriter(trace));
                    failures.add("iteration " + i + " (" + sample.name() + "): " + trace.toString().lines()
                            .limit(6).reduce((a, b) -> a + "\n" + b).orElse(""));
                }
            }
        } finally {
            executor.shutdownNow();
        }
        long millis = (System.nanoTime() - started) / 1_000_000;
        System.out.printf("DICOM fuzz: %d mutations of %d samples, %d parsed, the rest rejected, %d ms%n",
                ITERATIONS, samples.size(), parsed, millis);
        assertThat(failures).isEmpty();
        assertThat(parsed).as("some mutations still parse").isPositive();
    }

    /** True if parsed, false if rejected with DicomParseException; anything else escapes. */
    private static boolean parse(Sample sample, byte[] input, ReadOptions options) throws IOException {
        Attributes dataset;
        try {
            if (sample.bareTransferSyntax() != null) {
                dataset = DicomFiles.readDataset(new ByteArrayInputStream(input), sample.bareTransferSyntax(), options);
            } else {
                dataset = DicomFiles.read(new ByteArrayInputStream(input), options).dataset();
            }
        } catch (DicomParseException e) {
            assertThat(e.getMessage()).isNotBlank();
            return false;
        }
        exercise(dataset);
        DicomJson.write(dataset, new ByteArrayOutputStream(), null);
        return true;
    }

    private static void exercise(Attributes dataset) {
        for (int tag : dataset.tags()) {
            dataset.getString(tag);
            dataset.getStrings(tag);
            dataset.getInt(tag);
            dataset.getDoubles(tag);
            Sequence seq = dataset.getSequence(tag);
            if (seq != null) {
                seq.forEach(DicomFuzzTest::exercise);
            }
        }
    }

    private static byte[] mutate(byte[] original, Random random) {
        byte[] b = original.clone();
        int rounds = 1 + random.nextInt(3);
        for (int r = 0; r < rounds && b.length > 8; r++) {
            int at = random.nextInt(b.length);
            switch (random.nextInt(8)) {
                case 0 -> b[at] ^= (byte) (1 << random.nextInt(8));
                case 1 -> b[at] = (byte) random.nextInt(256);
                case 2 -> b = Arrays.copyOf(b, at);
                case 3 -> b = putInt(b, at, 0xFFFFFFFF);
                case 4 -> b = putInt(b, at, random.nextInt(4) == 0 ? 0x7FFFFFFF
                        : random.nextBoolean() ? random.nextInt(1 << 16) | 1 : random.nextInt());
                case 5 -> b = putShort(b, at, random.nextBoolean() ? 0xFFFF : random.nextInt(1 << 16));
                case 6 -> {
                    int len = Math.min(b.length - at, 1 + random.nextInt(64));
                    byte[] out = new byte[b.length + len];
                    System.arraycopy(b, 0, out, 0, at + len);
                    System.arraycopy(b, at, out, at + len, b.length - at);
                    b = out;
                }
                default -> {
                    int len = Math.min(b.length - at, 1 + random.nextInt(32));
                    byte[] out = new byte[b.length - len];
                    System.arraycopy(b, 0, out, 0, at);
                    System.arraycopy(b, at + len, out, at, b.length - at - len);
                    b = out;
                }
            }
        }
        return b;
    }

    private static byte[] putInt(byte[] b, int at, int v) {
        for (int i = 0; i < 4 && at + i < b.length; i++) {
            b[at + i] = (byte) (v >>> (8 * i));
        }
        return b;
    }

    private static byte[] putShort(byte[] b, int at, int v) {
        for (int i = 0; i < 2 && at + i < b.length; i++) {
            b[at + i] = (byte) (v >>> (8 * i));
        }
        return b;
    }

    private List<Sample> samples() throws IOException {
        List<Sample> samples = new ArrayList<>();
        Attributes ct = DicomFixtures.ctImage();
        for (String tsuid : List.of(Uids.ExplicitVRLittleEndian, Uids.ImplicitVRLittleEndian, Uids.ExplicitVRBigEndian,
                Uids.DeflatedExplicitVRLittleEndian)) {
            samples.add(new Sample("ours " + tsuid, RoundTripTest.part10(ct, tsuid), null));
            ByteArrayOutputStream bare = new ByteArrayOutputStream();
            DicomFileWriter.writeDataset(ct, bare, tsuid);
            samples.add(new Sample("bare " + tsuid, bare.toByteArray(), tsuid));
        }
        Attributes encapsulated = DicomFixtures.ctImage();
        encapsulated.setFragments(Tag.PixelData, VR.OB, List.of(new byte[] {0, 0, 0, 0}, new byte[] {1, 2, 3, 4}));
        samples.add(new Sample("encapsulated", RoundTripTest.part10(encapsulated, Uids.JPEGBaseline8Bit), null));
        for (String option : List.of("+te", "+tb", "+ti")) {
            Path file = DicomFixtures.ctImageByDcmtk(dir.resolve("dcmtk" + option.substring(1) + ".dcm"), option);
            samples.add(new Sample("dcmtk " + option, Files.readAllBytes(file), null));
        }
        Path deflated = Dcmtk.dcmconv(dir.resolve("dcmtkte.dcm"), dir.resolve("deflated.dcm"), "+td");
        samples.add(new Sample("dcmtk +td", Files.readAllBytes(deflated), null));
        return samples;
    }
}
