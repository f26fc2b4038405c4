package org.smartimaging.folder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smartimaging.spi.ImagingException;
import org.smartimaging.spi.RetrieveRequest;
import org.smartimaging.spi.StudyQuery;
import org.smartimaging.testing.MutableClock;
import org.smartimaging.testing.TestStudies;

class FolderImageSourceTest {

    @TempDir
    Path root;

    @Test
    void findsStudiesByPatientIdAndSkipsFilesThatAreNotDicom() throws IOException {
        TestStudies.Study a = TestStudies.write(root, "MRN-1", "CT", 2, 2, 4);
        TestStudies.write(root, "MRN-2", "MR", 1, 1, 4);
        Files.writeString(root.resolve("README.txt"), "not DICOM");
        FolderImageSource source = new FolderImageSource(new FolderIndex(root, Duration.ofSeconds(10), new MutableClock(), 1000));

        var studies = source.findStudies(StudyQuery.byMrn("MRN-1", 10));

        assertThat(studies).singleElement().satisfies(study -> {
            assertThat(study.studyInstanceUid()).isEqualTo(a.studyInstanceUid());
            assertThat(study.series()).hasSize(2);
            assertThat(study.numberOfInstances()).isEqualTo(4);
            assertThat(study.modalities()).containsExactly("CT");
        });
        assertThat(source.findStudies(StudyQuery.allStudies(10))).hasSize(2);
        assertThat(source.findStudies(StudyQuery.allStudies(1))).hasSize(1);
    }

    @Test
    void seesNewFilesAfterTheRescanInterval() {
        MutableClock clock = new MutableClock();
        FolderImageSource source = new FolderImageSource(new FolderIndex(root, Duration.ofSeconds(10), clock, 1000));
        assertThat(source.findStudies(StudyQuery.allStudies(10))).isEmpty();

        TestStudies.write(root, "MRN-3", "CT", 1, 1, 4);
        assertThat(source.findStudies(StudyQuery.allStudies(10))).isEmpty();
        clock.advance(Duration.ofSeconds(11));

        assertThat(source.findStudies(StudyQuery.allStudies(10))).hasSize(1);
    }

    @Test
    void answersNotFoundForSeriesOfAnotherStudy() {
        TestStudies.Study a = TestStudies.write(root, "MRN-1", "CT", 1, 1, 4);
        TestStudies.Study b = TestStudies.write(root, "MRN-2", "CT", 1, 1, 4);
        FolderImageSource source = new FolderImageSource(new FolderIndex(root, Duration.ofSeconds(10), new MutableClock(), 1000));

        RetrieveRequest crossed = new RetrieveRequest(a.studyInstanceUid(), b.seriesInstanceUids().get(0), null,
                RetrieveRequest.Resource.INSTANCES, java.util.List.of(), null, java.util.Map.of());

        assertThatThrownBy(() -> source.retrieve(crossed)).isInstanceOf(ImagingException.NotFound.class);
    }
}
