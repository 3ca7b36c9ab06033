package dev.pkcefilter.it.cluster;

import java.nio.file.Path;

/** {@link ClusterContract} on two WildFly nodes ({@code standalone-ha.xml}, Infinispan over JGroups TCP). */
class WildFlyClusterIT extends ClusterContract {

    @Override
    ServerCluster newCluster(Path workDir) {
        return new WildFlyCluster(workDir);
    }
}
