package org.smartimaging.dicomweb;

import org.junit.jupiter.api.AfterAll;
import org.smartimaging.spi.ImageSource;
import org.smartimaging.testing.OrthancServer;
import org.smartimaging.testkit.ImageSourceContract;
import org.smartimaging.testkit.KitData;

/** The dicom-web source passes the ImageSource contract against a real Orthanc with its DICOMweb plugin. */
class DicomWebSourceContractTest extends ImageSourceContract {

    static final String USER = "kit";
    static final String PASSWORD = "kit-Secret-7";
    private OrthancServer orthanc;

    @Override
    protected ImageSource createSource(KitData data) {
        if (orthanc == null) {
            orthanc = OrthancServer.builder().basicAuth(USER, PASSWORD).start();
            orthanc.uploadAll(data.files());
        }
        return Sources.fromJson(Sources.basicConfig(orthanc.dicomWebUri().toString(), USER, PASSWORD, ""));
    }

    @AfterAll
    void stopOrthanc() {
        if (orthanc != null) {
            orthanc.close();
        }
    }
}
