package org.smartimaging.dicom;

/** A DICOM Part 10 file as read: its File Meta Information (group 0002) and its data set. */
public record DicomFile(Attributes fileMetaInformation, Attributes dataset) {

    /** The Transfer Syntax UID (0002,0010) the data set was encoded in. */
    public String transferSyntaxUid() {
        return fileMetaInformation.getString(Tag.TransferSyntaxUID);
    }
}
