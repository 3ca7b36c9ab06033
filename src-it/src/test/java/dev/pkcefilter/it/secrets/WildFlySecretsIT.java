package dev.pkcefilter.it.secrets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.pkcefilter.it.support.FileTrees;
import dev.pkcefilter.it.support.BrowserlessClient;
import dev.pkcefilter.it.support.FakeAuthorizationServer;
import dev.pkcefilter.it.support.Leaks;
import dev.pkcefilter.it.support.LocalProcesses;
import dev.pkcefilter.it.support.ProcessTree;
import dev.pkcefilter.it.support.TestWars;
import org.jboss.shrinkwrap.api.exporter.ZipExporter;
import org.junit.jupiter.api.Test;

/**
 * Item 12 of issue 12: a client secret given to WildFly the recommended ways never reaches its {@code server.log},
 * whose default {@code standalone.xml} logs every system property and the whole command line at boot
 * ({@code org.jboss.as.config} at DEBUG). For each way WildFly is started on its own (about 5 s), the application
 * signs a user in against the fake, which checks the secret (so the server really had it), and the server's log
 * and console output are searched for it. The control, {@code -Dpkce.client-secret=…}, must be found: it proves
 * the search can fail.
 *
 * <p>Not Arquillian: the server is started per way by this class ({@code standalone.sh}, its own copy of
 * {@code standalone/configuration}), in the failsafe execution {@code wildfly-secrets}.
 */
class WildFlySecretsIT {

    private static final String CONTEXT = "/secrets";

    private final Path home = Path.of(System.getProperty("wildfly.home"));
    private final Path work = Path.of(System.getProperty("it.log.dir", "target"));
    private final int offset = Integer.parseInt(System.getProperty("it.wildfly.offset"));

    /** One way to give the secret: extra arguments and environment, and a change to the copied configuration. */
    private record Way(String name, List<String> arguments, Map<String, String> environment, String configChange) {
    }

    @Test
    void noRecommendedWayPutsTheSecretIntoTheServersLog() throws Exception {
        Map<String, List<String>> found = new HashMap<>();
        for (String way : List.of("system-property", "environment", "file", "expression")) {
            found.put(way, run(way));
        }
        System.out.println("WildFlySecretsIT: " + found);
        assertFalse(found.get("system-property").isEmpty(),
                "the control -Dpkce.client-secret=... is found in server.log, so the search works");
        assertEquals(List.of(), found.get("environment"), "PKCE_CLIENT_SECRET");
        assertEquals(List.of(), found.get("file"), "pkce.client-secret-file");
        assertEquals(List.of(), found.get("expression"), "standalone.xml system property ${env.X}");
    }

    /** Starts WildFly with the secret given {@code name}'s way, signs in, stops it; the secret's finds in its logs. */
    private List<String> run(String name) throws Exception {
        String secret = "wf-" + name + "-s3cr3t:" + Long.toHexString(System.nanoTime()); // unique per way and run
        Path base = work.resolve("wildfly-secrets-" + name);
        FileTrees.delete(base);
        FileTrees.copy(home.resolve("standalone/configuration"), base.resolve("configuration"));
        Files.createDirectories(base.resolve("deployments"));
        // WildFly rewrites logging.properties at each boot with its log file's absolute path, and logs its boot
        // (the system properties included) there before it reads standalone.xml: point it at this copy's log
        Path logging = base.resolve("configuration/logging.properties");
        Files.writeString(logging, Files.readString(logging).replaceAll("(?m)^handler\\.FILE\\.fileName=.*$",
                java.util.regex.Matcher.quoteReplacement("handler.FILE.fileName=" + base.resolve("log/server.log"))));
        Way way = way(name, secret, base);
        if (way.configChange() != null) {
            Path xml = base.resolve("configuration/standalone.xml");
            String config = Files.readString(xml);
            assertTrue(config.contains("</extensions>"), "standalone.xml has its extensions");
            Files.writeString(xml, config.replace("</extensions>", "</extensions>\n" + way.configChange()));
        }
        try (FakeAuthorizationServer fake = new FakeAuthorizationServer()) {
            fake.requireClientSecret(secret); // the fake refuses the token request without it
            TestWars.tokenApp("secrets.war", Map.of(
                    "pkce.issuer", fake.issuer(),
                    "pkce.client-id", "secrets-app",
                    "pkce.protected-paths", "/app/*"))
                    .as(ZipExporter.class).exportTo(base.resolve("deployments/secrets.war").toFile(), true);
            Path console = work.resolve("wildfly-secrets-" + name + "-console.log");
            Files.deleteIfExists(console);
            List<String> command = new ArrayList<>(List.of(home.resolve("bin/standalone.sh").toString(),
                    "-c", "standalone.xml", "-Djboss.server.base.dir=" + base,
                    "-Djboss.server.log.dir=" + base.resolve("log"),
                    "-Djboss.socket.binding.port-offset=" + offset, "-b", "127.0.0.1", "-bmanagement", "127.0.0.1"));
            command.addAll(way.arguments());
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(console.toFile()));
            builder.environment().put("JBOSS_HOME", home.toString());
            builder.environment().put("JAVA_OPTS", "-Xmx384m -Djava.net.preferIPv4Stack=true -Djava.io.tmpdir="
                    + Files.createDirectories(base.resolve("tmp")));
            builder.environment().putAll(way.environment());
            Process server = builder.start();
            try {
                String app = "http://127.0.0.1:" + (8080 + offset) + CONTEXT + "/";
                LocalProcesses.awaitStatus(server, app + "app/servlet", status -> status == 302 || status == 401, Duration.ofMinutes(2),
                        console);
                HttpResponse<String> page = new BrowserlessClient().navigate(app + "app/servlet").response();
                assertEquals(200, page.statusCode(), name + ": signed in with the secret: " + page.body());
                assertEquals(1, fake.requests("/token").size(), name + ": one token request");
            } finally {
                ProcessTree.stop(server, Duration.ofSeconds(30));
            }
            String logs = Files.readString(base.resolve("log/server.log"), StandardCharsets.UTF_8)
                    + Files.readString(console, StandardCharsets.UTF_8);
            assertTrue(logs.contains("WFLYSRV0025"), name + ": the log holds the server's whole boot");
            assertTrue(logs.contains("Configured system properties"), name + ": the boot lists system properties");
            return new Leaks(Set.of(secret), Set.of()).findIn(name, logs);
        }
    }

    private static Way way(String name, String secret, Path base) throws IOException {
        return switch (name) {
            // the leaking way, as a control
            case "system-property" -> new Way(name, List.of("-Dpkce.client-secret=" + secret), Map.of(), null);
            case "environment" -> new Way(name, List.of(), Map.of("PKCE_CLIENT_SECRET", secret), null);
            case "file" -> {
                Path file = Files.createDirectories(base.resolve("secrets")).resolve("client-secret");
                Files.writeString(file, secret + "\n");
                yield new Way(name, List.of("-Dpkce.client-secret-file=" + file), Map.of(), null);
            }
            // WildFly resolves ${env.X} itself when it applies its configuration's system properties
            case "expression" -> new Way(name, List.of(), Map.of("CLIENT_SECRET", secret),
                    "    <system-properties>\n"
                    + "        <property name=\"pkce.client-secret\" value=\"${env.CLIENT_SECRET}\"/>\n"
                    + "    </system-properties>");
            default -> throw new IllegalArgumentException(name);
        };
    }

}
