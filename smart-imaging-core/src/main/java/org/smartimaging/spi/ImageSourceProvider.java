package org.smartimaging.spi;

/**
 * Builds the {@link ImageSource} for configurations whose {@code images.type} is {@link #type()}.
 * Found with {@link java.util.ServiceLoader}.
 */
public interface ImageSourceProvider {

    /** The {@code images.type} this provider handles, e.g. {@code dicom-web}. */
    String type();

    /**
     * @param images the {@code images} section; the engine owns and has read ({@code type},
     *     {@code lookup}, {@code mrn}, {@code delay}, {@code requiresAccessToken}, already read)
     */
    ImageSource create(ConfigSection images, HostEnvironment environment);
}
