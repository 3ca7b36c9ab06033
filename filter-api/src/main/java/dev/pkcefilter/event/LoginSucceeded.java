package dev.pkcefilter.event;

import java.util.Objects;
import java.util.Optional;

import dev.pkcefilter.AccessToken;

/**
 * Fired when a user signed in: the code was exchanged and the tokens stored in the session.
 *
 * <pre>{@code
 * void onLogin(@Observes LoginSucceeded event) {
 *     audit.log("signed in, scopes " + event.token().scopes());
 * }
 * }</pre>
 *
 * @param token the new access token; its raw value only through {@link AccessToken#value()}
 * @param client the further client ({@code pkce.clients}) that was connected; empty for the default client's sign-in
 */
public record LoginSucceeded(AccessToken token, Optional<String> client) {

    /**
     * A completed sign-in or connection.
     *
     * @param token the new access token
     * @param client the further client, empty for the default client's sign-in
     */
    public LoginSucceeded {
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(client, "client");
    }

    /**
     * The default client's sign-in.
     *
     * @param token the new access token
     */
    public LoginSucceeded(AccessToken token) {
        this(token, Optional.empty());
    }
}
