package org.smartimaging.dicom;

/**
 * Bounds for reading untrusted DICOM, and whether to stop before pixel data. Every bound turns
 * excess into a {@link DicomParseException}; the defaults suit real images and need no tuning.
 *
 * @param stopBeforePixelData stop at top-level Pixel Data (7FE0,0010): it is recorded as present,
 *        with no value, and the stream is left at its first value byte (except for deflated data
 *        sets, whose inflater is released when reading stops)
 * @param maxValueLength largest value held in memory, pixel data excepted
 * @param maxPixelDataLength largest pixel data held in memory (native, or all fragments together)
 * @param maxTotalLength largest sum of all values held in memory for one data set
 * @param maxDepth deepest nesting of sequences
 * @param maxElements most elements and items in one data set, nested ones included
 */
public record ReadOptions(boolean stopBeforePixelData, long maxValueLength, long maxPixelDataLength,
        long maxTotalLength, int maxDepth, int maxElements) {

    public static final long DEFAULT_MAX_VALUE_LENGTH = 64L << 20;
    public static final long DEFAULT_MAX_PIXEL_DATA_LENGTH = 1L << 30;
    public static final long DEFAULT_MAX_TOTAL_LENGTH = (1L << 30) + (64L << 20);
    public static final int DEFAULT_MAX_DEPTH = 32;
    public static final int DEFAULT_MAX_ELEMENTS = 200_000;

    public ReadOptions {
        if (maxValueLength < 0 || maxPixelDataLength < 0 || maxTotalLength < 0 || maxDepth < 0 || maxElements < 0) {
            throw new IllegalArgumentException("bounds must not be negative");
        }
    }

    /** Reads everything, pixel data included, within the default bounds. */
    public static ReadOptions defaults() {
        return new ReadOptions(false, DEFAULT_MAX_VALUE_LENGTH, DEFAULT_MAX_PIXEL_DATA_LENGTH,
                DEFAULT_MAX_TOTAL_LENGTH, DEFAULT_MAX_DEPTH, DEFAULT_MAX_ELEMENTS);
    }

    /** Reads the attributes and stops before pixel data, within the default bounds. */
    public static ReadOptions attributesOnly() {
        return defaults().withStopBeforePixelData(true);
    }

    public ReadOptions withStopBeforePixelData(boolean stop) {
        return new ReadOptions(stop, maxValueLength, maxPixelDataLength, maxTotalLength, maxDepth, maxElements);
    }

    public ReadOptions withMaxValueLength(long max) {
        return new ReadOptions(stopBeforePixelData, max, maxPixelDataLength, maxTotalLength, maxDepth, maxElements);
    }

    public ReadOptions withMaxPixelDataLength(long max) {
        return new ReadOptions(stopBeforePixelData, maxValueLength, max, maxTotalLength, maxDepth, maxElements);
    }

    public ReadOptions withMaxTotalLength(long max) {
        return new ReadOptions(stopBeforePixelData, maxValueLength, maxPixelDataLength, max, maxDepth, maxElements);
    }

    public ReadOptions withMaxDepth(int max) {
        return new ReadOptions(stopBeforePixelData, maxValueLength, maxPixelDataLength, maxTotalLength, max, maxElements);
    }

    public ReadOptions withMaxElements(int max) {
        return new ReadOptions(stopBeforePixelData, maxValueLength, maxPixelDataLength, maxTotalLength, maxDepth, max);
    }
}
