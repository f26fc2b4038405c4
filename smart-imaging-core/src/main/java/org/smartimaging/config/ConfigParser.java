package org.smartimaging.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import org.smartimaging.spi.ConfigSection;
import org.smartimaging.spi.ImagingException.InvalidConfig;

/**
 * Reads one configuration's JSON (the reference stack's format) into the engine's
 * {@link ImagingConfig} and the two sections handed to providers.
 */
public final class ConfigParser {

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    static {
        // Deeply nested input must not cost stack: configs are a few levels deep.
        JSON.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(32).build());
        JSON.getFactory().disable(JsonParser.Feature.ALLOW_COMMENTS);
    }

    private ConfigParser() {}

    /** A parsed configuration: the engine's part and the providers' sections. */
    /**
     * A parsed configuration: the engine's part and the providers' sections.
     *
     * @param access the {@code access} section handed to the access policy's provider (empty when absent)
     */
    public record Parsed(ImagingConfig config, ConfigSection authorization, ConfigSection images, ConfigSection access) {}

    public static Parsed parse(String key, String bindingId, byte[] json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new InvalidConfig("Configuration " + key + " is not valid JSON: " + e.getOriginalMessage());
        } catch (java.io.IOException e) {
            throw new InvalidConfig("Configuration " + key + " cannot be read");
        }
        if (root == null || !root.isObject()) {
            throw new InvalidConfig("Configuration " + key + " must be a JSON object");
        }
        ConfigSection top = new ConfigSection("(top level)", (ObjectNode) root);
        ConfigSection authorization = top.optionalSection("authorization")
                .orElseThrow(() -> new InvalidConfig("Configuration " + key + " has no authorization section"));
        ConfigSection images = top.optionalSection("images")
                .orElseThrow(() -> new InvalidConfig("Configuration " + key + " has no images section"));
        ConfigSection access = top.optionalSection("access")
                .orElseGet(() -> new ConfigSection("access", JSON.createObjectNode()));
        top.markUsed("name", "description");
        top.rejectUnusedFields();

        String authorizationType = authorization.requireString("type");
        boolean disableChecks = authorization.optionalBoolean("disableAuthzChecks", false);

        String imagesType = images.requireString("type");
        String lookupText = images.optionalString("lookup").orElse(Lookup.STUDIES_BY_MRN.configValue());
        Lookup lookup = Lookup.parse(lookupText);
        if (lookup == null) {
            throw images.invalid("lookup", "must be studies-by-mrn or all-studies-on-server, not " + lookupText);
        }
        List<String> mrn = images.optionalStringList("mrn");
        if (mrn.isEmpty()) {
            mrn = List.of(ImagingConfig.DEFAULT_MRN_EXPRESSION);
        }
        Delay delay = images.optionalSection("delay").map(ConfigParser::delay).orElse(Delay.NONE);
        boolean requiresAccessToken = images.optionalBoolean("requiresAccessToken", true);

        String accessType = access.optionalString("type").orElse(ImagingConfig.DEFAULT_ACCESS_TYPE);
        boolean backendServices = access.optionalBoolean("backendServices", false);

        ImagingConfig config = new ImagingConfig(key, bindingId, authorizationType, disableChecks, imagesType,
                lookup, mrn, delay, requiresAccessToken, accessType, backendServices);
        return new Parsed(config, authorization, images, access);
    }

    private static Delay delay(ConfigSection section) {
        Instant lookupUntil = section.optionalLong("lookupUntil").map(Instant::ofEpochSecond).orElse(null);
        Instant retrieveUntil = section.optionalLong("retrieveUntil").map(Instant::ofEpochSecond).orElse(null);
        section.rejectUnusedFields();
        return new Delay(lookupUntil, retrieveUntil);
    }
}
