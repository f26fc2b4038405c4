package org.smartimaging.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.smartimaging.spi.AccessGrant;
import org.smartimaging.spi.Authorizer;
import org.smartimaging.spi.ImagingException;

/**
 * What every {@link Authorizer} must do (the SPI: "never return a grant for a token it could not
 * check"), as JUnit 5 tests against your real authorization server. Implement
 * {@link #createAuthorizer()} and {@link #activeToken()}; offer {@link #inactiveToken()} and
 * {@link #stopAuthorizationServer()} when your server can revoke and be stopped, and the kit checks
 * those cases too. The server-down test runs last.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
public abstract class AuthorizerContract {

    private Authorizer authorizer;

    /** The authorizer under test, built as your provider builds it for a configuration. */
    protected abstract Authorizer createAuthorizer() throws Exception;

    /** A token your authorization server issued, active, with an ImagingStudy read scope. */
    protected abstract String activeToken() throws Exception;

    /** A token your server issued and then revoked (or that expired); {@code null} if it cannot make one. */
    protected String inactiveToken() throws Exception {
        return null;
    }

    /** Makes the authorization server unreachable; {@code false} if the test cannot. */
    protected boolean stopAuthorizationServer() throws Exception {
        return false;
    }

    @BeforeAll
    final void start() throws Exception {
        authorizer = createAuthorizer();
    }

    @Test
    @Order(1)
    public void refusesARequestWithoutAToken() {
        assertThat(catchThrowable(() -> authorizer.authorize(null))).isInstanceOf(ImagingException.Unauthorized.class);
    }

    @Test
    @Order(1)
    public void refusesATokenTheServerNeverIssued() {
        assertThat(catchThrowable(() -> authorizer.authorize(neverIssued()))).isInstanceOf(ImagingException.Unauthorized.class);
    }

    @Test
    @Order(1)
    public void refusesAnInactiveToken() throws Exception {
        String inactive = inactiveToken();
        if (inactive == null) {
            return;
        }
        assertThat(catchThrowable(() -> authorizer.authorize(inactive))).isInstanceOf(ImagingException.Unauthorized.class);
    }

    @Test
    @Order(1)
    public void grantsAnActiveTokenItsScopesAndExpiryWithoutCarryingIt() throws Exception {
        String token = activeToken();

        AccessGrant grant = authorizer.authorize(token);

        assertThat(grant.scopes()).isNotEmpty();
        assertThat(grant.scopes()).anyMatch(scope -> scope.contains("ImagingStudy") || scope.contains("*"));
        assertThat(grant.expiresAt()).as("a real token expires").isNotNull().isAfter(Instant.now());
        assertThat(grant.toString()).doesNotContain(token);
    }

    @Test
    @Order(1)
    public void answersConcurrentRequestsForOneTokenAlike() throws Exception {
        String token = activeToken();
        AccessGrant expected = authorizer.authorize(token);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<AccessGrant>> grants = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                grants.add(pool.submit(() -> authorizer.authorize(token)));
            }
            for (Future<AccessGrant> grant : grants) {
                assertThat(grant.get(60, TimeUnit.SECONDS)).isEqualTo(expected);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    @Order(Integer.MAX_VALUE)
    public void failsClosedWhenTheAuthorizationServerIsDown() throws Exception {
        if (!stopAuthorizationServer()) {
            return;
        }
        Throwable failure = catchThrowable(() -> authorizer.authorize(neverIssued()));

        assertThat(failure).as("no grant for a token that could not be checked")
                .isInstanceOfAny(ImagingException.UpstreamFailure.class, ImagingException.Unauthorized.class);
    }

    private static String neverIssued() {
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }
}
