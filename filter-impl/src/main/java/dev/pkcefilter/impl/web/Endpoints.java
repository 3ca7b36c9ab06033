package dev.pkcefilter.impl.web;

import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

import dev.pkcefilter.impl.config.ClientConfiguration;
import dev.pkcefilter.impl.protocol.Discovery;
import dev.pkcefilter.impl.protocol.ProviderMetadata;

/**
 * The authorization server's endpoints: the configured ones, completed by discovery from {@code pkce.issuer}.
 * Discovery runs once and its result is kept; when the server could not be reached it is tried again at first use
 * instead of failing the deployment, while a wrong document always fails the deployment.
 *
 * <p>Tried again at first use, one request at a time: a request that finds another one discovering, or comes
 * during the back-off after a failure ({@link #FIRST_BACK_OFF}, doubling up to {@link #MAX_BACK_OFF}), fails at
 * once instead of waiting {@code pkce.http-timeout} in turn, so that N requests never wait N timeouts.
 */
public final class Endpoints {

    private static final System.Logger LOG = System.getLogger(Endpoints.class.getName());

    static final Duration FIRST_BACK_OFF = Duration.ofSeconds(5);
    static final Duration MAX_BACK_OFF = Duration.ofSeconds(60);

    private final ClientConfiguration.Server server;
    private final Discovery discovery;
    private final Clock clock;
    private final ReentrantLock discovering = new ReentrantLock();
    private volatile ProviderMetadata metadata;
    /** Before this time (epoch milliseconds) discovery is not tried again; 0 at first. */
    private volatile long retryAtMillis;
    private volatile Duration nextBackOff = FIRST_BACK_OFF;

    Endpoints(ClientConfiguration.Server server, Discovery discovery, Clock clock) {
        this.server = Objects.requireNonNull(server, "server");
        this.discovery = Objects.requireNonNull(discovery, "discovery");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (server.authorizationEndpoint().isPresent() && server.tokenEndpoint().isPresent()) {
            this.metadata = new ProviderMetadata(server.issuer(), server.authorizationEndpoint().get(),
                    server.tokenEndpoint().get(), server.revocationEndpoint(), server.endSessionEndpoint(),
                    Optional.empty(), false, List.of(), server.jwksUri());
        }
    }

    /**
     * Discovers now, at deployment. A server that cannot be reached only logs a warning.
     *
     * @throws Discovery.DiscoveryException when the server answered with a wrong or missing document
     */
    void discoverEagerly() {
        try {
            discover(false);
        } catch (Discovery.DiscoveryException e) {
            if (!e.isTransient()) {
                throw e;
            }
            LOG.log(Level.WARNING, e.getMessage() + " pkce-filter tries again at the first login.");
        }
    }

    /**
     * @return the endpoints
     * @throws Discovery.DiscoveryException when they are not known and discovery fails, is being tried by another
     *         request, or waits for its back-off after a failure
     */
    public ProviderMetadata get() {
        ProviderMetadata known = metadata;
        return known != null ? known : discover(true);
    }

    /** @param backOff whether a failure starts a back-off: not at deployment, so that the first use tries at once */
    private ProviderMetadata discover(boolean backOff) {
        if (!discovering.tryLock()) {
            throw unavailable("another request is discovering them now");
        }
        try {
            if (metadata != null) {
                return metadata;
            }
            long now = clock.millis();
            if (now < retryAtMillis) {
                throw unavailable("discovery failed a moment ago and is tried again in "
                        + ((retryAtMillis - now + 999) / 1000) + " s");
            }
            try {
                ProviderMetadata found = discovery.discover(server.issuer().orElseThrow());
                metadata = new ProviderMetadata(found.issuer(),
                        server.authorizationEndpoint().orElse(found.authorizationEndpoint()),
                        server.tokenEndpoint().orElse(found.tokenEndpoint()),
                        server.revocationEndpoint().or(found::revocationEndpoint),
                        server.endSessionEndpoint().or(found::endSessionEndpoint),
                        found.userinfoEndpoint(), found.issParameterSupported(), found.codeChallengeMethods(),
                        server.jwksUri().or(found::jwksUri), found.pushedAuthorizationRequestEndpoint(),
                        found.requirePushedAuthorizationRequests());
                return metadata;
            } catch (Discovery.DiscoveryException e) {
                if (backOff) {
                    retryAtMillis = clock.millis() + nextBackOff.toMillis();
                    nextBackOff = nextBackOff.multipliedBy(2).compareTo(MAX_BACK_OFF) > 0 ? MAX_BACK_OFF
                            : nextBackOff.multipliedBy(2);
                }
                throw e;
            }
        } finally {
            discovering.unlock();
        }
    }

    private Discovery.DiscoveryException unavailable(String why) {
        return new Discovery.DiscoveryException("The endpoints of " + server.issuer().map(Object::toString)
                .orElse("the authorization server") + " are not known yet: " + why + ".", true, null);
    }

    /** @return the endpoints if they are known already, without discovering */
    public Optional<ProviderMetadata> ifKnown() {
        return Optional.ofNullable(metadata);
    }
}
