package dev.pkcefilter.impl.refresh;

import java.lang.System.Logger.Level;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import dev.pkcefilter.impl.protocol.ClientAuthentication;
import dev.pkcefilter.impl.protocol.Discovery;
import dev.pkcefilter.impl.protocol.RefreshTokenGrant;
import dev.pkcefilter.impl.protocol.RemoteText;
import dev.pkcefilter.impl.protocol.TokenEndpointClient;
import dev.pkcefilter.impl.protocol.TokenEndpointException;
import dev.pkcefilter.impl.protocol.TokenRequest;
import dev.pkcefilter.impl.protocol.TokenResponse;
import dev.pkcefilter.impl.protocol.ProviderMetadata;
import dev.pkcefilter.impl.identity.IdTokenException;
import dev.pkcefilter.impl.identity.IdTokenValidator;
import dev.pkcefilter.impl.session.VerifiedUser;
import dev.pkcefilter.impl.session.TokenSet;

/**
 * The refresh itself (RFC 6749 §6): one token request with a session's refresh token, and what the answer means.
 * <ul>
 *   <li>New tokens: a rotated refresh token replaces the old one, a missing one keeps it.</li>
 *   <li>{@code invalid_grant} (§5.2): the grant is gone at the server (revoked, expired, the user's session there
 *       ended), or another node of a cluster rotated the refresh token a moment before. The only answer that may
 *       sign the user out.</li>
 *   <li>Anything else (the server down, slow, a 5xx, garbage, or another OAuth error such as {@code invalid_scope},
 *       {@code invalid_client}, {@code unauthorized_client}, {@code temporarily_unavailable}, a 429): the server
 *       cannot renew now. A WARNING names the error code; {@code invalid_client}, a misconfiguration that every
 *       session would report, is logged at ERROR at most once per {@link #INVALID_CLIENT_LOG_INTERVAL}.</li>
 * </ul>
 * No {@code scope} is sent: the server then keeps the scope it granted (§6), so a refresh never asks for more.
 * A session signed in with a verified ID token has the refresh's ID token checked too (OpenID Connect Core 1.0
 * §12.2): one that fails its checks or names another user signs the user out; without one, the roles are read again
 * from the new access token when they come from it.
 */
public final class RefreshExchange {

    private static final System.Logger LOG = System.getLogger(RefreshExchange.class.getName());

    static final Duration INVALID_CLIENT_LOG_INTERVAL = Duration.ofMinutes(1);

    /** What the server's answer means. */
    sealed interface Result {
    }

    /** New tokens, not stored yet. */
    record Renewed(TokenSet tokens) implements Result {
        Renewed {
            Objects.requireNonNull(tokens, "tokens");
        }
    }

    /** {@code invalid_grant}: the refresh token is no good. */
    record Refused() implements Result {
    }

    /** The new tokens may not be used: their ID token failed its checks or names another user. */
    record Rejected() implements Result {
    }

    /** The server cannot renew now; {@code reason} says why, for a log line, without any secret. */
    record CannotRenew(String reason) implements Result {
    }

    private final Supplier<ProviderMetadata> endpoints;
    private final TokenEndpointClient client;
    private final IdTokenValidator validator;
    private final ClientAuthentication clientAuthentication;
    private final Optional<String> audience;
    private final Clock clock;
    /** When {@code invalid_client} was last logged at ERROR, epoch milliseconds. */
    private final AtomicLong invalidClientLoggedAt = new AtomicLong(-INVALID_CLIENT_LOG_INTERVAL.toMillis());

    /**
     * @param endpoints the issuer's endpoints, which may have to be discovered first (and throw
     *        {@link Discovery.DiscoveryException})
     * @param validator checks the ID tokens of refreshes
     */
    public RefreshExchange(Supplier<ProviderMetadata> endpoints, TokenEndpointClient client,
                           IdTokenValidator validator, ClientAuthentication clientAuthentication,
                           Optional<String> audience, Clock clock) {
        this.endpoints = Objects.requireNonNull(endpoints, "endpoints");
        this.client = Objects.requireNonNull(client, "client");
        this.validator = Objects.requireNonNull(validator, "validator");
        this.clientAuthentication = Objects.requireNonNull(clientAuthentication, "clientAuthentication");
        this.audience = Objects.requireNonNull(audience, "audience");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Asks the server for new tokens.
     *
     * @param current the session's tokens, with a refresh token
     * @return what the server's answer means
     */
    Result exchange(TokenSet current) {
        TokenRequest request;
        ProviderMetadata metadata;
        try {
            metadata = endpoints.get();
            request = new TokenRequest(metadata.tokenEndpoint(),
                    new RefreshTokenGrant(current.refreshToken().orElseThrow()), // RFC 6749 §6: the granted scope
                    clientAuthentication, audience, current.dpopKey()); // RFC 9449 §5: the login's key
        } catch (Discovery.DiscoveryException e) {
            LOG.log(Level.WARNING, e.getMessage());
            return new CannotRenew("the authorization server's endpoints are not known");
        }
        try {
            TokenResponse response = client.send(request);
            if (current.user().isEmpty()) {
                return new Renewed(current.refreshedBy(response, clock.instant()));
            }
            try {
                VerifiedUser user = validator.atRefresh(response, metadata, current.user().get());
                return new Renewed(current.refreshedBy(response, clock.instant(), user));
            } catch (IdTokenException e) {
                if (e.failure() == IdTokenException.Failure.UNAVAILABLE) {
                    LOG.log(Level.WARNING, e.getMessage() + "; the access token is used while it is valid");
                    return new CannotRenew("the issuer's keys could not be fetched");
                }
                LOG.log(Level.WARNING, e.getMessage() + ": the refreshed tokens are not used, and the user is"
                        + " signed out");
                return new Rejected();
            }
        } catch (TokenEndpointException e) {
            if (e.failure() != TokenEndpointException.Failure.REFUSED) {
                LOG.log(Level.WARNING, e.logLine() + "; the access token is used while it is valid");
                return new CannotRenew("the token endpoint failed (" + e.failure() + ")");
            }
            String error = e.error().orElse("");
            if ("invalid_grant".equals(error)) {
                LOG.log(Level.DEBUG, e::logLine); // the grant ended at the server: a normal event
                return new Refused();
            }
            if ("invalid_client".equals(error)) {
                logInvalidClient(e);
            } else {
                LOG.log(Level.WARNING, e.logLine() + "; the access token is used while it is valid");
            }
            return new CannotRenew("the token endpoint answered " + RemoteText.clean(error, 100));
        }
    }

    private void logInvalidClient(TokenEndpointException e) {
        long now = clock.millis();
        long last = invalidClientLoggedAt.get();
        if (now - last >= INVALID_CLIENT_LOG_INTERVAL.toMillis() && invalidClientLoggedAt.compareAndSet(last, now)) {
            LOG.log(Level.ERROR, e.logLine() + ". The authorization server does not accept this client: check"
                    + " pkce.client-id, pkce.client-secret and pkce.client-auth against the client registered there."
                    + " Access tokens are used until they expire. (Logged at most once a minute.)");
        } else {
            LOG.log(Level.DEBUG, e::logLine);
        }
    }
}
