package dev.pkcefilter.it.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Keeps the server and the load generator off each other's CPU ({@code taskset}), so that wrk competing with
 * Payara Micro for the same cores does not decide the throughput figures: without it, rounds of the same
 * application on a 2-core machine differed by 20 %. The server gets CPU 0, wrk CPU 1. Off with
 * {@code -Dbench.pin=false}, and when there is no {@code taskset} or fewer than 2 CPUs.
 */
final class CpuPinning {

    private static final Path TASKSET = Path.of("/usr/bin/taskset");

    private CpuPinning() {
    }

    static boolean enabled() {
        return Boolean.parseBoolean(System.getProperty("bench.pin", "true")) && Files.isExecutable(TASKSET)
                && Runtime.getRuntime().availableProcessors() >= 2;
    }

    /** The command prefix of the server. */
    static List<String> server() {
        return enabled() ? List.of(TASKSET.toString(), "-c", "0") : List.of();
    }

    /** The command prefix of wrk. */
    static List<String> loadGenerator() {
        return enabled() ? List.of(TASKSET.toString(), "-c", "1") : List.of();
    }

    static String describe() {
        return enabled() ? "; the server pinned to CPU 0 and wrk to CPU 1 (taskset)" : "";
    }
}
