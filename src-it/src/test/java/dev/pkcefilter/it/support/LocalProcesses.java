package dev.pkcefilter.it.support;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.IntPredicate;

/** What the launchers (demo, benchmark) need around the servers they start: ports, files, readiness. */
public final class LocalProcesses {

    private LocalProcesses() {
    }

    /** Fails with a clear message when something already listens on the port of 127.0.0.1. */
    public static void requireFreePort(int port) throws IOException {
        try (ServerSocket probe = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            probe.setReuseAddress(true);
        } catch (IOException inUse) {
            throw new IOException("port " + port + " on 127.0.0.1 is in use; stop what listens there first", inUse);
        }
    }

    /** The file a system property names, which must exist. */
    public static Path existing(String property) {
        String value = System.getProperty(property);
        if (value == null || !Files.exists(Path.of(value))) {
            throw new IllegalStateException("system property " + property + " must name an existing file, is " + value);
        }
        return Path.of(value).toAbsolutePath();
    }

    /** Waits until a GET of the URL answers a status {@code ready} accepts, while the server process lives. */
    public static void awaitStatus(Process server, String url, IntPredicate ready, Duration timeout, Path log)
            throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                if (ready.test(http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode())) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            if (!server.isAlive()) {
                throw new IllegalStateException("the server exited with " + server.exitValue() + "; see " + log);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(url + " did not answer as expected within " + timeout + "; see " + log);
            }
            Thread.sleep(500);
        }
    }
}
