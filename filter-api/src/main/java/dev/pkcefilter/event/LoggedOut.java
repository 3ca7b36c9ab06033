package dev.pkcefilter.event;

import java.util.Objects;
import java.util.Optional;

/**
 * Fired when a user signed out through {@code pkce.logout-path}, before the session is invalidated: once for the
 * default client and once for each further client that was connected; and when one further client was disconnected
 * ({@code {context}/oauth/disconnect/<name>}).
 *
 * <pre>{@code
 * void onLogout(@Observes LoggedOut event) {
 *     event.client().ifPresentOrElse(name -> cache.forgetConnection(name), cache::forgetUser);
 * }
 * }</pre>
 *
 * @param client the further client ({@code pkce.clients}); empty for the default client
 */
public record LoggedOut(Optional<String> client) {

    /**
     * A sign-out or disconnect.
     *
     * @param client the further client, empty for the default client
     */
    public LoggedOut {
        Objects.requireNonNull(client, "client");
    }

    /** The default client's sign-out. */
    public LoggedOut() {
        this(Optional.empty());
    }
}
