package org.smartimaging.testing;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs dcmtk command line tools (dcmdump, dcm2json, dump2dcm, dcmconv, img2dcm, storescu, ...) as
 * real DICOM peers in tests. A missing tool fails the test with the install command: tests that
 * need a peer never skip silently.
 */
public final class Dcmtk {

    /** What a tool run produced. */
    public record Result(int exitCode, String stdout, String stderr) {

        /** Fails unless the tool exited with 0 and reported no error or warning on stderr. */
        public Result assertClean(String what) {
            if (exitCode != 0 || stderr.contains("E: ") || stderr.contains("W: ") || stderr.contains("F: ")) {
                throw new AssertionError(what + " failed (exit " + exitCode + "):\n" + stderr + stdout);
            }
            return this;
        }
    }

    private static final long TIMEOUT_SECONDS = 60;

    private Dcmtk() {
    }

    /** The path of a dcmtk tool found on PATH; fails the test if dcmtk is not installed. */
    public static Path tool(String name) {
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(File.pathSeparator)) {
                Path candidate = Path.of(dir, name);
                if (Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
        }
        throw new AssertionError("dcmtk tool '" + name + "' not found on PATH;"
                + " install Debian package dcmtk: apt-get install dcmtk");
    }

    /** Runs {@code tool} with {@code args}, waiting at most a minute. */
    public static Result run(String tool, String... args) {
        List<String> command = new ArrayList<>();
        command.add(tool(tool).toString());
        command.addAll(List.of(args));
        try {
            Path out = Files.createTempFile("dcmtk-out", ".txt");
            Path err = Files.createTempFile("dcmtk-err", ".txt");
            try {
                Process process = new ProcessBuilder(command)
                        .redirectOutput(out.toFile())
                        .redirectError(err.toFile())
                        .start();
                if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    throw new AssertionError(tool + " did not finish within " + TIMEOUT_SECONDS + " s: " + command);
                }
                return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                        Files.readString(err, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new AssertionError("could not run " + command + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted running " + command, e);
        }
    }

    /** {@code dcmdump} of a file; fails unless dcmdump reads it cleanly. Returns the dump text. */
    public static String dump(Path file) {
        return run("dcmdump", "-q", "+L", file.toString()).assertClean("dcmdump " + file).stdout();
    }

    /**
     * Writes a file with {@code dump2dcm} from a dump in dcmdump's text format. {@code options} picks
     * the transfer syntax: {@code +te} explicit little, {@code +tb} explicit big, {@code +ti} implicit.
     */
    public static Path dump2dcm(String dumpText, Path file, String... options) {
        try {
            Path dump = Files.createTempFile("dump2dcm", ".txt");
            try {
                Files.writeString(dump, dumpText, StandardCharsets.UTF_8);
                List<String> args = new ArrayList<>(List.of(options));
                args.add(dump.toString());
                args.add(file.toString());
                run("dump2dcm", args.toArray(String[]::new)).assertClean("dump2dcm");
                return file;
            } finally {
                Files.deleteIfExists(dump);
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** Re-encodes {@code in} with {@code dcmconv} and the given transfer syntax option (e.g. {@code +td}). */
    public static Path dcmconv(Path in, Path out, String... options) {
        List<String> args = new ArrayList<>(List.of(options));
        args.add(in.toString());
        args.add(out.toString());
        run("dcmconv", args.toArray(String[]::new)).assertClean("dcmconv");
        return out;
    }

    /** The DICOM JSON that {@code dcm2json} writes for a file (data set only, no meta information). */
    public static String dcm2json(Path file) {
        return run("dcm2json", file.toString()).assertClean("dcm2json " + file).stdout();
    }
}
