package org.smartimaging.introspection;

import org.junit.jupiter.api.AfterAll;
import org.smartimaging.spi.Authorizer;
import org.smartimaging.testing.MutableClock;
import org.smartimaging.testkit.AuthorizerContract;

/** {@code smart-on-fhir} passes the Authorizer contract against a real oidc-provider and HAPI FHIR server. */
class SmartOnFhirAuthorizerContractTest extends AuthorizerContract {

    private TestEhr ehr;

    @Override
    protected Authorizer createAuthorizer() throws Exception {
        ehr = TestEhr.start(SmartOnFhirVariant.STANDARD);
        return TestEhr.authorizer(ehr.authorizationSection(), new MutableClock());
    }

    @Override
    protected String activeToken() {
        return ehr.tokenFor("A");
    }

    @Override
    protected String inactiveToken() {
        String token = ehr.tokenFor("A");
        ehr.oauth.revoke(token, TestEhr.VIEWER, null);
        return token;
    }

    @Override
    protected boolean stopAuthorizationServer() {
        ehr.oauth.close();
        return true;
    }

    @AfterAll
    void stopEhr() throws Exception {
        if (ehr != null) {
            ehr.close();
        }
    }
}
