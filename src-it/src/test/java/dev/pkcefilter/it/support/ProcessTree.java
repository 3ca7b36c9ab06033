package dev.pkcefilter.it.support;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Stops a process started by the tests together with everything it started. */
public final class ProcessTree {

    private ProcessTree() {
    }

    /**
     * Asks the process and all its descendants to terminate (SIGTERM), waits up to {@code grace}
     * for them, then kills whatever is left (SIGKILL).
     *
     * @return true if everything ended within the grace period
     */
    public static boolean stop(Process process, Duration grace) {
        // collect the tree first: children are re-parented once their parent is gone
        List<ProcessHandle> tree = Stream.concat(process.descendants(), Stream.of(process.toHandle())).toList();
        tree.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + grace.toNanos();
        boolean clean = true;
        for (ProcessHandle handle : tree) {
            try {
                long left = Math.max(0, deadline - System.nanoTime());
                handle.onExit().get(left, TimeUnit.NANOSECONDS);
            } catch (Exception notYet) {
                clean = false;
            }
        }
        if (!clean) {
            tree.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
            tree.forEach(handle -> handle.onExit().join());
        }
        return clean;
    }
}
