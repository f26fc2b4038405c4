package org.smartimaging.access;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.smartimaging.spi.AccessPolicy;
import org.smartimaging.spi.AccessPolicyProvider;
import org.smartimaging.spi.ConfigSection;
import org.smartimaging.spi.HostEnvironment;

/**
 * {@code access.type: rules}: a {@link RulesPolicy} whose rules are given inline
 * ({@code access.rules}: an array) or in a JSON file ({@code access.rules}: a path relative to the
 * data directory, holding {@code {"rules": [...], "confidential": {...}}}), read once when the
 * configuration loads.
 */
public final class RulesPolicyProvider implements AccessPolicyProvider {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** A rules file is a list of grants, not a database. */
    private static final long MAX_RULES_FILE_BYTES = 1024 * 1024;

    @Override
    public String type() {
        return "rules";
    }

    @Override
    public AccessPolicy create(ConfigSection access, HostEnvironment environment) {
        JsonNode rules = access.optionalJson("rules").orElseThrow(() -> access.invalid("rules", "is required"));
        ConfigSection holder;
        if (rules.isTextual()) {
            holder = new ConfigSection("access.rules file", readFile(access, environment.dataDirectory(), rules.asText()));
        } else {
            ObjectNode inline = JSON.createObjectNode();
            inline.set("rules", rules);
            access.optionalJson("confidential").ifPresent(c -> inline.set("confidential", c));
            holder = new ConfigSection("access", inline);
        }
        return parse(holder);
    }

    static RulesPolicy parse(ConfigSection holder) {
        JsonNode array = holder.optionalJson("rules").orElseThrow(() -> holder.invalid("rules", "is required"));
        if (!array.isArray()) {
            throw holder.invalid("rules", "must be an array of rules");
        }
        List<AccessRule> rules = new ArrayList<>();
        int index = 0;
        for (JsonNode rule : array) {
            if (!rule.isObject()) {
                throw holder.invalid("rules[" + index + "]", "must be a JSON object");
            }
            rules.add(AccessRule.parse(new ConfigSection(holder.name() + ".rules[" + index + "]", (ObjectNode) rule)));
            index++;
        }
        Set<String> confidentialStudies = Set.of();
        Set<String> confidentialAccessions = Set.of();
        var confidential = holder.optionalSection("confidential");
        if (confidential.isPresent()) {
            confidentialStudies = AccessRule.uids(confidential.get(), "studies");
            confidentialAccessions = Set.copyOf(confidential.get().optionalStringList("accessionNumbers"));
            confidential.get().rejectUnusedFields();
        }
        holder.rejectUnusedFields();
        return new RulesPolicy(rules, confidentialStudies, confidentialAccessions);
    }

    private static ObjectNode readFile(ConfigSection access, Path dataDirectory, String name) {
        Path file = dataDirectory.resolve(name).normalize();
        if (!file.startsWith(dataDirectory.normalize())) {
            throw access.invalid("rules", "must name a file inside the data directory");
        }
        try {
            if (Files.size(file) > MAX_RULES_FILE_BYTES) {
                throw access.invalid("rules", "names a file larger than 1 MiB");
            }
            JsonNode root = JSON.readTree(file.toFile());
            if (root == null || !root.isObject()) {
                throw access.invalid("rules", "names a file that is not a JSON object");
            }
            return (ObjectNode) root;
        } catch (IOException e) {
            throw access.invalid("rules", "names a file that cannot be read as JSON (" + file.getFileName() + ")");
        }
    }
}
