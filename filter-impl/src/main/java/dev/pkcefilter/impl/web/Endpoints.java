package dev.pkcefilter.impl.web;

import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import dev.pkcefilter.impl.config.ClientConfiguration;
import dev.pkcefilter.impl.protocol.Discovery;
import dev.pkcefilter.impl.protocol.ProviderMetadata;

/**
 * The authorization server's endpoints: the configured ones, completed by discovery from {@code pkce.issuer}.
 * Discovery runs once and its result is kept; when the server could not be reached it is tried again on the
 * next login instead of failing the deployment, while a wrong document always fails.
 */
public final class Endpoints {

    private static final System.Logger LOG = System.getLogger(Endpoints.class.getName());

    private final ClientConfiguration config;
    private final Discovery discovery;
    private volatile ProviderMetadata metadata;

    Endpoints(ClientConfiguration config, Discovery discovery) {
        this.config = Objects.requireNonNull(config, "config");
        this.discovery = Objects.requireNonNull(discovery, "discovery");
        if (config.authorizationEndpoint().isPresent() && config.tokenEndpoint().isPresent()) {
            this.metadata = new ProviderMetadata(config.issuer(), config.authorizationEndpoint().get(),
                    config.tokenEndpoint().get(), config.revocationEndpoint(), config.endSessionEndpoint(),
                    Optional.empty(), false, List.of());
        }
    }

    /**
     * Discovers now, at deployment. A server that cannot be reached only logs a warning.
     *
     * @throws Discovery.DiscoveryException when the server answered with a wrong or missing document
     */
    void discoverEagerly() {
        try {
            get();
        } catch (Discovery.DiscoveryException e) {
            if (!e.isTransient()) {
                throw e;
            }
            LOG.log(Level.WARNING, e.getMessage() + " pkce-filter tries again at the first login.");
        }
    }

    /**
     * @return the endpoints
     * @throws Discovery.DiscoveryException when they are not known and discovery fails
     */
    public ProviderMetadata get() {
        ProviderMetadata known = metadata;
        if (known != null) {
            return known;
        }
        synchronized (this) {
            if (metadata == null) {
                ProviderMetadata found = discovery.discover(config.issuer().orElseThrow());
                metadata = new ProviderMetadata(found.issuer(),
                        config.authorizationEndpoint().orElse(found.authorizationEndpoint()),
                        config.tokenEndpoint().orElse(found.tokenEndpoint()),
                        config.revocationEndpoint().or(found::revocationEndpoint),
                        config.endSessionEndpoint().or(found::endSessionEndpoint),
                        found.userinfoEndpoint(), found.issParameterSupported(), found.codeChallengeMethods());
            }
            return metadata;
        }
    }

    /** @return the endpoints if they are known already, without discovering */
    public Optional<ProviderMetadata> ifKnown() {
        return Optional.ofNullable(metadata);
    }
}
