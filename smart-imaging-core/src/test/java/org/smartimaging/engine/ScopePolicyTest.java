package org.smartimaging.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.smartimaging.engine.ScopePolicy.Access;
import org.smartimaging.spi.AccessGrant;
import org.smartimaging.spi.ImagingException;

class ScopePolicyTest {

    @ParameterizedTest
    @ValueSource(strings = {"patient/ImagingStudy.read", "patient/ImagingStudy.rs", "patient/ImagingStudy.*",
            "patient/*.read", "patient/*.rs", "patient/*.*", "patient/ImagingStudy.cruds"})
    void allowsPatientImagingStudyReadScopesInV1AndV2(String scope) {
        assertThat(ScopePolicy.allows(Set.of("openid", scope), "patient", Access.SEARCH)).isTrue();
        assertThat(ScopePolicy.allows(Set.of(scope), "patient", Access.READ)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"patient/Observation.read", "user/ImagingStudy.read", "system/ImagingStudy.rs",
            "patient/ImagingStudy.write", "patient/ImagingStudy.c", "patient/ImagingStudy.sr",
            "patient/ImagingStudy.rs?category=x", "launch/patient", "ImagingStudy.read", "patient/ImagingStudy"})
    void refusesScopesThatDoNotGrantPatientImagingStudyRead(String scope) {
        assertThat(ScopePolicy.allows(Set.of(scope), "patient", Access.SEARCH)).isFalse();
    }

    @Test
    void v2SearchNeedsSAndRetrievalNeedsR() {
        assertThat(ScopePolicy.allows(Set.of("patient/ImagingStudy.r"), "patient", Access.SEARCH)).isFalse();
        assertThat(ScopePolicy.allows(Set.of("patient/ImagingStudy.r"), "patient", Access.READ)).isTrue();
        assertThat(ScopePolicy.allows(Set.of("patient/ImagingStudy.s"), "patient", Access.READ)).isFalse();
    }

    @Test
    void grantsWithoutPatientNeedSystemScopes() {
        AccessGrant backend = new AccessGrant(null, Set.of("patient/*.rs"), null, "backend");

        assertThatThrownBy(() -> ScopePolicy.require(backend, Access.SEARCH))
                .isInstanceOf(ImagingException.Forbidden.class);
        ScopePolicy.require(new AccessGrant(null, Set.of("system/ImagingStudy.rs"), null, "backend"), Access.SEARCH);
    }
}
