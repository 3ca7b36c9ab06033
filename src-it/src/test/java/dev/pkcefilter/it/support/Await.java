package dev.pkcefilter.it.support;

import java.time.Duration;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Waits for a condition instead of sleeping for a guessed time: polls {@code probe} every 20 ms until its value
 * satisfies {@code done} or the deadline passes, and then fails naming what was awaited and the last value seen.
 *
 * <pre>{@code
 * String read = Await.until("node 1 reads the write", Duration.ofSeconds(20),
 *         () -> browser.get(balancer.on(1, PROBE), Map.of()).body(), "v1"::equals);
 * }</pre>
 */
public final class Await {

    private static final long POLL_MILLIS = 20;

    private Await() {
    }

    /**
     * @return the first value of {@code probe} that satisfies {@code done}
     * @throws AssertionError if none does within {@code timeout} (the message names {@code what} and the last value)
     */
    public static <T> T until(String what, Duration timeout, Supplier<T> probe, Predicate<? super T> done) {
        long deadline = System.nanoTime() + timeout.toNanos();
        T last = probe.get();
        while (!done.test(last)) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("not within " + timeout + ": " + what + "; last seen: " + last);
            }
            pause();
            last = probe.get();
        }
        return last;
    }

    private static void pause() {
        try {
            Thread.sleep(POLL_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting", e);
        }
    }
}
