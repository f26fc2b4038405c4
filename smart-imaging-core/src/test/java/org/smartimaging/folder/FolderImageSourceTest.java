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
import org.smartimaging.testing.Bodies;
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

    @Test
    void rendersTheAskedFrameOfAMultiFrameImage() throws Exception {
        String study = TestStudies.newUid();
        String series = TestStudies.newUid();
        String sop = TestStudies.newUid();
        org.smartimaging.dicom.Attributes image = TestStudies.image("MRN-MF", "CT", study, series, 1, sop, 1, 4);
        image.setInt(org.smartimaging.dicom.Tag.NumberOfFrames, org.smartimaging.dicom.VR.IS, 3);
        byte[] pixels = new byte[3 * 4 * 4 * 2];
        for (int frame = 0; frame < 3; frame++) {
            for (int p = 0; p < 16; p++) {
                int value = frame * 2000; // frame 1 black, frame 2 mid grey, frame 3 white in 0..4000
                pixels[(frame * 16 + p) * 2] = (byte) value;
                pixels[(frame * 16 + p) * 2 + 1] = (byte) (value >> 8);
            }
        }
        image.setBytes(org.smartimaging.dicom.Tag.PixelData, org.smartimaging.dicom.VR.OW, pixels);
        Files.createDirectories(root.resolve("mf"));
        org.smartimaging.dicom.DicomFileWriter.write(root.resolve("mf/1.dcm"), image, org.smartimaging.dicom.Uids.ExplicitVRLittleEndian);
        FolderImageSource source = new FolderImageSource(new FolderIndex(root, Duration.ofSeconds(10), new MutableClock(), 1000));

        int[] centre = new int[3];
        for (int frame = 1; frame <= 3; frame++) {
            var body = ((org.smartimaging.spi.Retrieval.Ready) source.retrieve(new RetrieveRequest(study, series, sop,
                    RetrieveRequest.Resource.RENDERED, java.util.List.of(frame), "image/png",
                    java.util.Map.of("window", java.util.List.of("2000,4000"))))).body();
            centre[frame - 1] = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(Bodies.read(body))).getRaster().getSample(2, 2, 0);
        }

        assertThat(centre[0]).isLessThan(centre[1]);
        assertThat(centre[1]).isLessThan(centre[2]);
        assertThatThrownBy(() -> source.retrieve(new RetrieveRequest(study, series, sop, RetrieveRequest.Resource.RENDERED,
                java.util.List.of(9), null, java.util.Map.of()))).isInstanceOf(ImagingException.NotFound.class);
    }
}
