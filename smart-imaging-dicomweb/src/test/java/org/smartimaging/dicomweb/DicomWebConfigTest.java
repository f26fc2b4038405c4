package org.smartimaging.dicomweb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.smartimaging.spi.ConfigSection;
import org.smartimaging.spi.HostEnvironment;
import org.smartimaging.spi.ImageSource;
import org.smartimaging.spi.ImagingException;

/** The {@code images} section of a {@code dicom-web} configuration. */
class DicomWebConfigTest {

    @Test
    void isFoundByTypeDicomWebWithDefaults() throws Exception {
        DicomWebSettings settings = settings("""
                {"type": "dicom-web", "endpoint": "http://pacs.example:8042/dicom-web/"}""");

        assertThat(settings.endpoint()).hasToString("http://pacs.example:8042/dicom-web");
        assertThat(settings.authentication()).isInstanceOf(UpstreamAuthentication.Open.class);
        assertThat(settings.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(settings.requestTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(settings.readTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(settings.maxStudies()).isEqualTo(1000);
        assertThat(settings.concurrency()).isEqualTo(4);
        try (ImageSource source = Sources.fromJson("""
                {"type": "dicom-web", "lookup": "all-studies-on-server", "endpoint": "http://pacs.example/dicom-web",
                 "authentication": {"type": "open"}, "connectTimeoutSeconds": 3, "requestTimeoutSeconds": 20,
                 "readTimeoutSeconds": 30, "maxStudies": 50, "concurrency": 2, "//comment": "ignored"}""")) {
            assertThat(source).isInstanceOf(DicomWebSource.class);
        }
    }

    @Test
    void rejectsAnUnknownField() {
        assertThatThrownBy(() -> Sources.fromJson("""
                {"type": "dicom-web", "endpoint": "http://pacs.example/dicom-web", "endpiont": "typo"}"""))
                .isInstanceOf(ImagingException.InvalidConfig.class)
                .hasMessageContaining("images.endpiont");
    }

    @Test
    void rejectsAnUnknownAuthenticationField() {
        assertThatThrownBy(() -> Sources.fromJson("""
                {"type": "dicom-web", "endpoint": "http://pacs.example/dicom-web",
                 "authentication": {"type": "http-basic", "username": "u", "password": "p", "token": "t"}}"""))
                .isInstanceOf(ImagingException.InvalidConfig.class)
                .hasMessageContaining("images.authentication.token");
    }

    @Test
    void rejectsAnUnknownAuthenticationType() {
        assertThatThrownBy(() -> settings("""
                {"type": "dicom-web", "endpoint": "http://pacs.example/dicom-web",
                 "authentication": {"type": "kerberos"}}"""))
                .isInstanceOf(ImagingException.InvalidConfig.class)
                .hasMessageContaining("images.authentication.type");
    }

    @Test
    void requiresTheEndpointAndRejectsCredentialsInIt() {
        assertThatThrownBy(() -> settings("{\"type\": \"dicom-web\"}"))
                .isInstanceOf(ImagingException.InvalidConfig.class)
                .hasMessageContaining("images.endpoint");
        assertThatThrownBy(() -> settings("""
                {"type": "dicom-web", "endpoint": "http://user:Secret-In-Url@pacs.example/dicom-web"}"""))
                .isInstanceOf(ImagingException.InvalidConfig.class)
                .hasMessageContaining("must not carry credentials")
                .hasMessageNotContaining("Secret-In-Url");
        assertThatThrownBy(() -> settings("""
                {"type": "dicom-web", "endpoint": "ftp://pacs.example/dicom-web"}"""))
                .isInstanceOf(ImagingException.InvalidConfig.class);
    }

    @Test
    void rejectsOutOfRangeNumbers() {
        assertThatThrownBy(() -> settings("""
                {"type": "dicom-web", "endpoint": "http://pacs.example/dicom-web", "concurrency": 0}"""))
                .isInstanceOf(ImagingException.InvalidConfig.class)
                .hasMessageContaining("images.concurrency");
    }

    @Test
    void asksTheHostsUpstreamPolicyAboutTheEndpointAndTheTokenEndpoint() {
        HostEnvironment strict = new HostEnvironment(Path.of("."), Clock.systemUTC(), uri -> {
            if (!uri.getHost().equals("pacs.example")) {
                throw new ImagingException.InvalidConfig("Upstream host not allowed: " + uri.getHost());
            }
        }, "dyn");
        assertThatThrownBy(() -> DicomWebSettings.read(section("""
                {"type": "dicom-web", "endpoint": "http://169.254.169.254/latest"}"""), strict))
                .isInstanceOf(ImagingException.InvalidConfig.class);
        assertThatThrownBy(() -> DicomWebSettings.read(section("""
                {"type": "dicom-web", "endpoint": "http://pacs.example/dicom-web",
                 "authentication": {"type": "client-credentials", "tokenEndpoint": "http://evil.example/token",
                  "clientId": "c", "clientSecret": "s"}}"""), strict))
                .isInstanceOf(ImagingException.InvalidConfig.class)
                .hasMessageContaining("evil.example");
    }

    @Test
    void neverShowsSecretsInItsDescription() {
        for (String authentication : new String[] {
            "{\"type\": \"http-basic\", \"username\": \"u\", \"password\": \"Pass-Word-1\"}",
            "{\"type\": \"bearer\", \"token\": \"Pass-Word-1\"}",
            "{\"type\": \"client-credentials\", \"tokenEndpoint\": \"https://as.example/token\","
                    + " \"clientId\": \"c\", \"clientSecret\": \"Pass-Word-1\"}"
        }) {
            DicomWebSettings settings = settings("""
                    {"type": "dicom-web", "endpoint": "http://pacs.example/dicom-web", "authentication": %s}"""
                    .formatted(authentication));
            assertThat(settings.toString()).doesNotContain("Pass-Word-1").doesNotContain("UGFzcy1Xb3JkLTE");
        }
    }

    private static DicomWebSettings settings(String json) {
        return DicomWebSettings.read(section(json), new HostEnvironment(Path.of("."), Clock.systemUTC(),
                HostEnvironment.UpstreamPolicy.ALLOW_ALL, "test"));
    }

    private static ConfigSection section(String json) {
        try {
            return new ConfigSection("images", (ObjectNode) Sources.JSON.readTree(json));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
