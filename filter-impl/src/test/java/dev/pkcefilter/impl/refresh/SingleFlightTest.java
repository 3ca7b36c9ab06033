package dev.pkcefilter.impl.refresh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SingleFlightTest {

    private static final Duration LONG = Duration.ofSeconds(30);

    private final SingleFlight<String, String> flights = new SingleFlight<>();
    private final ExecutorService pool = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    /** Starts the key's task and holds it until {@code release} counts down. */
    private Future<String> held(String key, CountDownLatch started, CountDownLatch release, AtomicInteger runs) {
        return pool.submit(() -> flights.run(key, () -> {
            runs.incrementAndGet();
            started.countDown();
            await(release);
            return "result";
        }, LONG, "fallback"));
    }

    @Test
    void callersThatArriveWhileTheTaskRunsGetItsResult() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger runs = new AtomicInteger();
        Future<String> first = held("a", started, release, runs);
        started.await();
        List<Future<String>> others = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            others.add(pool.submit(() -> flights.run("a", () -> {
                runs.incrementAndGet();
                return "another";
            }, LONG, "fallback")));
        }
        awaitWaiters(20);
        release.countDown();

        assertEquals("result", first.get());
        for (Future<String> other : others) {
            assertEquals("result", other.get());
        }
        assertEquals(1, runs.get());
        assertEquals(0, flights.running());
    }

    @Test
    void otherKeysRunAtTheSameTime() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        held("a", started, release, new AtomicInteger());
        started.await();
        assertEquals("b", flights.run("b", () -> "b", LONG, "fallback"));
        release.countDown();
    }

    @Test
    void aTaskThatThrowsGivesItsWaitersTheFallbackAndItsCallerTheError() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Future<String> failing = pool.submit(() -> flights.run("a", () -> {
            started.countDown();
            await(release);
            throw new StackOverflowError("deep JSON");
        }, LONG, "fallback"));
        started.await();
        Future<String> waiter = pool.submit(() -> flights.run("a", () -> "never", LONG, "fallback"));
        awaitWaiters(1);
        release.countDown();

        assertEquals(StackOverflowError.class,
                assertThrows(java.util.concurrent.ExecutionException.class, failing::get).getCause().getClass());
        assertEquals("fallback", waiter.get(LONG.toSeconds(), TimeUnit.SECONDS));
        assertEquals("next", flights.run("a", () -> "next", LONG, "fallback"), "the key is free again");
    }

    private void awaitWaiters(int count) throws InterruptedException {
        long deadline = System.nanoTime() + LONG.toNanos();
        while (flights.waiting() < count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no waiter after " + LONG);
            }
            Thread.sleep(1);
        }
    }

    @Test
    void aWaiterGivesUpAfterItsBound() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        held("a", started, release, new AtomicInteger());
        started.await();
        assertEquals("fallback", flights.run("a", () -> "never", Duration.ofMillis(50), "fallback"));
        release.countDown();
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
