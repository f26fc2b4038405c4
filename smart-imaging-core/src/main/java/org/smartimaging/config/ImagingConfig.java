package org.smartimaging.config;

import java.util.List;
import java.util.Objects;

/**
 * The engine's own part of one configuration, parsed and validated; the providers' parts live in
 * the {@link org.smartimaging.spi.ConfigSection}s handed to them.
 *
 * @param key the configuration key from the URL ({@code open}, or {@code dyn/...} for a dynamic config)
 * @param bindingId what study tokens bind: the key of a file config, a hash of a dynamic config's JSON
 * @param authorizationType {@code authorization.type}
 * @param disableAuthzChecks {@code authorization.disableAuthzChecks}
 * @param imagesType {@code images.type}
 * @param lookup {@code images.lookup}
 * @param mrnExpressions {@code images.mrn}: FHIRPath expressions choosing the MRN from the Patient
 * @param delay {@code images.delay}
 * @param requiresAccessToken {@code images.requiresAccessToken} (ours, default true): whether a
 *     WADO request needs the access token as well as the study token in its URL
 * @param accessType {@code access.type} (ours, default {@code patient-context}): the access policy
 * @param backendServices {@code access.backendServices} (ours, default false): whether grants
 *     without patient context ({@code system/} scopes) are served, as the policy allows
 */
public record ImagingConfig(
        String key,
        String bindingId,
        String authorizationType,
        boolean disableAuthzChecks,
        String imagesType,
        Lookup lookup,
        List<String> mrnExpressions,
        Delay delay,
        boolean requiresAccessToken,
        String accessType,
        boolean backendServices) {

    /** The access policy of a configuration without an {@code access} section. */
    public static final String DEFAULT_ACCESS_TYPE = "patient-context";

    /** The reference stack's default: the identifier whose type is MR. */
    public static final String DEFAULT_MRN_EXPRESSION = "identifier.where(type.coding.code='MR').value";

    public ImagingConfig {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(bindingId, "bindingId");
        mrnExpressions = List.copyOf(mrnExpressions);
    }
}
