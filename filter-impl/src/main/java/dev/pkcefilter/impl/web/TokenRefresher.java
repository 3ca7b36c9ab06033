package dev.pkcefilter.impl.web;

import java.lang.System.Logger.Level;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.pkcefilter.PkceFilterException;
import dev.pkcefilter.impl.config.ClientConfiguration;
import dev.pkcefilter.impl.protocol.Discovery;
import dev.pkcefilter.impl.protocol.TokenEndpointException;
import dev.pkcefilter.impl.protocol.TokenRequest;
import dev.pkcefilter.impl.session.SessionStore;
import dev.pkcefilter.impl.session.TokenSet;
import jakarta.servlet.http.HttpSession;

/**
 * Refreshes a session's access token with its refresh token (RFC 6749 §6), once per session however many of
 * its requests need it at the same moment: the first does the request, the others wait for its result (bounded
 * by the HTTP timeout) and use it. A refused refresh drops the tokens; an unreachable server leaves them.
 */
final class TokenRefresher {

    private static final System.Logger LOG = System.getLogger(TokenRefresher.class.getName());

    /** What a refresh gave. */
    enum Kind {
        /** New tokens, stored in the session. */
        REFRESHED,
        /** The server refused the refresh token ({@code invalid_grant} or another OAuth error); tokens dropped. */
        REFUSED,
        /** The server could not be asked (down, slow, 5xx, garbage); the session's tokens are as they were. */
        UNAVAILABLE
    }

    /**
     * @param kind what happened
     * @param tokens the new tokens when {@link Kind#REFRESHED}, else {@code null}
     */
    record Outcome(Kind kind, TokenSet tokens) {
        static final Outcome REFUSED = new Outcome(Kind.REFUSED, null);
        static final Outcome UNAVAILABLE = new Outcome(Kind.UNAVAILABLE, null);

        static Outcome refreshed(TokenSet tokens) {
            return new Outcome(Kind.REFRESHED, Objects.requireNonNull(tokens, "tokens"));
        }
    }

    private final PkceContext context;
    private final ConcurrentHashMap<String, CompletableFuture<Outcome>> inFlight = new ConcurrentHashMap<>();

    TokenRefresher(PkceContext context) {
        this.context = Objects.requireNonNull(context, "context");
    }

    /**
     * Refreshes the session's tokens, or waits for the refresh another request of the session is doing.
     *
     * @param session the session
     * @param seen the tokens this request read, which need a refresh and hold a refresh token
     * @return what happened
     */
    Outcome refresh(HttpSession session, TokenSet seen) {
        String id = session.getId();
        CompletableFuture<Outcome> mine = new CompletableFuture<>();
        CompletableFuture<Outcome> running = inFlight.putIfAbsent(id, mine);
        if (running != null) {
            return await(running);
        }
        try {
            Outcome outcome = doRefresh(session, seen);
            mine.complete(outcome);
            return outcome;
        } catch (RuntimeException e) {
            mine.complete(Outcome.UNAVAILABLE);
            throw e;
        } finally {
            inFlight.remove(id, mine);
        }
    }

    private Outcome doRefresh(HttpSession session, TokenSet seen) {
        TokenSet current = SessionStore.tokensOrNull(session);
        if (current == null) {
            return Outcome.REFUSED; // dropped meanwhile (a refused refresh, a logout)
        }
        long now = context.clock().millis();
        if (current != seen && current.isValidAt(now + context.config().refreshSkew().toMillis())) {
            return Outcome.refreshed(current); // another request refreshed it just before this one asked
        }
        ClientConfiguration config = context.config();
        TokenRequest request;
        try {
            request = new TokenRequest(context.endpoints().get().tokenEndpoint(),
                    TokenRequest.refreshTokenGrant(current.refreshToken().orElseThrow(), config.scope()),
                    config.clientAuthentication(), config.audience());
        } catch (Discovery.DiscoveryException e) {
            LOG.log(Level.WARNING, e.getMessage());
            return Outcome.UNAVAILABLE;
        }
        TokenSet refreshed;
        try {
            refreshed = current.refreshedBy(context.tokenClient().send(request));
        } catch (TokenEndpointException e) {
            boolean refused = e.failure() == TokenEndpointException.Failure.REFUSED;
            if (refused) {
                dropTokens(session);
            }
            context.events().refreshFailed(refused);
            return refused ? Outcome.REFUSED : Outcome.UNAVAILABLE;
        }
        try {
            context.store().storeTokens(session, refreshed);
            LOG.log(Level.DEBUG, () -> "Refreshed the tokens: " + refreshed);
            context.events().tokenRefreshed(refreshed);
            return Outcome.refreshed(refreshed);
        } catch (IllegalStateException e) { // the session was invalidated meanwhile (a logout): nothing to keep
            return Outcome.REFUSED;
        }
    }

    private void dropTokens(HttpSession session) {
        try {
            context.store().dropTokens(session);
        } catch (IllegalStateException e) {
            // invalidated meanwhile: the tokens are gone anyway
        }
    }

    private Outcome await(CompletableFuture<Outcome> running) {
        // the refreshing request gives up after the HTTP timeout; wait a little longer than it
        long bound = context.config().httpTimeout().toMillis() + 1_000;
        try {
            return running.get(bound, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return Outcome.UNAVAILABLE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Outcome.UNAVAILABLE;
        } catch (ExecutionException e) {
            throw new PkceFilterException("a refresh failed", e.getCause());
        }
    }
}
