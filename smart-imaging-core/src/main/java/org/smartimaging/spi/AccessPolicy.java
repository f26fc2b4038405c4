package org.smartimaging.spi;

/**
 * Decides which patients and studies a validated grant may reach, beyond what its scopes say: the
 * IG's "additional access restrictions" (a proxy user barred from a confidential study, a backend
 * client allowed only some patients and modalities). The engine asks it for every study a search
 * would return (denied ones are omitted with their Endpoints, and capabilities carry only
 * permitted studies) and before every retrieval (a request touching any denied part is refused
 * whole).
 *
 * <p>The engine has checked the token, its scopes and, for app launch, that the patient is the
 * one in context before asking; a policy never re-checks those. Implementations are thread-safe
 * and fail closed: when they cannot decide they throw (e.g. {@link ImagingException.UpstreamFailure}),
 * never permit.
 */
public interface AccessPolicy extends AutoCloseable {

    /**
     * Whether the grant may reach this patient at all. App launch: called only for the patient in
     * the token's context. Backend Services: the only source of a client's patient permission, so
     * a policy that knows nothing of the client answers {@code false}.
     *
     * @param patientId the FHIR id of the patient (the search's {@code patient}, or the patient a
     *     capability was issued for)
     */
    boolean permitsPatient(AccessGrant grant, String patientId);

    /**
     * The decision for one study of a patient {@link #permitsPatient permitted} to the grant.
     *
     * @param patientId the FHIR id of the patient the study was found for ({@code null} on open
     *     configurations without a patient)
     */
    AccessDecision decide(AccessGrant grant, String patientId, StudyRecord study);

    /** Releases connections and caches; the default holds none. */
    @Override
    default void close() {}
}
