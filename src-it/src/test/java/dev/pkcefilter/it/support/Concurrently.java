package dev.pkcefilter.it.support;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** Calls that start at one moment, each on its own thread, so that they arrive together. */
public final class Concurrently {

    /** One call; {@code index} runs from 0. */
    public interface Call<T> {
        T call(int index) throws Exception;
    }

    private Concurrently() {
    }

    /**
     * Runs {@code count} calls at once (each thread waits at a gate until all are ready) and waits for them, at most
     * a minute each.
     *
     * @return their results, in index order
     */
    public static <T> List<T> run(int count, Call<T> call) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(count);
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int index = i;
                futures.add(pool.submit(() -> {
                    go.await();
                    return call.call(index);
                }));
            }
            go.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> future : futures) {
                results.add(future.get(60, TimeUnit.SECONDS));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }
}
