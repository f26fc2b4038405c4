package org.smartimaging.engine;

import java.util.Set;
import org.smartimaging.spi.AccessGrant;
import org.smartimaging.spi.ImagingException;

/**
 * Decides whether a grant's scopes allow reading ImagingStudy, in SMART v1 ({@code patient/ImagingStudy.read},
 * {@code patient/*.read}, {@code patient/*.*}) and v2 ({@code patient/ImagingStudy.rs}, {@code patient/*.rs})
 * syntax. Patient grants need {@code patient/} scopes; grants without a patient (backend services,
 * admitted by the authorizer) need {@code system/} scopes. v2 scopes with query constraints
 * ({@code ?category=...}) are not honoured: they cannot be enforced on images.
 */
final class ScopePolicy {

    /** What a request does with ImagingStudy data. */
    enum Access {
        /** A FHIR search: v2 needs {@code s}. */
        SEARCH('s'),
        /** A DICOMweb retrieval: v2 needs {@code r}. */
        READ('r');

        private final char v2Permission;

        Access(char v2Permission) {
            this.v2Permission = v2Permission;
        }
    }

    private ScopePolicy() {}

    /**
     * Requires an ImagingStudy scope of the grant's own context: {@code patient/} for app launch,
     * {@code system/} for backend services. A scope of the other context never counts, so one
     * grant's context is not combined with another grant's scope.
     */
    static void require(AccessGrant grant, Access access) {
        String context = grant.mode() == AccessGrant.Mode.BACKEND_SERVICES ? "system" : "patient";
        if (!allows(grant.scopes(), context, access)) {
            String scope = context + "/ImagingStudy.rs";
            throw ImagingException.Forbidden.insufficientScope("The access token has no scope to read ImagingStudy; it needs "
                    + scope + " (or " + context + "/ImagingStudy.read)", scope);
        }
    }

    static boolean allows(Set<String> scopes, String context, Access access) {
        for (String scope : scopes) {
            int slash = scope.indexOf('/');
            int dot = scope.indexOf('.', slash + 1);
            if (slash < 0 || dot < 0 || scope.indexOf('?') >= 0) {
                continue;
            }
            String scopeContext = scope.substring(0, slash);
            String resource = scope.substring(slash + 1, dot);
            String permissions = scope.substring(dot + 1);
            if (scopeContext.equals(context) && (resource.equals("ImagingStudy") || resource.equals("*"))
                    && permits(permissions, access)) {
                return true;
            }
        }
        return false;
    }

    private static boolean permits(String permissions, Access access) {
        if (permissions.equals("read") || permissions.equals("*")) {
            return true;
        }
        // v2: a non-empty subset of "cruds" in that order.
        return permissions.matches("c?r?u?d?s?") && !permissions.isEmpty()
                && permissions.indexOf(access.v2Permission) >= 0;
    }
}
