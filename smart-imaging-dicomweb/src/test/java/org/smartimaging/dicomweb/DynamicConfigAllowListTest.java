package org.smartimaging.dicomweb;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smartimaging.engine.ImagingEngine;
import org.smartimaging.engine.ImagingRequest;
import org.smartimaging.engine.ImagingResponse;
import org.smartimaging.engine.ServerOptions;
import org.smartimaging.testing.Bodies;

/** A dynamic configuration may point the server only at upstream hosts the host allowed. */
class DynamicConfigAllowListTest {

    @TempDir
    Path data;

    private static String dynamicConfig(String endpoint) {
        String json = """
                {"authorization": {"type": "mock", "disableAuthzChecks": true},
                 "images": {"type": "dicom-web", "lookup": "all-studies-on-server", "endpoint": "%s"}}""".formatted(endpoint);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    private static ImagingResponse metadata(ImagingEngine engine, String encoded) {
        return engine.handle(ImagingRequest.get("/dyn/" + encoded + "/fhir/metadata", Map.of(), Map.of(), "http://localhost/api"));
    }

    @Test
    void acceptsAnAllowedUpstreamAndRefusesAnyOther() throws Exception {
        try (ImagingEngine engine = new ImagingEngine(ServerOptions.builder().dataDirectory(data).randomStudyTokenKey()
                .dynamicConfigs(true, Set.of("pacs.example.org")).build())) {
            ImagingResponse allowed = metadata(engine, dynamicConfig("http://pacs.example.org/dicom-web"));
            ImagingResponse refused = metadata(engine, dynamicConfig("http://169.254.169.254/latest"));

            assertThat(allowed.status()).isEqualTo(200);
            Bodies.read(allowed.body());
            assertThat(refused.status()).isEqualTo(400);
            String outcome = new ObjectMapper().readTree(Bodies.read(refused.body())).path("issue").get(0)
                    .path("diagnostics").asText();
            assertThat(outcome).contains("may not name the upstream 169.254.169.254").contains("pacs.example.org");
        }
    }
}
