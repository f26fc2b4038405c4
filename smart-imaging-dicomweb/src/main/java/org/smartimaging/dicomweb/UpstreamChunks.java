package org.smartimaging.dicomweb;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A response body as the HTTP client's own buffers, handed to one reading thread through a small
 * queue. Unlike {@code BodyHandlers.ofInputStream()} it asks for a few buffer lists ahead (so the
 * client keeps reading the socket while the reader writes) and lets the reader write each buffer
 * as it is, without copying it into an array first. A read waits at most a given time, so a PACS
 * that stops sending is noticed without a watchdog thread.
 */
final class UpstreamChunks implements HttpResponse.BodySubscriber<UpstreamChunks> {

    /** Buffer lists requested ahead of the reader. */
    private static final int PREFETCH = 4;
    /** Marks the end by identity; its own instance, as the client may pass an empty List.of() as data. */
    private static final List<ByteBuffer> END = Collections.unmodifiableList(new ArrayList<>());

    private final BlockingQueue<List<ByteBuffer>> queue = new ArrayBlockingQueue<>(PREFETCH + 2);
    private final CompletableFuture<Flow.Subscription> subscribed = new CompletableFuture<>();
    private volatile Throwable error;
    private volatile boolean closed;
    /** Who {@link #poll} promised to call when something arrives. */
    private final AtomicReference<Runnable> waiter = new AtomicReference<>();
    private volatile long lastArrival = System.nanoTime();
    private Iterator<ByteBuffer> current;
    private boolean ended;

    /** What {@link #next} says when nothing came within the wait, and {@link #poll} when nothing is there yet. */
    static final ByteBuffer STALLED = ByteBuffer.allocate(0);

    static HttpResponse.BodyHandler<UpstreamChunks> handler() {
        return info -> new UpstreamChunks();
    }

    @Override
    public CompletionStage<UpstreamChunks> getBody() {
        return CompletableFuture.completedFuture(this);
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        if (closed) {
            subscription.cancel();
            return;
        }
        subscribed.complete(subscription);
        subscription.request(PREFETCH);
    }

    @Override
    public void onNext(List<ByteBuffer> item) {
        lastArrival = System.nanoTime();
        queue.offer(item);
        wake();
    }

    @Override
    public void onError(Throwable throwable) {
        error = throwable;
        queue.offer(END);
        wake();
    }

    @Override
    public void onComplete() {
        queue.offer(END);
        wake();
    }

    private void wake() {
        Runnable whenReady = waiter.getAndSet(null);
        if (whenReady != null) {
            whenReady.run();
        }
    }

    /** When the PACS last sent something (System.nanoTime). */
    long lastArrival() {
        return lastArrival;
    }

    /** True while a {@link #poll} caller waits for the PACS (and not for its own client). */
    boolean awaited() {
        return waiter.get() != null;
    }

    /**
     * Like {@link #next} but never waits: {@link #STALLED} when nothing is there yet, and then
     * {@code whenReady} runs once (on the client's thread) when something arrives or the body ends.
     */
    ByteBuffer poll(Runnable whenReady) throws IOException {
        while (true) {
            ByteBuffer buffer = fromCurrent();
            if (buffer != null) {
                return buffer;
            }
            if (ended) {
                return null;
            }
            List<ByteBuffer> item = queue.poll();
            if (item == null) {
                waiter.set(whenReady);
                item = queue.poll(); // it may have arrived just before we registered
                if (item == null) {
                    return STALLED;
                }
                waiter.compareAndSet(whenReady, null);
            }
            take(item);
        }
    }

    private ByteBuffer fromCurrent() {
        while (current != null && current.hasNext()) {
            ByteBuffer buffer = current.next();
            if (buffer.hasRemaining()) {
                return buffer;
            }
        }
        current = null; // let the client's buffers go as soon as they are written
        return null;
    }

    private void take(List<ByteBuffer> item) throws IOException {
        if (closed) {
            throw new IOException("closed");
        }
        if (item == END) {
            ended = true;
            if (error != null) {
                throw error instanceof IOException io ? io : new IOException(error);
            }
            return;
        }
        current = item.iterator();
        subscribed.thenAccept(subscription -> subscription.request(1));
    }

    /**
     * The next non-empty buffer; {@code null} at the end of the body, {@link #STALLED} when nothing
     * arrived within {@code waitNanos}.
     *
     * @throws IOException when the connection failed or the body was closed
     */
    ByteBuffer next(long waitNanos) throws IOException {
        while (true) {
            ByteBuffer buffer = fromCurrent();
            if (buffer != null) {
                return buffer;
            }
            if (ended) {
                return null;
            }
            List<ByteBuffer> item;
            try {
                item = queue.poll(waitNanos, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("Interrupted while reading the PACS's answer", e);
            }
            if (item == null) {
                return STALLED;
            }
            take(item);
        }
    }

    /** Stops the exchange: cancels the subscription (the client drops the connection) and wakes a reader. */
    void close() {
        if (closed) {
            return;
        }
        closed = true;
        subscribed.thenAccept(Flow.Subscription::cancel);
        queue.clear();
        queue.offer(END);
        wake();
    }
}
