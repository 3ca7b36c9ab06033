package dev.pkcefilter.it.cluster;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.pkcefilter.it.support.FileTrees;

/**
 * Two WildFly nodes with {@code standalone-ha.xml}, each with its own copy of {@code standalone/}, web sessions
 * replicated by Infinispan over JGroups. The configuration is changed once, by {@code jboss-cli.sh} in embedded
 * mode ({@link #CLI}): JGroups on the TCP stack with TCPPING listing both nodes on 127.0.0.1 (no multicast), and
 * mod_cluster removed (it would open a multicast socket).
 */
final class WildFlyCluster extends ServerCluster {

    /** The configuration change, {@code %1$d} and {@code %2$d} the nodes' JGroups TCP ports. */
    static final String CLI = """
            embed-server --server-config=standalone-ha.xml --std-out=discard
            batch
            /subsystem=jgroups/channel=ee:write-attribute(name=stack, value=tcp)
            /subsystem=jgroups/stack=tcp/protocol=MPING:remove
            /subsystem=jgroups/stack=tcp/protocol=TCPPING:add(add-index=0, properties={initial_hosts="127.0.0.1[%1$d],127.0.0.1[%2$d]", port_range="0"})
            /subsystem=jgroups/stack=udp:remove
            /subsystem=modcluster:remove
            /extension=org.jboss.as.modcluster:remove
            /socket-binding-group=standard-sockets/socket-binding=modcluster:remove
            /socket-binding-group=standard-sockets/socket-binding=jgroups-mping:remove
            /socket-binding-group=standard-sockets/socket-binding=jgroups-udp:remove
            /socket-binding-group=standard-sockets/socket-binding=jgroups-udp-fd:remove
            run-batch
            stop-embedded-server
            """;

    private static final int JGROUPS_TCP = 7600;
    private static final int HTTP = 8080;
    private static final int MANAGEMENT = 9990;

    private final Path workDir;
    private final Path home = Path.of(property("wildfly.home"));
    private final int[] offsets = ports("it.cluster.wildfly.offsets");
    private final Path template;

    WildFlyCluster(Path workDir) {
        this.workDir = workDir;
        this.template = workDir.resolve("wildfly-ha-tcp");
    }

    @Override
    String server() {
        return "wildfly";
    }

    @Override
    Duration pauseBetweenRequests() {
        return Duration.ofMillis(200); // WildFly stores the session just after the response is sent (INFRA.md)
    }

    /** Runs {@link #CLI} on a copy of {@code standalone/}, unless the copy already holds this very change. */
    @Override
    void prepare() throws IOException, InterruptedException {
        String script = CLI.formatted(JGROUPS_TCP + offsets[0], JGROUPS_TCP + offsets[1]);
        Path done = template.resolve("prepared.cli");
        if (Files.exists(done) && Files.readString(done).equals(script)) {
            return;
        }
        FileTrees.delete(template);
        FileTrees.copy(home.resolve("standalone"), template);
        Path file = workDir.resolve("wildfly-ha-tcp.cli");
        Files.writeString(file, script);
        Path log = workDir.resolve("wildfly-ha-tcp-cli.log");
        Process cli = start(List.of(home.resolve("bin/jboss-cli.sh").toString(), "--file=" + file),
                Map.of("JBOSS_HOME", home.toString(), "JAVA_OPTS", "-Djboss.server.base.dir=" + template), log);
        if (!cli.waitFor(180, TimeUnit.SECONDS) || cli.exitValue() != 0) {
            cli.destroyForcibly();
            throw new IllegalStateException("jboss-cli.sh could not change standalone-ha.xml; see " + log);
        }
        Files.writeString(done, script);
    }

    @Override
    Node launch(int index, Path war) throws IOException {
        String name = "wildfly-node-" + (char) ('a' + index);
        awaitFree(HTTP + offsets[index], MANAGEMENT + offsets[index], JGROUPS_TCP + offsets[index]);
        Path base = workDir.resolve(name);
        FileTrees.delete(base);
        FileTrees.copy(template, base);
        for (String fresh : List.of("data", "tmp", "log")) {
            FileTrees.delete(base.resolve(fresh));
        }
        Files.copy(war, base.resolve("deployments/cluster.war"), StandardCopyOption.REPLACE_EXISTING);
        Path log = workDir.resolve(name + ".log");
        Files.deleteIfExists(log);
        Process process = start(List.of(home.resolve("bin/standalone.sh").toString(),
                "-c", "standalone-ha.xml",
                "-Djboss.server.base.dir=" + base,
                "-Djboss.node.name=" + name,
                "-Djboss.socket.binding.port-offset=" + offsets[index],
                "-b", "127.0.0.1", "-bprivate", "127.0.0.1", "-bmanagement", "127.0.0.1"),
                Map.of("JBOSS_HOME", home.toString(),
                        "JAVA_OPTS", "-Xmx384m -Djava.net.preferIPv4Stack=true -Djava.awt.headless=true"
                                + " -Djava.io.tmpdir=" + Files.createDirectories(base.resolve("tmp"))),
                log);
        return new Node(name, URI.create("http://127.0.0.1:" + (HTTP + offsets[index])), process, log);
    }

}
