package org.smartimaging.dimse;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smartimaging.dicom.Attributes;
import org.smartimaging.dicom.Tag;
import org.smartimaging.dicom.Uids;
import org.smartimaging.dimse.net.Association;
import org.smartimaging.dimse.net.AssociationSettings;
import org.smartimaging.dimse.net.EchoScu;
import org.smartimaging.dimse.net.FindScu;
import org.smartimaging.dimse.net.GetScu;
import org.smartimaging.dimse.net.PresentationContext;
import org.smartimaging.dimse.net.RetrieveResult;
import org.smartimaging.dimse.net.StorageSopClasses;
import org.smartimaging.testing.TestStudies;

/** The upper layer and DIMSE services against dcmtk's dcmqrscp, a real Query/Retrieve SCP. */
class DimseProtocolTest {

    @TempDir
    static Path dir;
    static Dcmqrscp pacs;
    static TestStudies.Study study;

    @BeforeAll
    static void start() {
        pacs = new Dcmqrscp(dir.resolve("pacs"), Map.of());
        study = TestStudies.write(dir.resolve("data"), "MRN-P", "CT", 2, 3, 16);
        pacs.store(study.files());
    }

    @AfterAll
    static void stop() {
        pacs.close();
    }

    static Association connect(List<PresentationContext> contexts) throws Exception {
        return Association.connect("127.0.0.1", pacs.port(), "SMARTTEST", Dcmqrscp.AE, contexts, List.of(),
                AssociationSettings.defaults());
    }

    @Test
    void echoesOverANegotiatedAssociation() throws Exception {
        try (Association a = connect(List.of(PresentationContext.proposal(1, Uids.Verification, Uids.ImplicitVRLittleEndian)))) {
            EchoScu.echo(a);
        }
    }

    @Test
    void findsAtStudySeriesAndImageLevels() throws Exception {
        List<PresentationContext> find = List.of(PresentationContext.proposal(1, Uids.StudyRootQueryRetrieveFind,
                Uids.ExplicitVRLittleEndian, Uids.ImplicitVRLittleEndian));
        try (Association a = connect(find)) {
            List<Attributes> studies = FindScu.find(a, Uids.StudyRootQueryRetrieveFind,
                    StudyFinder.studyKeys(org.smartimaging.spi.StudyQuery.byMrn("MRN-P", 10)), 100);
            assertThat(studies).extracting(s -> s.getString(Tag.StudyInstanceUID)).containsExactly(study.studyInstanceUid());
            List<Attributes> series = FindScu.find(a, Uids.StudyRootQueryRetrieveFind,
                    StudyFinder.seriesKeys(study.studyInstanceUid()), 100);
            assertThat(series).extracting(s -> s.getString(Tag.SeriesInstanceUID))
                    .containsExactlyInAnyOrderElementsOf(study.seriesInstanceUids());
            List<Attributes> images = new ArrayList<>();
            for (String s : study.seriesInstanceUids()) {
                images.addAll(FindScu.find(a, Uids.StudyRootQueryRetrieveFind, StudyFinder.imageKeys(study.studyInstanceUid(), s), 100));
            }
            assertThat(images).extracting(i -> i.getString(Tag.SOPInstanceUID))
                    .containsExactlyInAnyOrderElementsOf(study.sopInstanceUids());
        }
    }

    @Test
    void getsAStudyWithStoreSubOperationsOnTheSameAssociation() throws Exception {
        Path target = java.nio.file.Files.createDirectories(dir.resolve("got"));
        Attributes keys = new Attributes();
        keys.setString(Tag.QueryRetrieveLevel, org.smartimaging.dicom.VR.CS, "STUDY");
        keys.setString(Tag.StudyInstanceUID, org.smartimaging.dicom.VR.UI, study.studyInstanceUid());
        RetrieveResult result;
        try (Association a = Association.connect("127.0.0.1", pacs.port(), "SMARTTEST", Dcmqrscp.AE,
                StorageSopClasses.getContexts(Uids.StudyRootQueryRetrieveGet), StorageSopClasses.getRoles(),
                AssociationSettings.defaults())) {
            result = GetScu.get(a, Uids.StudyRootQueryRetrieveGet, keys, new InstanceFileWriter(target, 1L << 30), p -> { },
                    Instant.now().plusSeconds(60));
        }
        assertThat(result.complete()).isTrue();
        assertThat(result.progress().completed()).isEqualTo(6);
        CachedStudy got = CachedStudy.index(study.studyInstanceUid(), target);
        assertThat(got.instances()).extracting(CachedStudy.Instance::sopInstanceUid)
                .containsExactlyInAnyOrderElementsOf(study.sopInstanceUids());
    }
}
