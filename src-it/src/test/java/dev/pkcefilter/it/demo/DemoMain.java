package dev.pkcefilter.it.demo;

import dev.pkcefilter.it.support.KeycloakServer;
import dev.pkcefilter.it.support.LocalProcesses;
import dev.pkcefilter.it.support.ProcessTree;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The demo: Keycloak on 127.0.0.1:8180 and the example application on Payara Micro on
 * 127.0.0.1:8080, until Ctrl-C stops both. Keycloak serves two realms: {@code pkce-example}, where users sign in,
 * and {@code partner}, standing for an API vendor's authorization server, which the signed-in page connects as the
 * example's further client {@code partner} ("Connect partner"). The same user and password work in both.
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
        LocalProcesses.requireFreePort(APP_PORT);

        KeycloakServer keycloak = KeycloakServer.start(8180, 9000); // stops itself when the JVM ends
        Process payara = startPayaraMicro(logDir.resolve("payara-micro.log"));
        Thread stopPayara = new Thread(() -> ProcessTree.stop(payara, Duration.ofSeconds(30)), "payara-micro-stop");
        Runtime.getRuntime().addShutdownHook(stopPayara);
        LocalProcesses.awaitStatus(payara, APP_URL, status -> status == 200, STARTUP_TIMEOUT,
                logDir.resolve("payara-micro.log"));

        System.out.printf("""

                ==================================================================
                  pkce-filter demo is running

                    open       %s
                    sign in    %s / %s
                    Keycloak   %s (realm %s)
                    partner    realm %s at the same Keycloak, an API vendor's server:
                               "Connect partner" on the signed-in page, sign in
                               there too as %s / %s
                    logs       %s, %s

                  Ctrl-C stops Payara Micro and Keycloak.
                ==================================================================

                """, APP_URL, KeycloakServer.USER, KeycloakServer.PASSWORD, keycloak.baseUrl(), KeycloakServer.REALM,
                KeycloakServer.PARTNER_REALM, KeycloakServer.USER, KeycloakServer.PASSWORD,
                logDir.resolve("keycloak-8180.log"), logDir.resolve("payara-micro.log"));

        int exit = payara.waitFor(); // until Ctrl-C (the shutdown hooks stop both servers)
        System.out.println("Payara Micro ended (exit " + exit + ").");
    }

    private static Process startPayaraMicro(Path log) throws IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder builder = new ProcessBuilder(java.toString(),
                "-Xmx512m",
                "-Djava.io.tmpdir=" + log.getParent(),
                "-jar", LocalProcesses.existing("payara.microJar").toString(),
                "--deploy", LocalProcesses.existing("example.war").toString(),
                "--port", String.valueOf(APP_PORT),
                "--nohazelcast",
                "--disablephonehome",
                "--prebootcommandfile", LocalProcesses.existing("payara.preboot").toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        System.out.println("Starting Payara Micro with the example on " + APP_URL + " (log: " + log + ")");
        return builder.start();
    }
}
