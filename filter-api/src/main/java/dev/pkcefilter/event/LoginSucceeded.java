package dev.pkcefilter.event;

import java.util.Objects;

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
 */
public record LoginSucceeded(AccessToken token) {

    public LoginSucceeded {
        Objects.requireNonNull(token, "token");
    }
}
