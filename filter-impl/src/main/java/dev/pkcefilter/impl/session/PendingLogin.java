package dev.pkcefilter.impl.session;

import java.io.Serializable;
import java.net.URI;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

import dev.pkcefilter.impl.protocol.CodeVerifier;
import dev.pkcefilter.impl.protocol.DpopKey;
import dev.pkcefilter.impl.protocol.Nonce;
import dev.pkcefilter.impl.protocol.State;

/**
 * A login that has been sent to the authorization server and waits for its callback. Kept in the session,
 * so it is {@link Serializable} and small. {@code toString()} shows neither state, verifier, nonce nor key.
 *
 * <p>Its serialized form is part of the session (a rolling update reads the one before): components are only
 * added, and one an older form lacks reads as {@code null} (Java Object Serialization Specification §1.13, records).
 * Version 2 added {@link #dpopKey}, as bytes rather than a {@link DpopKey}, so that a node of the version before,
 * which has no such class, still reads the pending logins (and ignores the key).
 *
 * @param state the state sent (RFC 6749 §10.12)
 * @param verifier the PKCE verifier whose challenge was sent (RFC 7636 §4.1)
 * @param redirectUri the redirect URI sent, to send again identically (RFC 6749 §4.1.3)
 * @param returnPath the same-origin path and query to return to after login
 * @param createdAt when the login started
 * @param nonce the nonce sent (OpenID Connect Core 1.0 §3.1.2.1), or {@code null} when the scope had no
 *        {@code openid} (and in a login a version before 0.2 started)
 * @param dpopKey the login's DPoP key pair (RFC 9449 §4) as {@link DpopKey#toBytes()}, made at its start with
 *        {@code pkce.dpop}: the pushed request and the code's token request carry proofs of it, and the tokens keep
 *        it; {@code null} without. A private key: never shown
 */
@Immutable
public record PendingLogin(State state, CodeVerifier verifier, URI redirectUri, String returnPath, Instant createdAt,
                           Nonce nonce, byte[] dpopKey) implements Serializable {

    /** A login without a nonce (a scope without {@code openid}). */
    public PendingLogin(State state, CodeVerifier verifier, URI redirectUri, String returnPath, Instant createdAt) {
        this(state, verifier, redirectUri, returnPath, createdAt, null, (byte[]) null);
    }

    /** A login without a DPoP key. */
    public PendingLogin(State state, CodeVerifier verifier, URI redirectUri, String returnPath, Instant createdAt,
                        Nonce nonce) {
        this(state, verifier, redirectUri, returnPath, createdAt, nonce, (byte[]) null);
    }

    /** A login with a DPoP key, or {@code null} for none. */
    public PendingLogin(State state, CodeVerifier verifier, URI redirectUri, String returnPath, Instant createdAt,
                        Nonce nonce, DpopKey dpopKey) {
        this(state, verifier, redirectUri, returnPath, createdAt, nonce, dpopKey == null ? null : dpopKey.toBytes());
    }

    public PendingLogin {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(verifier, "verifier");
        Objects.requireNonNull(redirectUri, "redirectUri");
        Objects.requireNonNull(returnPath, "returnPath");
        Objects.requireNonNull(createdAt, "createdAt");
        dpopKey = dpopKey == null ? null : dpopKey.clone();
    }

    /** @return a copy of the key's bytes, or {@code null}; {@link #dpop()} gives the key */
    @Override
    public byte[] dpopKey() {
        return dpopKey == null ? null : dpopKey.clone();
    }

    /** @return the nonce sent, if one was */
    public Optional<Nonce> sentNonce() {
        return Optional.ofNullable(nonce);
    }

    /** @return the login's DPoP key, if it has one */
    public Optional<DpopKey> dpop() {
        return dpopKey == null ? Optional.empty() : Optional.of(DpopKey.fromBytes(dpopKey));
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof PendingLogin login && state.equals(login.state) && verifier.equals(login.verifier)
                && redirectUri.equals(login.redirectUri) && returnPath.equals(login.returnPath)
                && createdAt.equals(login.createdAt) && Objects.equals(nonce, login.nonce)
                && Arrays.equals(dpopKey, login.dpopKey);
    }

    @Override
    public int hashCode() {
        return Objects.hash(state, verifier, redirectUri, returnPath, createdAt, nonce);
    }

    @Override
    public String toString() {
        return "PendingLogin[returnPath=" + returnPath + ", createdAt=" + createdAt + "]";
    }
}
