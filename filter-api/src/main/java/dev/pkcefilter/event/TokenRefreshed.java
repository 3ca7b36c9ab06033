package dev.pkcefilter.event;

import java.util.Objects;
import java.util.Optional;

import dev.pkcefilter.AccessToken;

/**
 * Fired when a session's access token was refreshed (RFC 6749 §6), once per refresh however many requests
 * waited for it.
 *
 * <pre>{@code
 * void onRefresh(@Observes TokenRefreshed event) {
 *     log.fine(() -> "token refreshed, expires " + event.token().expiresAt().orElse(null));
 * }
 * }</pre>
 *
 * @param token the new access token; its raw value only through {@link AccessToken#value()}
 * @param client the further client ({@code pkce.clients}) whose token it is; empty for the default client
 */
public record TokenRefreshed(AccessToken token, Optional<String> client) {

    /**
     * A refresh.
     *
     * @param token the new access token
     * @param client the further client, empty for the default client
     */
    public TokenRefreshed {
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(client, "client");
    }

    /**
     * The default client's refresh.
     *
     * @param token the new access token
     */
    public TokenRefreshed(AccessToken token) {
        this(token, Optional.empty());
    }
}
