package dev.pkcefilter.impl.session;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

import jakarta.servlet.http.HttpSession;

/**
 * What pkce-filter keeps in the HTTP session: the pending logins, the tokens, who signed in last and whether
 * pkce-filter created the session for a pending login, each one immutable value under one attribute, set again on
 * every change so that the servers' session replication carries it. An attribute with nothing to say is removed
 * (no pending login left; who signed in, while the tokens' verified user says it), so that a signed-in session
 * stays small.
 *
 * <p>One store per client: a further client's ({@code pkce.clients}) pending logins and tokens are attributes of
 * their own ({@code dev.pkcefilter.tokens.<name>}), so that a response is matched only against the logins of the
 * client whose callback it reached (RFC 9700 §4.4.2) and each client's tokens change alone. Who signed in and
 * whether pkce-filter created the session are the session's, kept by the default client's store.
 *
 * <p>Read-modify-write of the pending logins is serialized per session with a fixed array of lock stripes (no
 * per-session state to leak), so two tabs starting a login at the same moment both keep theirs.
 */
public final class SessionStore {

    static final String PENDING = "dev.pkcefilter.pending-logins";
    static final String TOKENS = "dev.pkcefilter.tokens";
    static final String SIGNED_IN_AS = "dev.pkcefilter.signed-in-as";
    static final String PRE_LOGIN = "dev.pkcefilter.pre-login";

    private static final int STRIPES = 64;

    private final Object[] locks = new Object[STRIPES];
    private final Duration loginTimeout;
    /** A further client's name, or {@code null} for the default client. */
    private final String client;
    private final String pendingAttribute;
    private final String tokensAttribute;

    /** The default client's store. */
    public SessionStore(Duration loginTimeout) {
        this(loginTimeout, null);
    }

    /**
     * @param client a further client's name, or {@code null} for the default client
     */
    public SessionStore(Duration loginTimeout, String client) {
        this.loginTimeout = Objects.requireNonNull(loginTimeout, "loginTimeout");
        this.client = client;
        this.pendingAttribute = client == null ? PENDING : PENDING + "." + client;
        this.tokensAttribute = client == null ? TOKENS : TOKENS + "." + client;
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
            session.setAttribute(pendingAttribute, pendingLogins(session).with(login, now, loginTimeout));
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
                if (taken.remaining().isEmpty()) {
                    session.removeAttribute(pendingAttribute); // nothing left: not even an empty list in the session
                } else {
                    session.setAttribute(pendingAttribute, taken.remaining());
                }
            }
            return taken;
        }
    }

    /**
     * Sets the pending logins of a fresh session that continues a login begun in another one.
     *
     * @param session the new session
     * @param pending the pending logins carried over
     */
    public void putPendingLogins(HttpSession session, PendingLogins pending) {
        if (!pending.isEmpty()) {
            session.setAttribute(pendingAttribute, pending);
        }
    }

    /**
     * Makes a session that pkce-filter has just created for a pending login live for the login timeout only (or
     * its own interval, when shorter), remembering the interval it had, until {@link #storeLogin}.
     *
     * @param session a session created for this request
     */
    public void markPreLogin(HttpSession session) {
        int application = session.getMaxInactiveInterval();
        int login = (int) Math.min(Integer.MAX_VALUE, Math.max(1, loginTimeout.toSeconds()));
        session.setAttribute(PRE_LOGIN, new PreLoginSession(application));
        if (application <= 0 || login < application) {
            session.setMaxInactiveInterval(login);
        }
    }

    /** @return whether the session was created by pkce-filter for a pending login that has not completed */
    public static boolean isPreLogin(HttpSession session) {
        return session.getAttribute(PRE_LOGIN) instanceof PreLoginSession;
    }

    /**
     * @return who signed in last in this session, even when its tokens were dropped since: the marker, else the
     *         verified user of the default client's tokens (who needs no marker while the tokens are there)
     */
    public Optional<SignedInAs> signedInAs(HttpSession session) {
        if (session.getAttribute(SIGNED_IN_AS) instanceof SignedInAs who) {
            return Optional.of(who);
        }
        TokenSet tokens = tokensOrNull(session);
        return tokens == null || tokens.userOrNull() == null ? Optional.empty()
                : Optional.of(new SignedInAs(tokens.userOrNull().subject()));
    }

    /**
     * Stores the tokens of a completed login and who signed in, and gives a pre-login session its application
     * timeout back.
     *
     * @param session the signed-in session
     * @param tokens the login's tokens
     * @param who who signed in
     */
    public void storeLogin(HttpSession session, TokenSet tokens, SignedInAs who) {
        endPreLogin(session);
        Objects.requireNonNull(who, "who");
        if (tokens.userOrNull() != null && who.isSamePerson(Optional.of(tokens.userOrNull().subject()))) {
            session.removeAttribute(SIGNED_IN_AS); // the tokens' user says it, until they are dropped
        } else {
            session.setAttribute(SIGNED_IN_AS, who);
        }
        storeTokens(session, tokens);
    }

    /**
     * Stores the tokens of a further client the user connected, and gives a pre-login session its application
     * timeout back; who signed in is not this client's to say.
     *
     * @param session the session
     * @param tokens the connection's tokens
     */
    public void storeConnection(HttpSession session, TokenSet tokens) {
        endPreLogin(session);
        storeTokens(session, tokens);
    }

    private static void endPreLogin(HttpSession session) {
        if (session.getAttribute(PRE_LOGIN) instanceof PreLoginSession preLogin) {
            session.setMaxInactiveInterval(preLogin.applicationTimeoutSeconds());
            session.removeAttribute(PRE_LOGIN);
        }
    }

    /** @return the pending logins of a session, for tests and diagnostics */
    public PendingLogins pendingLogins(HttpSession session) {
        return session.getAttribute(pendingAttribute) instanceof PendingLogins pending ? pending : PendingLogins.NONE;
    }

    /** @return the session's tokens of this client, if it is signed in (connected) */
    public Optional<TokenSet> tokens(HttpSession session) {
        return session == null ? Optional.empty() : Optional.ofNullable(tokensOrNull(session));
    }

    /** The hot path's allocation-free read. */
    public TokenSet tokensOrNull(HttpSession session) {
        return session.getAttribute(tokensAttribute) instanceof TokenSet tokens ? tokens : null;
    }

    /** Stores the tokens of a signed-in (connected) session. */
    public void storeTokens(HttpSession session, TokenSet tokens) {
        session.setAttribute(tokensAttribute, Objects.requireNonNull(tokens, "tokens"));
    }

    /**
     * Drops the tokens of a session whose refresh was refused (or of a further client disconnected): the next
     * navigation signs in again. Who was signed in ({@link #signedInAs}) is kept.
     */
    public void dropTokens(HttpSession session) {
        TokenSet tokens = tokensOrNull(session);
        if (client == null && tokens != null && tokens.userOrNull() != null
                && !(session.getAttribute(SIGNED_IN_AS) instanceof SignedInAs)) {
            session.setAttribute(SIGNED_IN_AS, new SignedInAs(tokens.userOrNull().subject()));
        }
        session.removeAttribute(tokensAttribute);
    }

    private Object lock(HttpSession session) {
        return locks[Math.floorMod(session.getId().hashCode(), STRIPES)];
    }
}
