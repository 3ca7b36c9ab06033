package dev.pkcefilter.event;

import java.util.Objects;
import java.util.Optional;

/**
 * Fired when a refresh did not give new tokens.
 *
 * <pre>{@code
 * void onRefreshFailure(@Observes RefreshFailed event) {
 *     if (!event.refused()) {
 *         alerts.authorizationServerUnreachable(); // the tokens were kept; the user was not signed out
 *     }
 * }
 * }</pre>
 *
 * @param refused {@code true} when the authorization server refused the refresh token (the tokens were dropped
 *                and the user signs in again); {@code false} when it could not be reached or answered an error
 *                (the tokens were kept)
 * @param client the further client ({@code pkce.clients}) whose token it is; empty for the default client
 */
public record RefreshFailed(boolean refused, Optional<String> client) {

    /**
     * A refresh without new tokens.
     *
     * @param refused whether the server refused the refresh token
     * @param client the further client, empty for the default client
     */
    public RefreshFailed {
        Objects.requireNonNull(client, "client");
    }

    /**
     * The default client's failed refresh.
     *
     * @param refused whether the server refused the refresh token
     */
    public RefreshFailed(boolean refused) {
        this(refused, Optional.empty());
    }
}
