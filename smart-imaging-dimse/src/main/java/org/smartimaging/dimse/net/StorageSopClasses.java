package org.smartimaging.dimse.net;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.smartimaging.dicom.Uids;

/**
 * The storage SOP classes and transfer syntaxes the SDK stores as they arrive (no transcoding): the
 * presentation contexts a C-GET proposes, and what the C-MOVE destination accepts.
 */
public final class StorageSopClasses {

    /** Image and document storage SOP classes a viewer meets (PS3.4 B.5). */
    public static final List<String> COMMON = List.of(
            Uids.CTImageStorage, Uids.MRImageStorage, Uids.ComputedRadiographyImageStorage,
            Uids.UltrasoundImageStorage, Uids.SecondaryCaptureImageStorage,
            "1.2.840.10008.5.1.4.1.1.1.1", // Digital X-Ray, for presentation
            "1.2.840.10008.5.1.4.1.1.1.2", // Digital Mammography, for presentation
            "1.2.840.10008.5.1.4.1.1.3.1", // Ultrasound Multi-frame
            "1.2.840.10008.5.1.4.1.1.12.1", // X-Ray Angiographic
            "1.2.840.10008.5.1.4.1.1.12.2", // X-Ray Radiofluoroscopic
            "1.2.840.10008.5.1.4.1.1.20", // Nuclear Medicine
            "1.2.840.10008.5.1.4.1.1.128", // PET
            "1.2.840.10008.5.1.4.1.1.2.1", // Enhanced CT
            "1.2.840.10008.5.1.4.1.1.4.1", // Enhanced MR
            "1.2.840.10008.5.1.4.1.1.7.2", // Multi-frame Grayscale Byte SC
            "1.2.840.10008.5.1.4.1.1.7.3", // Multi-frame Grayscale Word SC
            "1.2.840.10008.5.1.4.1.1.7.4", // Multi-frame True Color SC
            "1.2.840.10008.5.1.4.1.1.77.1.4", // VL Photographic
            "1.2.840.10008.5.1.4.1.1.11.1", // Grayscale Softcopy Presentation State
            "1.2.840.10008.5.1.4.1.1.88.11", // Basic Text SR
            "1.2.840.10008.5.1.4.1.1.88.22", // Enhanced SR
            "1.2.840.10008.5.1.4.1.1.88.33", // Comprehensive SR
            "1.2.840.10008.5.1.4.1.1.88.59", // Key Object Selection
            "1.2.840.10008.5.1.4.1.1.104.1", // Encapsulated PDF
            "1.2.840.10008.5.1.4.1.1.66.4", // Segmentation
            "1.2.840.10008.5.1.4.1.1.481.1", // RT Image
            "1.2.840.10008.5.1.4.1.1.481.2", // RT Dose
            "1.2.840.10008.5.1.4.1.1.481.3"); // RT Structure Set

    /** The image classes for which compressed transfer syntaxes are proposed too (contexts are limited to 128). */
    private static final List<String> COMPRESSIBLE = COMMON.subList(0, 12);

    /** Transfer syntaxes stored as received: uncompressed, and encapsulated pixel data kept as is. */
    public static final List<String> TRANSFER_SYNTAXES = List.of(
            Uids.ExplicitVRLittleEndian, Uids.ImplicitVRLittleEndian, Uids.ExplicitVRBigEndian,
            Uids.JPEGBaseline8Bit, "1.2.840.10008.1.2.4.51", Uids.JPEGLosslessSV1, "1.2.840.10008.1.2.4.57",
            Uids.JPEG2000Lossless, "1.2.840.10008.1.2.4.91", Uids.RLELossless, "1.2.840.10008.1.2.4.80",
            "1.2.840.10008.1.2.4.81");

    private static final List<String> COMPRESSED_PROPOSED = List.of(Uids.JPEGBaseline8Bit, Uids.JPEGLosslessSV1,
            Uids.JPEG2000Lossless, "1.2.840.10008.1.2.4.91", Uids.RLELossless);

    private StorageSopClasses() {}

    /**
     * Contexts for a C-GET: first the retrieve SOP class itself (id 1), then each storage class with
     * one transfer syntax per context, so that the archive can pick the one each instance is stored in.
     */
    public static List<PresentationContext> getContexts(String getSopClassUid) {
        List<PresentationContext> contexts = new ArrayList<>();
        contexts.add(PresentationContext.proposal(1, getSopClassUid, Uids.ExplicitVRLittleEndian, Uids.ImplicitVRLittleEndian));
        int id = 3;
        for (String sopClass : COMMON) {
            contexts.add(PresentationContext.proposal(id, sopClass, Uids.ExplicitVRLittleEndian));
            contexts.add(PresentationContext.proposal(id + 2, sopClass, Uids.ImplicitVRLittleEndian));
            id += 4;
        }
        for (String sopClass : COMPRESSIBLE) {
            for (String ts : COMPRESSED_PROPOSED) {
                if (id > 255) {
                    return contexts;
                }
                contexts.add(PresentationContext.proposal(id, sopClass, ts));
                id += 2;
            }
        }
        return contexts;
    }

    /** SCP role for every storage class (PS3.4 C.4.3.1: the C-GET SCU acts as storage SCP). */
    public static List<RoleSelection> getRoles() {
        return COMMON.stream().map(uid -> new RoleSelection(uid, false, true)).toList();
    }

    /**
     * What a storage SCP accepts for a proposed context: Verification, and any storage SOP class in the
     * first transfer syntax proposed that can be stored as is.
     */
    public static Optional<String> accept(PresentationContext proposed) {
        String as = proposed.abstractSyntax();
        if (as.equals(Uids.Verification)) {
            return proposed.transferSyntaxes().contains(Uids.ImplicitVRLittleEndian)
                    ? Optional.of(Uids.ImplicitVRLittleEndian) : proposed.transferSyntaxes().stream().findFirst();
        }
        if (!as.startsWith("1.2.840.10008.5.1.4.1.1.")) {
            return Optional.empty();
        }
        return proposed.transferSyntaxes().stream().filter(TRANSFER_SYNTAXES::contains).findFirst();
    }
}
