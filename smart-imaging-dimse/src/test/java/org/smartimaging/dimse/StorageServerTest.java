package org.smartimaging.dimse;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smartimaging.dimse.net.AssociationSettings;
import org.smartimaging.dimse.net.StorageServer;
import org.smartimaging.testing.Dcmtk;
import org.smartimaging.testing.TestStudies;

/** The SDK's storage SCP (the C-MOVE destination) fed by dcmtk's storescu and checked with echoscu. */
class StorageServerTest {

    @TempDir
    Path dir;

    @Test
    void storesWhatStorescuSendsAsPart10FilesWithTheSameDataSetBytes() throws Exception {
        TestStudies.Study study = TestStudies.write(dir.resolve("data"), "MRN-S", "MR", 2, 3, 64);
        Path received = Files.createDirectories(dir.resolve("received"));
        InstanceFileWriter writer = new InstanceFileWriter(received, 1L << 30);
        try (StorageServer server = new StorageServer(InetAddress.getLoopbackAddress(), 0, "SMARTSTORE",
                new AssociationSettings(java.time.Duration.ofSeconds(5), java.time.Duration.ofSeconds(5), 4096), writer, 2)) {
            String port = String.valueOf(server.port());
            Dcmtk.run("echoscu", "-aec", "SMARTSTORE", "127.0.0.1", port).assertClean("echoscu");
            List<String> args = new ArrayList<>(List.of("-aec", "SMARTSTORE", "--max-pdu", "8192", "127.0.0.1", port));
            study.files().forEach(f -> args.add(f.toString()));
            Dcmtk.run("storescu", args.toArray(String[]::new)).assertClean("storescu");

            Dcmtk.Result wrongAe = Dcmtk.run("echoscu", "-aec", "SOMEONE", "127.0.0.1", port);
            assertThat(wrongAe.exitCode()).isNotZero();
            assertThat(wrongAe.stderr()).contains("Called AE Title Not Recognized");
        }

        CachedStudy stored = CachedStudy.index(study.studyInstanceUid(), received);
        assertThat(stored.instances()).extracting(CachedStudy.Instance::sopInstanceUid)
                .containsExactlyElementsOf(study.sopInstanceUids());
        for (CachedStudy.Instance instance : stored.instances()) {
            Path original = study.files().get(study.sopInstanceUids().indexOf(instance.sopInstanceUid()));
            assertThat(Sources.datasetBytes(stored.file(instance))).isEqualTo(Sources.datasetBytes(original));
            Dcmtk.dump(stored.file(instance)); // dcmdump reads our Part 10 file cleanly
        }
    }
}
