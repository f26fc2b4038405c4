package org.smartimaging.dicom;

import java.util.HashMap;
import java.util.Map;

/**
 * The VR of the attributes this SDK meets, for implicit VR encodings where the data does not carry
 * it (PS3.6). Unknown tags are {@link VR#UN}. Where PS3.6 allows two VRs, the one implicit VR
 * little endian implies is chosen (OW for pixel data, US for pixel value descriptors).
 */
final class ElementDictionary {

    private static final Map<Integer, VR> VRS = new HashMap<>(512);

    private static void put(VR vr, int... tags) {
        for (int tag : tags) {
            if (VRS.put(tag, vr) != null) {
                throw new IllegalStateException("duplicate dictionary entry " + Tag.toString(tag));
            }
        }
    }

    static {
        put(VR.OB, Tag.FileMetaInformationVersion, Tag.DataSetTrailingPadding,
                0x00020102 /* PrivateInformation */);
        put(VR.UI, Tag.MediaStorageSOPClassUID, Tag.MediaStorageSOPInstanceUID, Tag.TransferSyntaxUID,
                Tag.ImplementationClassUID, 0x00020100 /* PrivateInformationCreatorUID */,
                Tag.AffectedSOPClassUID, Tag.RequestedSOPClassUID, Tag.AffectedSOPInstanceUID,
                Tag.RequestedSOPInstanceUID, 0x00080014 /* InstanceCreatorUID */, Tag.SOPClassUID,
                Tag.SOPInstanceUID, 0x00080058 /* FailedSOPInstanceUIDList */, Tag.SOPClassesInStudy,
                Tag.ReferencedSOPClassUID, Tag.ReferencedSOPInstanceUID, Tag.StudyInstanceUID,
                Tag.SeriesInstanceUID, Tag.FrameOfReferenceUID);
        put(VR.AE, Tag.SourceApplicationEntityTitle, 0x00020017, 0x00020018, Tag.MoveDestination,
                Tag.MoveOriginatorApplicationEntityTitle, Tag.RetrieveAETitle);
        put(VR.SH, Tag.ImplementationVersionName, Tag.AccessionNumber, Tag.CodeValue, Tag.CodingSchemeDesignator,
                Tag.TimezoneOffsetFromUTC, Tag.StationName, Tag.StudyID, 0x00181160 /* FilterType */);
        put(VR.US, Tag.CommandField, Tag.MessageID, Tag.MessageIDBeingRespondedTo, Tag.Priority,
                Tag.CommandDataSetType, Tag.Status, Tag.ErrorID, Tag.NumberOfRemainingSuboperations,
                Tag.NumberOfCompletedSuboperations, Tag.NumberOfFailedSuboperations,
                Tag.NumberOfWarningSuboperations, Tag.MoveOriginatorMessageID, Tag.FailureReason,
                Tag.SamplesPerPixel, Tag.PlanarConfiguration, Tag.Rows, Tag.Columns, Tag.BitsAllocated,
                Tag.BitsStored, Tag.HighBit, Tag.PixelRepresentation, Tag.SmallestImagePixelValue,
                Tag.LargestImagePixelValue, 0x00280120 /* PixelPaddingValue */,
                0x00281101, 0x00281102, 0x00281103 /* palette color LUT descriptors */);
        put(VR.AT, Tag.OffendingElement, 0x00209165 /* DimensionIndexPointer */,
                0x00209167 /* FunctionalGroupPointer */);
        put(VR.LO, Tag.ErrorComment, Tag.Manufacturer, Tag.InstitutionName, Tag.CodeMeaning,
                Tag.StudyDescription, Tag.SeriesDescription, Tag.InstitutionalDepartmentName,
                Tag.ManufacturerModelName, Tag.PatientID, Tag.IssuerOfPatientID, Tag.ProtocolName,
                Tag.RequestedProcedureDescription, Tag.WindowCenterWidthExplanation, Tag.RescaleType,
                Tag.PositionReferenceIndicator, 0x00181020 /* SoftwareVersions */);
        put(VR.CS, Tag.SpecificCharacterSet, Tag.ImageType, Tag.QueryRetrieveLevel, Tag.InstanceAvailability,
                Tag.Modality, Tag.ModalitiesInStudy, Tag.ConversionType, 0x00080068 /* PresentationIntentType */,
                Tag.PatientSex, Tag.BodyPartExamined, 0x00180020, 0x00180021, 0x00180022, 0x00180023,
                Tag.PatientPosition, Tag.PatientOrientation, Tag.PhotometricInterpretation,
                0x00280301 /* BurnedInAnnotation */, Tag.LossyImageCompression,
                0x00282114 /* LossyImageCompressionMethod */);
        put(VR.DA, Tag.InstanceCreationDate, Tag.StudyDate, Tag.SeriesDate, Tag.AcquisitionDate,
                Tag.ContentDate, Tag.PatientBirthDate, Tag.PerformedProcedureStepStartDate);
        put(VR.TM, Tag.InstanceCreationTime, Tag.StudyTime, Tag.SeriesTime, Tag.AcquisitionTime,
                Tag.ContentTime, Tag.PerformedProcedureStepStartTime);
        put(VR.UR, Tag.RetrieveURL);
        put(VR.PN, Tag.ReferringPhysicianName, Tag.PatientName, 0x00081050, 0x00081060, 0x00081070,
                0x00321032);
        put(VR.SQ, Tag.ProcedureCodeSequence, Tag.ReferencedStudySequence, Tag.ReferencedSeriesSequence,
                Tag.ReferencedSOPSequence, Tag.FailedSOPSequence, Tag.OtherPatientIDsSequence,
                0x00081111, 0x00081120, 0x00081140, 0x00082112, 0x00082218, 0x00089215, 0x00209221,
                0x00209222, 0x00400275, 0x00540016, 0x52009229, 0x52009230);
        put(VR.ST, Tag.DerivationDescription);
        put(VR.LT, 0x00104000 /* PatientComments */, 0x00204000 /* ImageComments */);
        put(VR.AS, Tag.PatientAge);
        put(VR.DS, Tag.PatientWeight, 0x00101020 /* PatientSize */, Tag.SliceThickness, Tag.KVP,
                Tag.RepetitionTime, Tag.EchoTime, Tag.MagneticFieldStrength, Tag.SpacingBetweenSlices,
                0x00181100 /* ReconstructionDiameter */, 0x00181164 /* ImagerPixelSpacing */,
                Tag.ImagePositionPatient, Tag.ImageOrientationPatient, Tag.SliceLocation, Tag.PixelSpacing,
                Tag.WindowCenter, Tag.WindowWidth, Tag.RescaleIntercept, Tag.RescaleSlope);
        put(VR.IS, Tag.SeriesNumber, Tag.AcquisitionNumber, Tag.InstanceNumber, Tag.NumberOfFrames,
                Tag.NumberOfStudyRelatedPatients, Tag.NumberOfStudyRelatedSeries,
                Tag.NumberOfStudyRelatedInstances, Tag.NumberOfSeriesRelatedInstances,
                0x00180091 /* EchoTrainLength */, 0x00181150 /* ExposureTime */,
                0x00200100, 0x00200105, 0x00280034 /* PixelAspectRatio */);
        put(VR.FD, 0x00189087 /* DiffusionBValue */);
        put(VR.OW, Tag.PixelData, 0x00281201, 0x00281202, 0x00281203 /* palette color LUT data */);
        put(VR.OF, Tag.FloatPixelData);
        put(VR.OD, Tag.DoubleFloatPixelData);
    }

    private ElementDictionary() {
    }

    /** The VR to assume for a tag read in an implicit VR encoding. */
    static VR vrOf(int tag) {
        if (Tag.isGroupLength(tag)) {
            return VR.UL;
        }
        if (Tag.isPrivate(tag)) {
            int element = Tag.element(tag);
            return element >= 0x0010 && element <= 0x00FF ? VR.LO : VR.UN; // private creator
        }
        VR vr = VRS.get(tag);
        if (vr != null) {
            return vr;
        }
        if ((tag & 0xFF01FFFF) == 0x60003000) {
            return VR.OW; // overlay data, repeating group 60xx
        }
        return VR.UN;
    }
}
