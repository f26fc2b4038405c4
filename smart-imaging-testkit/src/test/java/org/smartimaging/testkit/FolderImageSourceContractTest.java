package org.smartimaging.testkit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import org.smartimaging.folder.FolderImageSourceProvider;
import org.smartimaging.spi.ConfigSection;
import org.smartimaging.spi.HostEnvironment;
import org.smartimaging.spi.ImageSource;

/**
 * Core's {@code folder} source passes the kit. It lives here, not in core's test tree, because the
 * kit depends on core (core's tests depending on the kit would be a cycle).
 */
class FolderImageSourceContractTest extends ImageSourceContract {

    @Override
    protected ImageSource createSource(KitData data) {
        // The kit wrote {dataDirectory}/{MRN}/...: the folder source reads that directory as is.
        java.nio.file.Path root = data.files().get(0).getParent().getParent().getParent().getParent();
        ObjectNode images = new ObjectMapper().createObjectNode().put("type", "folder").put("directory", ".");
        images.put("rescanSeconds", 0);
        ConfigSection section = new ConfigSection("images", images);
        section.markUsed("type");
        return new FolderImageSourceProvider().create(section,
                new HostEnvironment(root, Clock.systemUTC(), HostEnvironment.UpstreamPolicy.ALLOW_ALL, "kit"));
    }

}
