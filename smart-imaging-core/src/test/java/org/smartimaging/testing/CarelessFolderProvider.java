package org.smartimaging.testing;

import java.util.Comparator;
import java.util.List;
import org.smartimaging.folder.FolderImageSourceProvider;
import org.smartimaging.spi.ConfigSection;
import org.smartimaging.spi.HostEnvironment;
import org.smartimaging.spi.ImageSource;
import org.smartimaging.spi.ImageSourceProvider;
import org.smartimaging.spi.Retrieval;
import org.smartimaging.spi.RetrieveRequest;
import org.smartimaging.spi.StudyQuery;
import org.smartimaging.spi.StudyRecord;

/**
 * {@code images.type: careless-folder}: a folder source that answers every study it has, whatever
 * the query asks, like a PACS that ignores QIDO-RS filters. The engine must never pass such extra
 * studies on; tests use this to prove it does not rely on sources to narrow.
 */
public final class CarelessFolderProvider implements ImageSourceProvider {

    @Override
    public String type() {
        return "careless-folder";
    }

    @Override
    public ImageSource create(ConfigSection images, HostEnvironment environment) {
        ImageSource folder = new FolderImageSourceProvider().create(images, environment);
        return new ImageSource() {
            @Override
            public List<StudyRecord> findStudies(StudyQuery query) {
                // every study, the one asked for last: a consumer that takes the first answer is caught
                return folder.findStudies(StudyQuery.allStudies(1000)).stream()
                        .sorted(Comparator.comparing(study -> study.studyInstanceUid().equals(query.studyInstanceUid())))
                        .toList();
            }

            @Override
            public Retrieval retrieve(RetrieveRequest request) {
                return folder.retrieve(request);
            }

            @Override
            public void close() {
                folder.close();
            }
        };
    }
}
