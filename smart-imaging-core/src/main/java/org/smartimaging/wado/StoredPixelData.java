package org.smartimaging.wado;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.smartimaging.dicom.Attributes;
import org.smartimaging.dicom.DicomFile;
import org.smartimaging.dicom.DicomFiles;
import org.smartimaging.dicom.ReadOptions;
import org.smartimaging.dicom.Tag;
import org.smartimaging.spi.ImagingException;
import org.smartimaging.wado.BodyPart.Region;

/**
 * Where each frame of a stored file's Pixel Data lies, found without reading the pixels: native
 * frames by offset (rows x columns x samples x bits allocated / 8 each), encapsulated frames by
 * their fragments (PS3.5 A.4): the Extended or Basic Offset Table when present, one fragment per
 * frame when the counts agree, otherwise the codestream start markers that begin each frame.
 */
final class StoredPixelData {

    private static final int EXTENDED_OFFSET_TABLE = 0x7FE00001;
    private static final int ITEM = 0xFFFEE000;
    private static final int SEQUENCE_DELIMITER = 0xFFFEE0DD;
    /** Most fragments indexed for one instance (bounds work on hostile files). */
    static final int MAX_FRAGMENTS = 1 << 20;

    private final Path file;
    private final String transferSyntax;
    private final Attributes dataset;
    private final int frames;
    private final long valueOffset;
    private final long valueLength;
    private final long frameBytes;
    private List<List<Region>> encapsulatedFrames;

    private StoredPixelData(Path file, String transferSyntax, Attributes dataset, int frames, long valueOffset, long valueLength,
            long frameBytes) {
        this.file = file;
        this.transferSyntax = transferSyntax;
        this.dataset = dataset;
        this.frames = frames;
        this.valueOffset = valueOffset;
        this.valueLength = valueLength;
        this.frameBytes = frameBytes;
    }

    /** Reads the file's attributes up to its Pixel Data. */
    static StoredPixelData open(Path file) throws IOException {
        DicomFile dicom;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 16 * 1024)) {
            dicom = DicomFiles.read(in, ReadOptions.attributesOnly());
        }
        Attributes a = dicom.dataset();
        String ts = dicom.transferSyntaxUid();
        if (!a.contains(Tag.PixelData)) {
            throw new ImagingException.NotFound("The instance has no pixel data");
        }
        int frames = 1;
        String nf = a.getString(Tag.NumberOfFrames);
        if (nf != null) {
            try {
                frames = Math.max(1, Integer.parseInt(nf.strip()));
            } catch (NumberFormatException e) {
                throw new ImagingException.NotAcceptable("The instance's Number of Frames is not a number");
            }
        }
        long[] value = a.unreadValue(Tag.PixelData);
        long offset = value == null ? -1 : value[0];
        long length = value == null ? -1 : value[1];
        long frameBytes = -1;
        if (TransferSyntaxes.isUncompressed(ts)) {
            frameBytes = nativeFrameBytes(a, frames);
        }
        return new StoredPixelData(file, ts, a, frames, offset, length, frameBytes);
    }

    /** Bytes per native frame; bit-packed (1 bit) frames must end on a byte boundary unless there is one frame. */
    private static long nativeFrameBytes(Attributes a, int frames) {
        int rows = orZero(a.getInt(Tag.Rows));
        int columns = orZero(a.getInt(Tag.Columns));
        int samples = a.getInt(Tag.SamplesPerPixel) == null ? 1 : a.getInt(Tag.SamplesPerPixel);
        int bits = orZero(a.getInt(Tag.BitsAllocated));
        if (rows < 1 || columns < 1 || samples < 1 || bits < 1 || (bits % 8 != 0 && bits != 1)) {
            throw new ImagingException.NotAcceptable("The instance's pixel module (Rows, Columns, Samples per Pixel, Bits Allocated)"
                    + " does not describe frames that can be cut from its pixel data");
        }
        long frameBits = (long) rows * columns * samples * bits;
        if (frameBits % 8 != 0 && frames > 1) {
            throw new ImagingException.NotAcceptable("Frames of this bit-packed pixel data do not start on byte boundaries;"
                    + " retrieve the whole instance instead");
        }
        return (frameBits + 7) / 8;
    }

    private static int orZero(Integer value) {
        return value == null ? 0 : value;
    }

    Path file() {
        return file;
    }

    String transferSyntax() {
        return transferSyntax;
    }

    Attributes dataset() {
        return dataset;
    }

    int frames() {
        return frames;
    }

    boolean isNative() {
        return TransferSyntaxes.isUncompressed(transferSyntax);
    }

    /** Whether frame bytes are read from file regions (not deflated). */
    boolean inPlace() {
        return valueOffset >= 0 && !transferSyntax.equals(TransferSyntaxes.DEFLATED);
    }

    int bitsAllocated() {
        Integer bits = dataset.getInt(Tag.BitsAllocated);
        return bits == null ? 0 : bits;
    }

    void requireFrame(int frame) {
        if (frame < 1 || frame > frames) {
            throw new ImagingException.NotFound("The instance has " + frames + " frame" + (frames == 1 ? "" : "s") + "; there is no frame " + frame);
        }
    }

    /** The file regions of native frame {@code frame} (1-based), as stored. */
    List<Region> nativeFrame(int frame) {
        requireFrame(frame);
        long start = valueOffset + (frame - 1) * frameBytes;
        if (valueLength >= 0 && (frame * frameBytes) > valueLength) {
            throw new ImagingException.NotAcceptable("The pixel data is shorter than its frames (rows x columns x samples x bits)");
        }
        return List.of(new Region(start, frameBytes));
    }

    /** The whole native value (for bulk data). */
    List<Region> nativeValue() {
        return List.of(new Region(valueOffset, Math.max(0, valueLength)));
    }

    /** Native frame {@code frame} of a deflated file: the data set is inflated (one instance in memory). */
    byte[] inflatedFrame(int frame) throws IOException {
        requireFrame(frame);
        byte[] all = DicomFiles.read(file).dataset().bytes(Tag.PixelData);
        long from = (frame - 1) * frameBytes;
        if (all == null || all.length < from + frameBytes) {
            throw new ImagingException.NotAcceptable("The pixel data is shorter than its frames (rows x columns x samples x bits)");
        }
        return java.util.Arrays.copyOfRange(all, (int) from, (int) (from + frameBytes));
    }

    /** The fragments (file regions of their values) that make up encapsulated frame {@code frame}. */
    List<Region> encapsulatedFrame(int frame) throws IOException {
        requireFrame(frame);
        if (encapsulatedFrames == null) {
            encapsulatedFrames = indexFragments();
        }
        return encapsulatedFrames.get(frame - 1);
    }

    /** One fragment: where its Item tag starts (offset tables count from the first one) and its value. */
    private record Fragment(long itemStart, Region value) {}

    private List<List<Region>> indexFragments() throws IOException {
        if (valueLength != -1 || valueOffset < 0) {
            throw new ImagingException.NotAcceptable("The instance's pixel data is not encapsulated as its transfer syntax says");
        }
        List<Fragment> fragments = new ArrayList<>();
        long[] basicOffsets;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer header = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            long position = valueOffset;
            long size = channel.size();
            Region bot = null;
            while (true) {
                header.clear();
                if (readFully(channel, header, position) < 8) {
                    throw new ImagingException.NotAcceptable("The encapsulated pixel data ends without a Sequence Delimitation Item");
                }
                int tag = (header.getShort(0) & 0xFFFF) << 16 | (header.getShort(2) & 0xFFFF);
                long length = header.getInt(4) & 0xFFFFFFFFL;
                if (tag == SEQUENCE_DELIMITER) {
                    break;
                }
                if (tag != ITEM || length == 0xFFFFFFFFL || position + 8 + length > size) {
                    throw new ImagingException.NotAcceptable("The encapsulated pixel data has a malformed fragment item");
                }
                Region value = new Region(position + 8, length);
                if (bot == null) {
                    bot = value;
                } else {
                    if (fragments.size() == MAX_FRAGMENTS) {
                        throw new ImagingException.TooLarge("The pixel data has more than " + MAX_FRAGMENTS + " fragments");
                    }
                    fragments.add(new Fragment(position, value));
                }
                position += 8 + length;
            }
            basicOffsets = readOffsets(channel, bot);
        }
        if (fragments.isEmpty()) {
            throw new ImagingException.NotAcceptable("The encapsulated pixel data has no fragments");
        }
        if (frames == 1) {
            return List.of(fragments.stream().map(Fragment::value).toList());
        }
        long[] extended = extendedOffsets();
        if (extended != null && extended.length == frames) {
            return byOffsets(fragments, extended);
        }
        if (basicOffsets.length == frames) {
            return byOffsets(fragments, basicOffsets);
        }
        if (fragments.size() == frames) {
            return fragments.stream().map(f -> List.of(f.value())).toList();
        }
        return byStartMarkers(fragments);
    }

    /** Frames from offsets (relative to the first fragment's Item tag) at which each frame's first fragment starts. */
    private List<List<Region>> byOffsets(List<Fragment> fragments, long[] offsets) {
        long first = fragments.get(0).itemStart();
        List<List<Region>> result = new ArrayList<>();
        for (int i = 0; i < offsets.length; i++) {
            long from = offsets[i];
            long to = i + 1 < offsets.length ? offsets[i + 1] : Long.MAX_VALUE;
            if (i > 0 && from <= offsets[i - 1]) {
                throw new ImagingException.NotAcceptable("The pixel data's offset table is not ascending");
            }
            List<Region> frame = fragments.stream()
                    .filter(f -> f.itemStart() - first >= from && f.itemStart() - first < to)
                    .map(Fragment::value).toList();
            if (frame.isEmpty() || fragments.stream().noneMatch(f -> f.itemStart() - first == from)) {
                throw new ImagingException.NotAcceptable("The pixel data's offset table does not point at fragments");
            }
            result.add(frame);
        }
        return result;
    }

    /** Without a usable offset table: a frame begins with each fragment that begins a JPEG, JPEG 2000 or JPEG-LS codestream. */
    private List<List<Region>> byStartMarkers(List<Fragment> fragments) throws IOException {
        List<List<Region>> result = new ArrayList<>();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer head = ByteBuffer.allocate(12);
            for (Fragment fragment : fragments) {
                head.clear().limit((int) Math.min(12, fragment.value().length()));
                readFully(channel, head, fragment.value().offset());
                if (startsCodestream(head.array(), head.position()) || result.isEmpty()) {
                    result.add(new ArrayList<>());
                }
                result.get(result.size() - 1).add(fragment.value());
            }
        }
        if (result.size() != frames) {
            throw new ImagingException.NotAcceptable("The frames of this encapsulated pixel data cannot be told apart"
                    + " (no offset table, and " + fragments.size() + " fragments for " + frames + " frames)");
        }
        return result;
    }

    private static boolean startsCodestream(byte[] b, int n) {
        boolean jpeg = n >= 2 && (b[0] & 0xFF) == 0xFF && ((b[1] & 0xFF) == 0xD8 || (b[1] & 0xFF) == 0x4F);
        boolean jp2 = n >= 8 && b[0] == 0 && b[1] == 0 && b[2] == 0 && b[3] == 0x0C && b[4] == 'j' && b[5] == 'P';
        return jpeg || jp2;
    }

    private long[] extendedOffsets() {
        byte[] bytes = dataset.bytes(EXTENDED_OFFSET_TABLE);
        if (bytes == null || bytes.length == 0 || bytes.length % 8 != 0) {
            return null;
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long[] offsets = new long[bytes.length / 8];
        for (int i = 0; i < offsets.length; i++) {
            offsets[i] = buffer.getLong();
        }
        return offsets;
    }

    private long[] readOffsets(FileChannel channel, Region bot) throws IOException {
        if (bot == null || bot.length() == 0) {
            return new long[0];
        }
        if (bot.length() % 4 != 0 || bot.length() / 4 != frames) {
            return new long[0]; // not one offset per frame: ignore it
        }
        ByteBuffer buffer = ByteBuffer.allocate((int) bot.length()).order(ByteOrder.LITTLE_ENDIAN);
        readFully(channel, buffer, bot.offset());
        buffer.flip();
        long[] offsets = new long[frames];
        for (int i = 0; i < frames; i++) {
            offsets[i] = buffer.getInt() & 0xFFFFFFFFL;
        }
        return offsets;
    }

    private static int readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        int total = 0;
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, position + total);
            if (n < 0) {
                break;
            }
            total += n;
        }
        return total;
    }
}
