package dev.latchkey.tck;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** Starts N tasks at one instant (a latch), so the contract's races really overlap; the kits share it. */
final class Races {
    private Races() {
    }

    /** One racer; {@code thread} is its number, 0 to N-1. */
    @FunctionalInterface
    interface Task<T> {
        T apply(int thread) throws Exception;
    }

    /** Runs {@code task} on {@code threads} threads released together; their results, in thread order. */
    static <T> List<T> run(int threads, Task<T> task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                Callable<T> c = () -> {
                    start.await();
                    return task.apply(thread);
                };
                futures.add(pool.submit(c));
            }
            start.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> f : futures) {
                results.add(f.get(120, TimeUnit.SECONDS));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }
}
