package dev.pkcefilter.event;

import java.util.Objects;

import dev.pkcefilter.AccessToken;

/**
 * Fired when a session's access token was refreshed (RFC 6749 §6), once per refresh however many requests
 * waited for it.
 *
 * @param token the new access token; its raw value only through {@link AccessToken#value()}
 */
public record TokenRefreshed(AccessToken token) {

    public TokenRefreshed {
        Objects.requireNonNull(token, "token");
    }
}
