package org.smartimaging.access;

import java.net.URI;
import java.time.Duration;
import org.smartimaging.spi.AccessPolicy;
import org.smartimaging.spi.AccessPolicyProvider;
import org.smartimaging.spi.ConfigSection;
import org.smartimaging.spi.HostEnvironment;

/**
 * {@code access.type: decision-service}: a {@link DecisionServicePolicy} at {@code access.url}
 * (checked like any upstream), with {@code cacheSeconds} (default 30, 0 to 3600) and
 * {@code timeoutSeconds} (default 5, 1 to 60).
 */
public final class DecisionServicePolicyProvider implements AccessPolicyProvider {

    @Override
    public String type() {
        return "decision-service";
    }

    @Override
    public AccessPolicy create(ConfigSection access, HostEnvironment environment) {
        URI url = access.requireUri("url");
        environment.upstreamPolicy().check(url);
        Duration cacheFor = Duration.ofSeconds(access.optionalLong("cacheSeconds", 30, 0, 3600));
        Duration timeout = Duration.ofSeconds(access.optionalLong("timeoutSeconds", 5, 1, 60));
        return new DecisionServicePolicy(url, timeout, cacheFor, environment.clock());
    }
}
