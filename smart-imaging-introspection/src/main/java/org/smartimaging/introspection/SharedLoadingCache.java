package org.smartimaging.introspection;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;
import org.smartimaging.spi.ImagingException;

/**
 * A bounded cache whose concurrent misses for one key share one load, run on the thread of the
 * first caller (no pool of its own, so a slow upstream cannot starve a shared executor). A failed
 * load is not cached: every waiter gets its exception and the next call tries again.
 *
 * @param <V> the cached answer
 */
final class SharedLoadingCache<V> {

    private final AsyncCache<String, V> cache;
    private final Duration waitLimit;

    /**
     * @param lifetime how long an answer is kept, decided per answer
     * @param waitLimit how long a caller waits for another caller's load
     */
    SharedLoadingCache(long maximumSize, Function<V, Duration> lifetime, Clock clock, Duration waitLimit) {
        this.waitLimit = waitLimit;
        this.cache = Caffeine.newBuilder()
                .maximumSize(maximumSize)
                .ticker(ticker(clock))
                .expireAfter(new Expiry<String, V>() {
                    @Override
                    public long expireAfterCreate(String key, V value, long currentTime) {
                        return nanos(lifetime.apply(value));
                    }

                    @Override
                    public long expireAfterUpdate(String key, V value, long currentTime, long currentDuration) {
                        return nanos(lifetime.apply(value));
                    }

                    @Override
                    public long expireAfterRead(String key, V value, long currentTime, long currentDuration) {
                        return currentDuration;
                    }
                })
                .buildAsync();
    }

    /** The cached answer for {@code key}, or the answer of {@code load} shared with concurrent callers. */
    V get(String key, Supplier<V> load) {
        CompletableFuture<V> mine = new CompletableFuture<>();
        CompletableFuture<V> existing = cache.asMap().putIfAbsent(key, mine);
        if (existing == null) {
            try {
                V value = load.get();
                mine.complete(value);
                return value;
            } catch (RuntimeException | Error e) {
                mine.completeExceptionally(e);
                cache.asMap().remove(key, mine);
                throw e;
            }
        }
        try {
            return existing.get(waitLimit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new ImagingException.UpstreamFailure("The upstream check failed", e.getCause());
        } catch (TimeoutException e) {
            throw new ImagingException.UpstreamFailure("The upstream check took too long");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ImagingException.UpstreamFailure("Interrupted while waiting for the upstream check");
        }
    }

    void invalidateAll() {
        cache.synchronous().invalidateAll();
    }

    private static long nanos(Duration duration) {
        return duration.isNegative() ? 0 : Math.min(duration.toNanos(), Long.MAX_VALUE / 2);
    }

    /** Caffeine's time from the host clock, so that tests which move the clock move expiry too. */
    private static Ticker ticker(Clock clock) {
        return () -> TimeUnit.MILLISECONDS.toNanos(clock.millis());
    }
}
