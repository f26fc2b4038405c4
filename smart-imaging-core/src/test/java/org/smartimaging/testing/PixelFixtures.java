package org.smartimaging.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/**
 * Images with pixel data for frame tests, written by dcmtk ({@code dump2dcm}, {@code dcmconv},
 * {@code dcmcjpeg}, {@code dcmcrle}), and the values dcmtk itself extracts from them
 * ({@code dcmdump +W}: the native value, or each encapsulated item), the reference a frame
 * answer must equal byte for byte.
 */
public final class PixelFixtures {

    /** Where an image belongs and what it looks like. */
    public record Image(String studyUid, String seriesUid, String sopUid, int rows, int columns, int bitsAllocated, int samples) {

        public int frameBytes() {
            return rows * columns * samples * bitsAllocated / 8;
        }
    }

    private PixelFixtures() {}

    /** Smooth noise (compressible, not trivial) for {@code frames} frames. */
    public static byte[][] frames(Image image, int frames, long seed) {
        Random random = new Random(seed);
        byte[][] result = new byte[frames][];
        for (int f = 0; f < frames; f++) {
            byte[] frame = new byte[image.frameBytes()];
            int value = random.nextInt(200);
            for (int i = 0; i < frame.length; i++) {
                value = Math.max(0, Math.min(250, value + random.nextInt(9) - 4));
                frame[i] = (byte) (image.bitsAllocated() == 16 && i % 2 == 1 ? random.nextInt(4) : value);
            }
            result[f] = frame;
        }
        return result;
    }

    /** A native file written by {@code dump2dcm} with {@code options} (e.g. {@code +te}). */
    public static Path nativeFile(Path file, Image image, byte[][] frames, String... options) {
        try {
            Files.createDirectories(file.getParent());
            Path raw = Files.createTempFile("pixels", ".raw");
            try {
                try (var out = Files.newOutputStream(raw)) {
                    for (byte[] frame : frames) {
                        out.write(frame);
                    }
                }
                int bits = image.bitsAllocated();
                String dump = String.join("\n",
                        "(0008,0016) UI =SecondaryCaptureImageStorage",
                        "(0008,0018) UI " + image.sopUid(),
                        "(0008,0060) CS OT",
                        "(0010,0010) PN Pixel^Test",
                        "(0010,0020) LO MRN-PIXELS",
                        "(0020,000d) UI " + image.studyUid(),
                        "(0020,000e) UI " + image.seriesUid(),
                        "(0020,0013) IS 1",
                        "(0028,0002) US " + image.samples(),
                        "(0028,0004) CS " + (image.samples() == 3 ? "RGB" : "MONOCHROME2"),
                        image.samples() == 3 ? "(0028,0006) US 0" : "",
                        frames.length > 1 ? "(0028,0008) IS " + frames.length : "",
                        "(0028,0010) US " + image.rows(),
                        "(0028,0011) US " + image.columns(),
                        "(0028,0100) US " + bits,
                        "(0028,0101) US " + (bits == 16 ? 10 : 8),
                        "(0028,0102) US " + (bits == 16 ? 9 : 7),
                        "(0028,0103) US 0",
                        "(7fe0,0010) " + (bits == 16 ? "OW" : "OB") + " =" + raw,
                        "");
                return Dcmtk.dump2dcm(dump, file, options);
            } finally {
                Files.deleteIfExists(raw);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code dcmcjpeg}/{@code dcmcrle}/{@code dcmdjpeg}/... of {@code in} into {@code out}. */
    public static Path convert(String tool, Path in, Path out, String... options) {
        try {
            Files.createDirectories(out.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> args = new ArrayList<>(List.of(options));
        args.add(in.toString());
        args.add(out.toString());
        Dcmtk.run(tool, args.toArray(String[]::new)).assertClean(tool);
        return out;
    }

    /**
     * The binary values dcmtk writes out for {@code file} ({@code dcmdump +W}), in order: for native
     * pixel data its value, for encapsulated pixel data the Basic Offset Table then each fragment.
     */
    public static List<byte[]> dcmdumpValues(Path file, Path scratch) {
        try {
            Path dir = Files.createTempDirectory(scratch, "dcmdump");
            Dcmtk.run("dcmdump", "-q", "+W", dir.toString(), file.toString()).assertClean("dcmdump +W");
            String prefix = file.getFileName() + ".";
            List<Path> values;
            try (Stream<Path> listing = Files.list(dir)) {
                values = listing.filter(p -> p.getFileName().toString().startsWith(prefix))
                        .sorted(Comparator.comparingInt(p -> index(p, prefix))).toList();
            }
            List<byte[]> result = new ArrayList<>();
            for (Path value : values) {
                result.add(Files.readAllBytes(value));
            }
            return result;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The pixel data of a single-frame encapsulated file as dcmtk extracts it: all fragments, in order. */
    public static byte[] encapsulatedSingleFrame(Path file, Path scratch) {
        List<byte[]> items = dcmdumpValues(file, scratch);
        var out = new java.io.ByteArrayOutputStream();
        items.subList(1, items.size()).forEach(out::writeBytes);
        return out.toByteArray();
    }

    private static int index(Path p, String prefix) {
        String name = p.getFileName().toString();
        return Integer.parseInt(name.substring(prefix.length(), name.indexOf('.', prefix.length())));
    }
}
