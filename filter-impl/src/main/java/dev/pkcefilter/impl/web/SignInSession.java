package dev.pkcefilter.impl.web;

import java.lang.System.Logger.Level;
import java.util.Objects;
import java.util.Optional;

import dev.pkcefilter.impl.protocol.IdTokenClaims;
import dev.pkcefilter.impl.session.PendingLogins;
import dev.pkcefilter.impl.session.SessionStore;
import dev.pkcefilter.impl.session.SignedInAs;
import dev.pkcefilter.impl.session.TokenSet;
import jakarta.json.bind.Jsonb;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;

/**
 * The last step of a completed login: the session it continues in.
 * <ul>
 *   <li>A session in which nobody signed in yet, or the same person (the same {@code sub}) as before, keeps its
 *       attributes (a shopping cart survives sign-in) and gets a new id (session fixation, RFC 9700 §4.7 via the
 *       OWASP Session Management Cheat Sheet).</li>
 *   <li>A session in which someone else signed in before, even if their tokens were dropped since (a refused
 *       refresh), is replaced by a fresh one, so that the next person on a shared machine does not inherit the
 *       previous one's application state; only the browser's other pending logins are carried over. When either
 *       subject is unknown (no ID token, or none that can be read) it counts as someone else.</li>
 *   <li>A session that pkce-filter created for the pending login gets the application's session timeout back
 *       ({@link SessionStore#markPreLogin}).</li>
 * </ul>
 * The {@code sub} is the verified user's; only the tokens of a session that an older version stored are read
 * without verifying them: that only decides whether the session is kept, and a forged one can at most make a user
 * keep their own session.
 */
final class SignInSession {

    private static final System.Logger LOG = System.getLogger(SignInSession.class.getName());

    private final SessionStore store;
    private final Jsonb jsonb;

    SignInSession(SessionStore store, Jsonb jsonb) {
        this.store = Objects.requireNonNull(store, "store");
        this.jsonb = Objects.requireNonNull(jsonb, "jsonb");
    }

    /**
     * Stores a completed login's tokens in the session it continues in.
     *
     * @param request the callback request
     * @param session the callback's session, which held the pending login
     * @param tokens the login's tokens
     * @return the session now signed in: {@code session} with a new id, or a fresh one
     */
    HttpSession signIn(HttpServletRequest request, HttpSession session, TokenSet tokens) {
        Optional<String> subject = subject(tokens);
        Optional<SignedInAs> before = previous(session);
        HttpSession signedIn;
        if (before.isPresent() && !before.get().isSamePerson(subject)) {
            PendingLogins pending = store.pendingLogins(session);
            session.invalidate();
            signedIn = request.getSession(true);
            store.putPendingLogins(signedIn, pending);
            LOG.log(Level.DEBUG, "Another person signed in than before in this session: continuing in a fresh one");
        } else {
            request.changeSessionId();
            signedIn = session;
        }
        store.storeLogin(signedIn, tokens, new SignedInAs(subject.orElse(null)));
        return signedIn;
    }

    /** Who signed in before: the marker, else (a session of an older version) the tokens still there. */
    private Optional<SignedInAs> previous(HttpSession session) {
        Optional<SignedInAs> marker = store.signedInAs(session);
        if (marker.isPresent()) {
            return marker;
        }
        return store.tokens(session).map(tokens -> new SignedInAs(subject(tokens).orElse(null)));
    }

    /**
     * @return the {@code sub} claim of the ID token (OpenID Connect Core 1.0 §2): the verified user's, else (tokens
     *         of a session an older version stored) read unverified
     */
    Optional<String> subject(TokenSet tokens) {
        if (tokens.user().isPresent()) {
            return Optional.of(tokens.user().get().subject());
        }
        return tokens.idToken().map(idToken -> IdTokenClaims.read(jsonb, idToken).get("sub"))
                .filter(String.class::isInstance).map(String.class::cast).filter(sub -> !sub.isEmpty());
    }
}
