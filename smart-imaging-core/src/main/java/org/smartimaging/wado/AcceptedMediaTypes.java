package org.smartimaging.wado;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.smartimaging.spi.ImagingException;

/**
 * Checks a WADO-RS {@code Accept} header against what a source can send (PS3.18 8.7): media types,
 * their {@code transfer-syntax} parameters and q-values. {@link #choose} picks, from the
 * representations a source offers (the stored one first, then what it can transcode to), the one
 * the client prefers, or answers 406 naming what is available.
 */
public final class AcceptedMediaTypes {

    private AcceptedMediaTypes() {}

    /** @throws ImagingException.NotAcceptable when the client accepts no DICOM multipart */
    public static void requireDicomMultipart(String accept) {
        if (accept == null || accept.isBlank()) {
            return;
        }
        for (String range : accept.toLowerCase(Locale.ROOT).split(",")) {
            String type = range.split(";")[0].strip();
            if (type.equals("*/*") || type.equals("multipart/*") || type.equals("application/dicom")
                    || (type.equals("multipart/related") && (range.contains("application/dicom") || !range.contains("type=")))) {
                return;
            }
        }
        throw new ImagingException.NotAcceptable(
                "This source sends instances as multipart/related; type=\"application/dicom\" in their stored transfer syntax");
    }

    /** @throws ImagingException.NotAcceptable when the client accepts no JSON */
    public static void requireDicomJson(String accept) {
        if (accept == null || accept.isBlank()) {
            return;
        }
        String lower = accept.toLowerCase(Locale.ROOT);
        if (lower.contains("application/dicom+json") || lower.contains("application/json") || lower.contains("*/*")
                || lower.contains("application/*")) {
            return;
        }
        throw new ImagingException.NotAcceptable("Metadata is sent as application/dicom+json");
    }

    /** A representation a source can send: parts of {@code mediaType} in {@code transferSyntax}. */
    public record Offer(String transferSyntax, String mediaType) {}

    /**
     * The offer the client prefers, or null if it accepts none. {@code offers} start with the stored
     * representation. A range whose {@code transfer-syntax} is {@code *} takes the stored one; a range
     * without it takes its media type's default syntax (PS3.18 Table 8.7.3-5), except that
     * {@code application/dicom} then falls back to the stored syntax when it cannot be made
     * explicit VR little endian (clients that name no syntax expect the instance, not a 406).
     */
    static Offer choose(String accept, List<Offer> offers) {
        Offer stored = offers.get(0);
        for (MediaRange range : MediaRange.parse(accept)) {
            String concrete = range.concreteMedia();
            for (Offer offer : offers) {
                boolean isStored = offer == stored;
                String ts = range.transferSyntax();
                boolean mediaOk = range.acceptsMedia(offer.mediaType())
                        // "octet-stream; transfer-syntax=*" (OHIF) takes stored compressed frames too, labelled as asked.
                        || isStored && "*".equals(ts) && "application/octet-stream".equals(concrete);
                if (!mediaOk) {
                    continue;
                }
                boolean syntaxOk;
                if ("*".equals(ts)) {
                    syntaxOk = isStored;
                } else if (ts == null) {
                    String wanted = concrete == null ? null : TransferSyntaxes.defaultFor(concrete);
                    syntaxOk = wanted == null ? isStored : offer.transferSyntax().equals(wanted)
                            || isStored && concrete.equals("application/dicom")
                                    && offers.stream().noneMatch(o -> o.transferSyntax().equals(wanted));
                } else {
                    syntaxOk = offer.transferSyntax().equals(ts);
                }
                if (syntaxOk) {
                    return isStored && "*".equals(ts) && concrete != null ? new Offer(offer.transferSyntax(), concrete) : offer;
                }
            }
        }
        return null;
    }

    /** {@link #choose}, or 406 naming what is available. */
    static Offer require(String accept, List<Offer> offers, String what) {
        Offer offer = choose(accept, offers);
        if (offer == null) {
            throw new ImagingException.NotAcceptable(notAcceptable(what, offers));
        }
        return offer;
    }

    static String notAcceptable(String what, List<Offer> offers) {
        return "None of the accepted media types can be sent for this " + what + "; available: "
                + offers.stream().map(o -> "multipart/related; type=\"" + o.mediaType() + "\"; transfer-syntax=" + o.transferSyntax())
                        .distinct().collect(Collectors.joining(", "))
                + " (stored in " + offers.get(0).transferSyntax() + ")";
    }
}
