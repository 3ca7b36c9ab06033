package dev.pkcefilter.impl.session;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

import jakarta.servlet.http.HttpSession;

/**
 * What pkce-filter keeps in the HTTP session: the pending logins and the tokens, each one immutable value under
 * one attribute, set again on every change so that the servers' session replication carries it.
 *
 * <p>Read-modify-write of the pending logins is serialized per session with a fixed array of lock stripes (no
 * per-session state to leak), so two tabs starting a login at the same moment both keep theirs.
 */
public final class SessionStore {

    static final String PENDING = "dev.pkcefilter.pending-logins";
    static final String TOKENS = "dev.pkcefilter.tokens";

    private static final int STRIPES = 64;

    private final Object[] locks = new Object[STRIPES];
    private final Duration loginTimeout;

    public SessionStore(Duration loginTimeout) {
        this.loginTimeout = Objects.requireNonNull(loginTimeout, "loginTimeout");
        for (int i = 0; i < STRIPES; i++) {
            locks[i] = new Object();
        }
    }

    /**
     * Remembers a login that was sent to the authorization server.
     *
     * @param session the browser's session
     * @param login the login
     * @param now the current time
     */
    public void addPendingLogin(HttpSession session, PendingLogin login, Instant now) {
        synchronized (lock(session)) {
            session.setAttribute(PENDING, pendingLogins(session).with(login, now, loginTimeout));
        }
    }

    /**
     * Takes the pending login of a callback's state, once.
     *
     * @param session the browser's session
     * @param state the callback's {@code state}
     * @param now the current time
     * @return what was found
     */
    public PendingLogins.Taken takePendingLogin(HttpSession session, String state, Instant now) {
        synchronized (lock(session)) {
            PendingLogins.Taken taken = pendingLogins(session).take(state, now, loginTimeout);
            if (taken.outcome() != PendingLogins.Outcome.UNKNOWN) { // an unknown state leaves the session as it was
                session.setAttribute(PENDING, taken.remaining());
            }
            return taken;
        }
    }

    /** @return the pending logins of a session, for tests and diagnostics */
    public PendingLogins pendingLogins(HttpSession session) {
        return session.getAttribute(PENDING) instanceof PendingLogins pending ? pending : PendingLogins.NONE;
    }

    /** @return the session's tokens, if it is signed in */
    public static Optional<TokenSet> tokens(HttpSession session) {
        return session == null ? Optional.empty() : Optional.ofNullable(tokensOrNull(session));
    }

    /** The hot path's allocation-free read. */
    public static TokenSet tokensOrNull(HttpSession session) {
        return session.getAttribute(TOKENS) instanceof TokenSet tokens ? tokens : null;
    }

    /** Stores the tokens of a signed-in session. */
    public void storeTokens(HttpSession session, TokenSet tokens) {
        session.setAttribute(TOKENS, Objects.requireNonNull(tokens, "tokens"));
    }

    /** Drops the tokens of a session whose refresh was refused: the next navigation signs in again. */
    public void dropTokens(HttpSession session) {
        session.removeAttribute(TOKENS);
    }

    private Object lock(HttpSession session) {
        return locks[Math.floorMod(session.getId().hashCode(), STRIPES)];
    }
}
