package dev.pkcefilter.event;

import java.util.Objects;
import java.util.Optional;

/**
 * Fired when a sign-in response was refused or the code could not be exchanged.
 *
 * <pre>{@code
 * void onLoginFailure(@Observes LoginFailed event) {
 *     failures.increment(event.error().orElse("status " + event.status()));
 * }
 * }</pre>
 *
 * @param status the HTTP status the user was shown (400, 401, 403, 502, 503, 504)
 * @param error the OAuth error code (RFC 6749 §4.1.2.1, §5.2) when the authorization server gave one
 * @param errorDescription the server's description, remote text: escape it before display
 * @param reason what pkce-filter saw, a constant sentence
 * @param client the further client ({@code pkce.clients}) whose connection failed; empty for the default client's sign-in
 */
public record LoginFailed(int status, Optional<String> error, Optional<String> errorDescription, String reason,
                          Optional<String> client) {

    /**
     * A failed sign-in or connection.
     *
     * @param status the HTTP status the user was shown
     * @param error the OAuth error code, if any
     * @param errorDescription the server's description, if any
     * @param reason what pkce-filter saw
     * @param client the further client, empty for the default client's sign-in
     */
    public LoginFailed {
        Objects.requireNonNull(error, "error");
        Objects.requireNonNull(errorDescription, "errorDescription");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(client, "client");
    }

    /**
     * The default client's failed sign-in.
     *
     * @param status the HTTP status the user was shown
     * @param error the OAuth error code, if any
     * @param errorDescription the server's description, if any
     * @param reason what pkce-filter saw
     */
    public LoginFailed(int status, Optional<String> error, Optional<String> errorDescription, String reason) {
        this(status, error, errorDescription, reason, Optional.empty());
    }
}
