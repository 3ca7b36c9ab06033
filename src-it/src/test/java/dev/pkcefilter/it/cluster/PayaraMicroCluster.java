package dev.pkcefilter.it.cluster;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Two Payara Micro nodes in one Hazelcast cluster on 127.0.0.1 (TCP/IP members listed, no multicast), web sessions
 * replicated by Payara's default (Hazelcast, {@code modified-session}). pkce-filter logs at FINE in the node logs.
 */
final class PayaraMicroCluster extends ServerCluster {

    private final Path workDir;

    PayaraMicroCluster(Path workDir) {
        this.workDir = workDir;
    }

    @Override
    String server() {
        return "payara-micro";
    }

    @Override
    Duration pauseBetweenRequests() {
        return Duration.ofMillis(200);
    }

    @Override
    Node launch(int index, Path war) throws IOException {
        int[] http = ports("it.cluster.payara.http.ports");
        int[] hazelcast = ports("it.cluster.payara.hazelcast.ports");
        String name = "payara-node-" + (char) ('a' + index);
        awaitFree(http[index], hazelcast[index]);
        Path tmp = Files.createDirectories(workDir.resolve(name + "-tmp"));
        Path log = workDir.resolve(name + ".log");
        Files.deleteIfExists(log);
        String members = "127.0.0.1:" + hazelcast[0] + ",127.0.0.1:" + hazelcast[1];
        // the shared boot commands, and pkce-filter's FINE messages (refreshes, refusals) in the node log
        Path preboot = workDir.resolve(name + "-preboot.asadmin");
        Files.writeString(preboot, Files.readString(Path.of(property("payara.preboot")))
                + "\nset-log-levels dev.pkcefilter=FINE\n");
        Process process = start(List.of(javaBin(), "-Xmx384m", "-Djava.io.tmpdir=" + tmp,
                "-Dhazelcast.socket.bind.any=false", "-Djava.net.preferIPv4Stack=true",
                "-jar", property("payara.microJar"),
                "--deploy", war.toString(),
                "--port", String.valueOf(http[index]),
                "--clustername", "pkce-it-cluster",
                "--clustermode", "tcpip:" + members,
                "--interfaces", "127.0.0.1",
                "--hzpublicaddress", "127.0.0.1",
                "--startport", String.valueOf(hazelcast[index]),
                "--name", name,
                "--disablephonehome",
                "--prebootcommandfile", preboot.toString()), Map.of(), log);
        return new Node(name, URI.create("http://127.0.0.1:" + http[index]), process, log);
    }

    static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
