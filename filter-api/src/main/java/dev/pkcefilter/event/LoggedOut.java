package dev.pkcefilter.event;

/** Fired when a user signed out through {@code pkce.logout-path}, before the session is invalidated. */
public record LoggedOut() {
}
