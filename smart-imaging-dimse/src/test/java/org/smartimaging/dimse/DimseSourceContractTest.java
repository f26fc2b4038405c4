package org.smartimaging.dimse;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.smartimaging.spi.ImageSource;
import org.smartimaging.testing.OrthancServer;
import org.smartimaging.testkit.ImageSourceContract;
import org.smartimaging.testkit.KitData;

/**
 * The dicom-dimse source passes the ImageSource contract against Orthanc's DICOM port (C-FIND,
 * C-GET); retrievals answer pending while the study is fetched, which the kit waits out.
 */
class DimseSourceContractTest extends ImageSourceContract {

    private OrthancServer orthanc;
    private Path work;
    private int sources;

    @Override
    protected ImageSource createSource(KitData data) throws Exception {
        if (orthanc == null) {
            work = Files.createTempDirectory("dimse-kit");
            orthanc = OrthancServer.builder().storageDirectory(work.resolve("orthanc")).start();
            orthanc.uploadAll(data.files());
        }
        sources++;
        return Sources.create(work, """
                {"endpoint": "dimse://127.0.0.1:%d", "ae": "%s", "retrieval": "c-get", "cacheDirectory": "cache-%d"}"""
                .formatted(orthanc.dicomPort(), orthanc.aeTitle(), sources));
    }


    @AfterAll
    void stopOrthanc() {
        if (orthanc != null) {
            orthanc.close();
        }
    }
}
