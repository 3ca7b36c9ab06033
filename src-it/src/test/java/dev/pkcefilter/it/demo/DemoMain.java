package dev.pkcefilter.it.demo;

import dev.pkcefilter.it.support.KeycloakServer;
import dev.pkcefilter.it.support.ProcessTree;
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

/**
 * The demo: Keycloak on 127.0.0.1:8180 and the example application on Payara Micro on
 * 127.0.0.1:8080, until Ctrl-C stops both.
 *
 * <p>Run from the top level with {@code mvn -Pdemo -DskipTests verify}: Maven builds everything,
 * then runs this class with the system properties {@code keycloak.home}, {@code payara.microJar},
 * {@code payara.preboot}, {@code example.war} and {@code it.log.dir} (see src-it/pom.xml).
 */
public final class DemoMain {

    private static final int APP_PORT = 8080;
    private static final String APP_URL = "http://localhost:" + APP_PORT + "/example/";
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(180);

    private DemoMain() {
    }

    public static void main(String[] args) throws Exception {
        Path logDir = Path.of(System.getProperty("it.log.dir", "target")).toAbsolutePath();
        requireFreePort(APP_PORT);

        KeycloakServer keycloak = KeycloakServer.start(8180, 9000); // stops itself when the JVM ends
        Process payara = startPayaraMicro(logDir.resolve("payara-micro.log"));
        Thread stopPayara = new Thread(() -> ProcessTree.stop(payara, Duration.ofSeconds(30)), "payara-micro-stop");
        Runtime.getRuntime().addShutdownHook(stopPayara);
        awaitApplication(payara, logDir.resolve("payara-micro.log"));

        System.out.printf("""

                ==================================================================
                  pkce-filter demo is running

                    open       %s
                    sign in    %s / %s
                    Keycloak   %s (realm %s)
                    logs       %s, %s

                  Ctrl-C stops Payara Micro and Keycloak.
                ==================================================================

                """, APP_URL, KeycloakServer.USER, KeycloakServer.PASSWORD, keycloak.baseUrl(), KeycloakServer.REALM,
                logDir.resolve("keycloak-8180.log"), logDir.resolve("payara-micro.log"));

        int exit = payara.waitFor(); // until Ctrl-C (the shutdown hooks stop both servers)
        System.out.println("Payara Micro ended (exit " + exit + ").");
    }

    private static Process startPayaraMicro(Path log) throws IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder builder = new ProcessBuilder(java.toString(),
                "-Xmx512m",
                "-Djava.io.tmpdir=" + log.getParent(),
                "-jar", existing("payara.microJar").toString(),
                "--deploy", existing("example.war").toString(),
                "--port", String.valueOf(APP_PORT),
                "--nohazelcast",
                "--disablephonehome",
                "--prebootcommandfile", existing("payara.preboot").toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        System.out.println("Starting Payara Micro with the example on " + APP_URL + " (log: " + log + ")");
        return builder.start();
    }

    /** Waits until the example's public page answers 200. */
    private static void awaitApplication(Process payara, Path log) throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(APP_URL)).timeout(Duration.ofSeconds(5)).build();
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        while (true) {
            try {
                if (http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            if (!payara.isAlive()) {
                throw new IllegalStateException("Payara Micro exited with " + payara.exitValue() + "; see " + log);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(APP_URL + " did not answer 200 within " + STARTUP_TIMEOUT + "; see " + log);
            }
            Thread.sleep(500);
        }
    }

    private static void requireFreePort(int port) throws IOException {
        try (ServerSocket probe = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            probe.setReuseAddress(true);
        } catch (IOException inUse) {
            throw new IOException("port " + port + " on 127.0.0.1 is in use; stop what listens there first", inUse);
        }
    }

    private static Path existing(String property) {
        String value = System.getProperty(property);
        if (value == null || !Files.exists(Path.of(value))) {
            throw new IllegalStateException("system property " + property + " must name an existing file, is " + value);
        }
        return Path.of(value).toAbsolutePath();
    }
}
