package org.smartimaging.engine;

import org.smartimaging.spi.AccessDecision;
import org.smartimaging.spi.AccessGrant;
import org.smartimaging.spi.AccessPolicy;
import org.smartimaging.spi.StudyRecord;

/**
 * The default policy ({@code access.type: patient-context}): an app-launch grant sees every study
 * of the patient in its context, which the engine has already matched; a backend-services grant
 * sees nothing, since nothing says which patients the client may reach.
 */
final class PatientContextPolicy implements AccessPolicy {

    static final String TYPE = "patient-context";
    static final PatientContextPolicy INSTANCE = new PatientContextPolicy();

    private PatientContextPolicy() {}

    @Override
    public boolean permitsPatient(AccessGrant grant, String patientId) {
        return grant.mode() == AccessGrant.Mode.APP_LAUNCH;
    }

    @Override
    public AccessDecision decide(AccessGrant grant, String patientId, StudyRecord study) {
        return AccessDecision.permit();
    }
}
