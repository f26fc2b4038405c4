package org.smartimaging.wado;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.smartimaging.dicom.Attributes;
import org.smartimaging.dicom.DicomFile;
import org.smartimaging.dicom.DicomFileWriter;
import org.smartimaging.dicom.DicomFiles;
import org.smartimaging.dicom.Tag;
import org.smartimaging.dicom.Uids;
import org.smartimaging.spi.ImagingException;
import org.smartimaging.spi.ResponseBody;
import org.smartimaging.wado.AcceptedMediaTypes.Offer;

/**
 * WADO-RS answers built from stored Part 10 files, for every source that keeps files (folder,
 * the dimse cache): instances in the stored or a transcoded transfer syntax, frames, negotiated
 * against {@code Accept} (PS3.18 8.7). Bodies stream part by part; at most one instance is held in
 * memory, and only when it is transcoded.
 */
public final class StoredInstances {

    private static final String DICOM = "application/dicom";
    private static final String OCTETS = "application/octet-stream";

    private StoredInstances() {}

    /**
     * The instances, each in the syntax the client prefers among the stored one and, for
     * uncompressed instances, the other uncompressed syntaxes.
     *
     * @throws ImagingException.NotAcceptable when some instance cannot be sent in an accepted syntax
     */
    public static ResponseBody instances(List<Path> files, String accept) {
        List<MediaRange> ranges = MediaRange.parse(accept);
        MediaRange first = ranges.stream().filter(r -> r.acceptsMedia(DICOM)).findFirst().orElse(null);
        if (first == null) {
            throw new ImagingException.NotAcceptable(
                    "Instances are sent as multipart/related; type=\"application/dicom\" (with a transfer-syntax parameter)");
        }
        if ("*".equals(first.transferSyntax()) || first.transferSyntax() == null && first.concreteMedia() == null) {
            // Any syntax will do: no file is opened before its turn.
            return new MultipartRelatedBody(DICOM, null, files.stream().map(StoredInstances::asStored).toList())
                    .withEntityTag(FileValidator.of(files));
        }
        // A syntax is asked for: every instance is checked before the answer starts (406 rather than half a study).
        List<BodyPart> parts = new ArrayList<>();
        java.util.Set<String> chosenSyntaxes = new java.util.HashSet<>();
        for (Path file : files) {
            String stored = storedSyntax(file);
            Offer chosen = AcceptedMediaTypes.require(accept, instanceOffers(stored), "instance");
            chosenSyntaxes.add(chosen.transferSyntax());
            parts.add(chosen.transferSyntax().equals(stored) ? asStored(file, stored) : transcoded(file, chosen.transferSyntax()));
        }
        return new MultipartRelatedBody(DICOM, chosenSyntaxes.size() == 1 ? chosenSyntaxes.iterator().next() : null, parts)
                .withEntityTag(FileValidator.of(files));
    }

    /**
     * Frames (1-based) of one instance, in the stored syntax or, where the SDK can, native.
     *
     * @throws ImagingException.NotFound when a frame does not exist
     * @throws ImagingException.NotAcceptable when no accepted syntax can be sent
     */
    public static ResponseBody frames(Path file, List<Integer> frameNumbers, String accept) {
        StoredPixelData pixels;
        try {
            pixels = StoredPixelData.open(file);
        } catch (IOException e) {
            throw new ImagingException.NotAcceptable("The instance's pixel data cannot be read");
        }
        frameNumbers.forEach(pixels::requireFrame);
        Offer chosen = AcceptedMediaTypes.require(accept, frameOffers(pixels), "frame");
        String contentType = chosen.mediaType() + "; transfer-syntax=" + chosen.transferSyntax();
        FramePart frames = new FramePart(pixels, chosen.transferSyntax(), contentType);
        // Frames sent as stored are file regions, listed now (cheap); transcoded ones are made one at a time.
        Iterable<BodyPart> parts = frames.inPlace() ? frameNumbers.stream().map(frames::part).toList()
                : () -> frameNumbers.stream().map(frames::part).iterator();
        return new MultipartRelatedBody(chosen.mediaType(), chosen.transferSyntax(), parts)
                .withEntityTag(FileValidator.of(List.of(file)));
    }

    /**
     * The value of one attribute (bulk data, PS3.18 10.4.1.1.5): native Pixel Data as one part,
     * encapsulated Pixel Data as its frames, any other value as one part, little endian.
     *
     * @param attributePath tags and item indexes, e.g. {@code 7FE00010} or {@code 00540016/0/00181072}
     */
    public static ResponseBody bulkData(Path file, String attributePath, String accept) {
        List<Offer> nativeOffers = List.of(new Offer(TransferSyntaxes.EXPLICIT_LE, OCTETS),
                new Offer(TransferSyntaxes.IMPLICIT_LE, OCTETS), new Offer(TransferSyntaxes.EXPLICIT_BE, OCTETS));
        try {
            if (attributePath.equals("7FE00010")) {
                StoredPixelData pixels = StoredPixelData.open(file);
                if (!pixels.isNative()) {
                    return frames(file, java.util.stream.IntStream.rangeClosed(1, pixels.frames()).boxed().toList(), accept);
                }
                Offer chosen = AcceptedMediaTypes.require(accept, nativeOffers, "bulk data");
                String contentType = OCTETS + "; transfer-syntax=" + chosen.transferSyntax();
                boolean swap = chosen.transferSyntax().equals(TransferSyntaxes.EXPLICIT_BE) != pixels.transferSyntax()
                        .equals(TransferSyntaxes.EXPLICIT_BE) && pixels.bitsAllocated() > 8;
                BodyPart part = pixels.inPlace() && !swap ? BodyPart.ofRegions(contentType, file, pixels.nativeValue())
                        : BodyPart.of(contentType, -1, out -> {
                            byte[] value = DicomFiles.read(file).dataset().bytes(Tag.PixelData);
                            if (value != null) {
                                out.write(swap ? FramePart.swapped(value, pixels.bitsAllocated() / 8) : value);
                            }
                        });
                return new MultipartRelatedBody(OCTETS, chosen.transferSyntax(), List.of(part))
                        .withEntityTag(FileValidator.of(List.of(file)));
            }
            byte[] value = valueAt(DicomFiles.readAttributes(file).dataset(), attributePath);
            Offer chosen = AcceptedMediaTypes.require(accept, nativeOffers.subList(0, 2), "bulk data");
            return new MultipartRelatedBody(OCTETS, chosen.transferSyntax(),
                    List.of(BodyPart.ofBytes(OCTETS + "; transfer-syntax=" + chosen.transferSyntax(), value)))
                    .withEntityTag(FileValidator.of(List.of(file)));
        } catch (IOException e) {
            throw new ImagingException.NotAcceptable("The instance cannot be read");
        }
    }

    private static byte[] valueAt(Attributes dataset, String attributePath) {
        String[] steps = attributePath.split("/");
        Attributes at = dataset;
        for (int i = 0; i < steps.length - 1; i += 2) {
            org.smartimaging.dicom.Sequence sequence = at.getSequence(Integer.parseUnsignedInt(steps[i], 16));
            int item = Integer.parseInt(steps[i + 1]);
            if (sequence == null || item >= sequence.size()) {
                throw new ImagingException.NotFound("The instance has no attribute " + attributePath);
            }
            at = sequence.get(item);
        }
        int tag = Integer.parseUnsignedInt(steps[steps.length - 1], 16);
        byte[] value = at.bytes(tag);
        if (value == null || at.vr(tag) == null || !at.vr(tag).isBulk()) { // only binary values are bulk data
            throw new ImagingException.NotFound("The instance has no attribute " + attributePath + " with a value");
        }
        return value;
    }

    static List<Offer> instanceOffers(String stored) {
        List<Offer> offers = new ArrayList<>(List.of(new Offer(stored, DICOM)));
        if (TransferSyntaxes.isUncompressed(stored)) {
            for (String ts : List.of(TransferSyntaxes.EXPLICIT_LE, TransferSyntaxes.IMPLICIT_LE, TransferSyntaxes.EXPLICIT_BE,
                    TransferSyntaxes.DEFLATED)) {
                if (!ts.equals(stored)) {
                    offers.add(new Offer(ts, DICOM));
                }
            }
        }
        return offers;
    }

    /** Native frames are offered little endian first (their bytes are the same in every little endian syntax). */
    static List<Offer> frameOffers(StoredPixelData pixels) {
        List<Offer> offers = new ArrayList<>();
        String stored = pixels.transferSyntax();
        if (!pixels.isNative()) {
            offers.add(new Offer(stored, TransferSyntaxes.frameMediaType(stored)));
        }
        if (pixels.isNative() || FramePart.decodable(pixels)) {
            offers.add(new Offer(TransferSyntaxes.EXPLICIT_LE, OCTETS));
            offers.add(new Offer(TransferSyntaxes.IMPLICIT_LE, OCTETS));
            offers.add(new Offer(TransferSyntaxes.EXPLICIT_BE, OCTETS));
        }
        return offers;
    }

    private static BodyPart asStored(Path file) {
        return new BodyPart() {
            private String contentType;

            @Override
            public String contentType() {
                if (contentType == null) {
                    contentType = DICOM + "; transfer-syntax=" + storedSyntax(file);
                }
                return contentType;
            }

            @Override
            public long length() {
                return size(file);
            }

            @Override
            public void writeTo(java.io.OutputStream out) throws IOException {
                BodyPart.ofFile(contentType(), file, length()).writeTo(out);
            }
        };
    }

    private static BodyPart asStored(Path file, String stored) {
        return BodyPart.ofFile(DICOM + "; transfer-syntax=" + stored, file, size(file));
    }

    /** The instance re-encoded in another uncompressed syntax: read whole (one instance), written as it is encoded. */
    private static BodyPart transcoded(Path file, String transferSyntax) {
        return BodyPart.of(DICOM + "; transfer-syntax=" + transferSyntax, -1, out -> {
            DicomFile dicom = DicomFiles.read(file);
            Attributes meta = new Attributes().addAll(dicom.fileMetaInformation());
            meta.setString(Tag.TransferSyntaxUID, org.smartimaging.dicom.VR.UI, transferSyntax);
            meta.setString(Tag.ImplementationClassUID, org.smartimaging.dicom.VR.UI, Uids.ImplementationClassUID);
            meta.setString(Tag.ImplementationVersionName, org.smartimaging.dicom.VR.SH, Uids.ImplementationVersionName);
            DicomFileWriter.write(out, meta, dicom.dataset());
        });
    }

    static String storedSyntax(Path file) {
        try {
            String ts = DicomFiles.readFileMetaInformation(file).getString(Tag.TransferSyntaxUID);
            if (ts == null) {
                throw new ImagingException.NotAcceptable("A stored instance names no transfer syntax");
            }
            return ts;
        } catch (IOException e) {
            throw new ImagingException.NotAcceptable("A stored instance cannot be read");
        }
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
