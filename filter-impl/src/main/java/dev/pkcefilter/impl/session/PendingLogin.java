package dev.pkcefilter.impl.session;

import java.io.Serializable;
import java.net.URI;
import java.time.Instant;
import java.util.Objects;

import dev.pkcefilter.impl.protocol.CodeVerifier;
import dev.pkcefilter.impl.protocol.State;

/**
 * A login that has been sent to the authorization server and waits for its callback. Kept in the session,
 * so it is {@link Serializable} and small. {@code toString()} shows neither state nor verifier.
 *
 * @param state the state sent (RFC 6749 §10.12)
 * @param verifier the PKCE verifier whose challenge was sent (RFC 7636 §4.1)
 * @param redirectUri the redirect URI sent, to send again identically (RFC 6749 §4.1.3)
 * @param returnPath the same-origin path and query to return to after login
 * @param createdAt when the login started
 */
@Immutable
public record PendingLogin(State state, CodeVerifier verifier, URI redirectUri, String returnPath, Instant createdAt)
        implements Serializable {

    public PendingLogin {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(verifier, "verifier");
        Objects.requireNonNull(redirectUri, "redirectUri");
        Objects.requireNonNull(returnPath, "returnPath");
        Objects.requireNonNull(createdAt, "createdAt");
    }

    @Override
    public String toString() {
        return "PendingLogin[returnPath=" + returnPath + ", createdAt=" + createdAt + "]";
    }
}
