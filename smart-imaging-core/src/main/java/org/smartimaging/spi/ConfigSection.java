package org.smartimaging.spi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One section of a configuration ({@code authorization} or {@code images}) as a provider sees it.
 *
 * <p>Every field a provider reads is marked as used; after the providers are built, the loader
 * calls {@link #rejectUnusedFields()} so that a field nobody knows (a typo) fails the config
 * instead of silently changing behaviour. Fields whose name starts with {@code //} are the
 * reference stack's way of commenting a field out and are ignored.
 */
public final class ConfigSection {

    private final String name;
    private final ObjectNode node;
    private final Set<String> used = new LinkedHashSet<>();

    public ConfigSection(String name, ObjectNode node) {
        this.name = name;
        this.node = node;
    }

    /** The section name, e.g. {@code images}; errors name fields as {@code images.endpoint}. */
    public String name() {
        return name;
    }

    public boolean has(String field) {
        used.add(field);
        JsonNode value = node.get(field);
        return value != null && !value.isNull();
    }

    public String requireString(String field) {
        return optionalString(field).orElseThrow(() -> invalid(field, "is required"));
    }

    public Optional<String> optionalString(String field) {
        JsonNode value = get(field);
        if (value == null) {
            return Optional.empty();
        }
        if (!value.isTextual() || value.asText().isBlank()) {
            throw invalid(field, "must be a non-empty string");
        }
        return Optional.of(value.asText());
    }

    public boolean optionalBoolean(String field, boolean defaultValue) {
        JsonNode value = get(field);
        if (value == null) {
            return defaultValue;
        }
        if (!value.isBoolean()) {
            throw invalid(field, "must be true or false");
        }
        return value.booleanValue();
    }

    public Optional<Long> optionalLong(String field) {
        JsonNode value = get(field);
        if (value == null) {
            return Optional.empty();
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            throw invalid(field, "must be a whole number");
        }
        return Optional.of(value.longValue());
    }

    public long optionalLong(String field, long defaultValue, long min, long max) {
        long value = optionalLong(field).orElse(defaultValue);
        if (value < min || value > max) {
            throw invalid(field, "must be between " + min + " and " + max);
        }
        return value;
    }

    public Optional<URI> optionalUri(String field) {
        Optional<String> text = optionalString(field);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        try {
            URI uri = new URI(text.get());
            if (!uri.isAbsolute() || uri.getHost() == null) {
                throw invalid(field, "must be an absolute URL with a host");
            }
            return Optional.of(uri);
        } catch (URISyntaxException e) {
            throw invalid(field, "is not a valid URL");
        }
    }

    public URI requireUri(String field) {
        return optionalUri(field).orElseThrow(() -> invalid(field, "is required"));
    }

    public List<String> optionalStringList(String field) {
        JsonNode value = get(field);
        if (value == null) {
            return List.of();
        }
        if (value.isTextual()) {
            return List.of(value.asText());
        }
        if (!value.isArray()) {
            throw invalid(field, "must be a string or an array of strings");
        }
        List<String> list = new ArrayList<>();
        for (JsonNode item : value) {
            if (!item.isTextual()) {
                throw invalid(field, "must contain only strings");
            }
            list.add(item.asText());
        }
        return List.copyOf(list);
    }

    /** A nested object as its own section (e.g. {@code images.authentication}); empty if absent. */
    public Optional<ConfigSection> optionalSection(String field) {
        JsonNode value = get(field);
        if (value == null) {
            return Optional.empty();
        }
        if (!value.isObject()) {
            throw invalid(field, "must be a JSON object");
        }
        return Optional.of(new ConfigSection(name + "." + field, (ObjectNode) value));
    }

    /** The raw JSON of a field, for providers that parse a whole structure (e.g. a FHIR Patient). */
    public Optional<JsonNode> optionalJson(String field) {
        return Optional.ofNullable(get(field));
    }

    /** Marks fields as known without reading them (fields a provider accepts but ignores). */
    public void markUsed(String... fields) {
        used.addAll(List.of(fields));
    }

    /** Fails with a message naming the first field nobody read. */
    public void rejectUnusedFields() {
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String field = names.next();
            if (!field.startsWith("//") && !used.contains(field)) {
                throw new ImagingException.InvalidConfig(
                        "Unknown field " + name + "." + field + " (known here: " + String.join(", ", used) + ")");
            }
        }
    }

    /** An error naming {@code section.field}. */
    public ImagingException.InvalidConfig invalid(String field, String problem) {
        return new ImagingException.InvalidConfig("Config field " + name + "." + field + " " + problem);
    }

    private JsonNode get(String field) {
        used.add(field);
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value;
    }
}
