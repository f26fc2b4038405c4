package org.smartimaging.dicomweb;

import org.smartimaging.spi.ConfigSection;
import org.smartimaging.spi.HostEnvironment;
import org.smartimaging.spi.ImageSource;
import org.smartimaging.spi.ImageSourceProvider;

/**
 * The {@code dicom-web} image source: a PACS that speaks QIDO-RS and WADO-RS, put behind the SDK by
 * configuration alone. Searches become QIDO-RS queries; retrievals are forwarded to WADO-RS and the
 * answer streamed back as it arrives.
 */
public final class DicomWebSourceProvider implements ImageSourceProvider {

    public static final String TYPE = "dicom-web";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public ImageSource create(ConfigSection images, HostEnvironment environment) {
        return new DicomWebSource(DicomWebSettings.read(images, environment), environment);
    }
}
