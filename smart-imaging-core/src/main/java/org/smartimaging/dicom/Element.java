package org.smartimaging.dicom;

/**
 * One data element as held in {@link Attributes}. {@code value} is a {@code byte[]} (binary numbers
 * always little endian, whatever the transfer syntax read), a {@link Sequence}, {@link Fragments}
 * (encapsulated pixel data), or {@link BulkData} (a value left in the source, not read).
 */
record Element(int tag, VR vr, Object value) {

    /** Length of the value as held (padding excluded for values built in memory). */
    long length() {
        if (value instanceof byte[] b) {
            return b.length;
        }
        if (value instanceof BulkData d) {
            return d.length();
        }
        return -1;
    }
}
