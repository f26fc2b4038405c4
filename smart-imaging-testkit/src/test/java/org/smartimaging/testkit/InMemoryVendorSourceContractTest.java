package org.smartimaging.testkit;

import java.nio.file.Path;
import org.smartimaging.spi.ImageSource;

/** The README's vendor walk-through, followed literally: a vendor source passes the kit. */
class InMemoryVendorSourceContractTest extends ImageSourceContract {

    @Override
    protected ImageSource createSource(KitData data) throws Exception {
        InMemoryVendorSource source = new InMemoryVendorSource();
        for (Path file : data.files()) {
            source.store(file);
        }
        return source;
    }
}
