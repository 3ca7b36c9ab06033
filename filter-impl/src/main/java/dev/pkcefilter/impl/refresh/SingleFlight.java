package dev.pkcefilter.impl.refresh;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Runs at most one task per key at a time: a caller that arrives while the key's task runs does not start another,
 * it waits (bounded) for that one's result. What one JVM needs so that the requests of one session that arrive
 * together make one refresh request, not one each.
 *
 * <p>A task that throws (an {@link Error} too) gives its waiters the fallback and the exception to its own caller.
 *
 * @param <K> the key, such as a session id
 * @param <V> the task's result
 */
final class SingleFlight<K, V> {

    /** One running task: its result once {@link #done} is counted down. */
    private static final class Flight<V> {
        final CountDownLatch done = new CountDownLatch(1);
        volatile V result;
    }

    private final ConcurrentHashMap<K, Flight<V>> running = new ConcurrentHashMap<>();
    private final AtomicInteger waiting = new AtomicInteger();

    /**
     * Runs {@code task} for {@code key}, or waits for the one that runs already.
     *
     * @param key what the task is for
     * @param task the work, run at most once at a time per key
     * @param wait how long to wait for another caller's task
     * @param fallback what a waiter gets when that task did not finish within {@code wait}, or failed
     * @return the task's result, or the fallback
     */
    V run(K key, Supplier<V> task, Duration wait, V fallback) {
        Objects.requireNonNull(fallback, "fallback");
        Flight<V> mine = new Flight<>();
        Flight<V> other = running.putIfAbsent(key, mine);
        if (other != null) {
            return await(other, wait, fallback);
        }
        V result = fallback;
        try {
            result = Objects.requireNonNull(task.get(), "the task's result");
            return result;
        } finally {
            mine.result = result;
            running.remove(key, mine);
            mine.done.countDown();
        }
    }

    private V await(Flight<V> flight, Duration wait, V fallback) {
        waiting.incrementAndGet();
        try {
            return flight.done.await(wait.toMillis(), TimeUnit.MILLISECONDS) ? flight.result : fallback;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fallback;
        } finally {
            waiting.decrementAndGet();
        }
    }

    /** @return how many callers wait for another's task now, for tests */
    int waiting() {
        return waiting.get();
    }

    /** @return how many tasks run now, for tests */
    int running() {
        return running.size();
    }
}
