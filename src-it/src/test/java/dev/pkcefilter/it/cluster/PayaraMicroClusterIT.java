package dev.pkcefilter.it.cluster;

import java.nio.file.Path;

/** {@link ClusterContract} on two Payara Micro nodes (Hazelcast). */
class PayaraMicroClusterIT extends ClusterContract {

    @Override
    ServerCluster newCluster(Path workDir) {
        return new PayaraMicroCluster(workDir);
    }
}
