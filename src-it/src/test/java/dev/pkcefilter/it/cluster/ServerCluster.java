package dev.pkcefilter.it.cluster;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.pkcefilter.it.support.ProcessTree;

/**
 * Two nodes of one server kind, started as processes on 127.0.0.1 with the server's own session replication, the
 * test WAR deployed at {@code /cluster}. Each node's output goes to a log file under {@code target/}. Stopped by
 * {@link #close()} and, should the test JVM end first, by a shutdown hook; only the processes started here.
 */
abstract class ServerCluster implements AutoCloseable {

    /** The deployed application's context path. */
    static final String CONTEXT = "/cluster";

    /** One node: its base URI ({@code http://127.0.0.1:PORT}), its process and its log. */
    record Node(String name, URI base, Process process, Path log) {
    }

    private final List<Node> nodes = new ArrayList<>();
    private final Thread hook = new Thread(this::stopAll, "stop-cluster-nodes");
    private Duration startup = Duration.ZERO;
    private Path war;

    ServerCluster() {
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** @return a short name for reports */
    abstract String server();

    /** @return how long the client waits before each request, so that a node has stored the session */
    abstract Duration pauseBetweenRequests();

    /** Starts node {@code index} (0 or 1) with {@code war} deployed, without waiting for it. */
    abstract Node launch(int index, Path war) throws IOException;

    /** Prepares what both nodes need (a configuration), once, before {@link #launch}. */
    void prepare() throws IOException, InterruptedException {
    }

    /** Starts both nodes at once and waits until each answers the application with 200. */
    final void start(Path war, Duration timeout) throws Exception {
        long began = System.nanoTime();
        this.war = war;
        prepare();
        for (int i = 0; i < 2; i++) {
            nodes.add(launch(i, war));
        }
        List<CompletableFuture<Void>> ready = new ArrayList<>();
        for (Node node : nodes) {
            ready.add(CompletableFuture.runAsync(() -> awaitApplication(node, timeout)));
        }
        for (CompletableFuture<Void> r : ready) {
            r.join();
        }
        startup = Duration.ofNanos(System.nanoTime() - began);
    }

    /** @return how long {@link #start} took, both nodes together */
    Duration startup() {
        return startup;
    }

    List<URI> bases() {
        return nodes.stream().map(Node::base).toList();
    }

    Node node(int index) {
        return nodes.get(index);
    }

    /**
     * Starts again, with the same WAR, every node that is no longer running (after {@link #kill}), and waits until it
     * answers the application with 200; its earlier log is kept beside the new one, ending {@code .before-restart}.
     *
     * @return whether a node was started again
     */
    boolean restartStopped(Duration timeout) throws IOException {
        boolean restarted = false;
        for (int i = 0; i < nodes.size(); i++) {
            Node node = nodes.get(i);
            if (!node.process().isAlive()) {
                java.nio.file.Files.move(node.log(), node.log().resolveSibling(node.log().getFileName() + ".before-restart"),
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                Node again = launch(i, war);
                nodes.set(i, again);
                awaitApplication(again, timeout);
                restarted = true;
            }
        }
        return restarted;
    }

    /** Kills a node as {@code kill -9} would: no shutdown, no goodbye to the cluster. */
    void kill(int index) {
        Process process = nodes.get(index).process();
        List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
        tree.add(process.toHandle());
        tree.forEach(ProcessHandle::destroyForcibly);
        tree.forEach(handle -> handle.onExit().join());
    }

    @Override
    public void close() {
        stopAll();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs
        }
    }

    private void stopAll() {
        for (Node node : nodes) {
            if (node.process().isAlive()) {
                ProcessTree.stop(node.process(), Duration.ofSeconds(30));
            }
        }
    }

    /** Starts a process with its output appended to {@code log}. */
    static Process start(List<String> command, Map<String, String> environment, Path log) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(environment);
        return builder.start();
    }

    private static void awaitApplication(Node node, Duration timeout) {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2)).build();
        URI probe = node.base().resolve(CONTEXT + "/public/probe");
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!node.process().isAlive()) {
                throw new IllegalStateException(node.name() + " ended with " + node.process().exitValue()
                        + " before it served the application; see " + node.log());
            }
            try {
                HttpResponse<String> answer = http.send(HttpRequest.newBuilder(probe)
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                if (answer.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException(node.name() + " did not serve the application within " + timeout + "; see "
                + node.log());
    }

    /** Waits until nothing listens on a port of 127.0.0.1: a node of an earlier run may still be going away. */
    static void awaitFree(int... ports) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        for (int port : ports) {
            while (true) {
                try (ServerSocket probe = new ServerSocket()) {
                    probe.setReuseAddress(true);
                    probe.bind(new InetSocketAddress("127.0.0.1", port));
                    break;
                } catch (IOException busy) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("port " + port + " of 127.0.0.1 is in use by another process");
                    }
                    try {
                        Thread.sleep(500);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException(e);
                    }
                }
            }
        }
    }

    static String property(String name) {
        String value = System.getProperty(name);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("system property " + name + " is not set (src-it/pom.xml sets it)");
        }
        return value;
    }

    static int[] ports(String name) {
        return java.util.Arrays.stream(property(name).split(",")).map(String::trim).mapToInt(Integer::parseInt)
                .toArray();
    }
}
