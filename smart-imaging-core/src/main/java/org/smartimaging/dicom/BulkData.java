package org.smartimaging.dicom;

/**
 * A value the reader did not load: pixel data when reading stopped before it. {@code offset} is the
 * position of the value's first byte in the decoded stream; {@code length} is -1 if undefined
 * (encapsulated).
 */
record BulkData(long offset, long length) {
}
