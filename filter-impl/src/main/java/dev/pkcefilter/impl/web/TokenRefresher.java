package dev.pkcefilter.impl.web;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.HashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.pkcefilter.PkceFilterException;
import dev.pkcefilter.impl.config.ClientConfiguration;
import dev.pkcefilter.impl.protocol.Discovery;
import dev.pkcefilter.impl.protocol.RefreshTokenGrant;
import dev.pkcefilter.impl.protocol.TokenEndpointException;
import dev.pkcefilter.impl.protocol.TokenRequest;
import dev.pkcefilter.impl.session.SessionStore;
import dev.pkcefilter.impl.session.TokenSet;
import jakarta.servlet.http.HttpSession;

/**
 * Refreshes a session's access token with its refresh token (RFC 6749 §6), once per session however many of
 * its requests need it at the same moment: the first does the request, the others wait for its result (bounded
 * by the HTTP timeout) and use it. An unreachable server leaves the tokens as they were.
 *
 * <p>A refused refresh is read with a cluster in mind. With rotating refresh tokens (RFC 9700 §4.14.2) a node gets
 * {@code invalid_grant} when another node of the cluster used the same refresh token a moment before (the single
 * flight holds inside one JVM only): the session is then read again, and newer tokens another node stored are used.
 * When the session still holds the refused refresh token (the other node's write has not reached this node's copy
 * of the session yet), the tokens are kept and nothing is written to the session ({@link Kind#CONTENDED}): a write
 * would store this node's old copy over the other node's new tokens. For {@link #REFUSAL_GRACE} the refresh token
 * is not sent again; a refusal after that, with the same refresh token still in the session, is taken as real
 * (revoked, expired) and drops the tokens. A real refusal so costs one more refresh request, {@link #REFUSAL_GRACE}
 * later, than on a single server.
 *
 * <p>A server may also bring an old copy of the session back: Payara, when two nodes serve one session at the same
 * moment, can store the copy of the node that lost the race over the winner's. So a node remembers, for
 * {@link #REMEMBER_EXCHANGE} and in memory only, which tokens it got for each session's last refresh token: a session
 * that shows that refresh token again gets those tokens set again (and replicated), without asking the server.
 *
 * <p>What a node remembers of a session (the tokens of its last refresh, a refused refresh token) is forgotten when
 * the session ends on this node ({@link #forget}, at logout or timeout), and on every node once it is older than
 * {@link #REMEMBER_EXCHANGE}, at the next refresh or refusal the node sees after that.
 */
final class TokenRefresher {

    private static final System.Logger LOG = System.getLogger(TokenRefresher.class.getName());

    /** What a refresh gave. */
    enum Kind {
        /** New tokens, stored in the session. */
        REFRESHED,
        /** The server refused the refresh token again, or the tokens are gone; the session has none now. */
        REFUSED,
        /**
         * The server refused the refresh token the session still holds, for the first time on this node: maybe
         * another node rotated it a moment ago. The tokens are kept, nothing is written to the session.
         */
        CONTENDED,
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
        static final Outcome CONTENDED = new Outcome(Kind.CONTENDED, null);

        static Outcome refreshed(TokenSet tokens) {
            return new Outcome(Kind.REFRESHED, Objects.requireNonNull(tokens, "tokens"));
        }
    }

    /** How many sessions' refusals and refreshes are remembered at most; beyond that the memory starts again. */
    private static final int MAX_REMEMBERED = 10_000;
    /**
     * How long after a first refusal the same refresh token is not sent again: time for another node's tokens to
     * reach this node's copy of the session (measured: well under a second on Payara Micro and WildFly).
     */
    static final Duration REFUSAL_GRACE = Duration.ofSeconds(5);

    /** How long a node remembers the tokens it got for a session's refresh token, or a refusal. */
    static final Duration REMEMBER_EXCHANGE = Duration.ofSeconds(60);

    /** The tokens this node got for a session's refresh token, and when. */
    private record Exchange(String usedRefreshToken, TokenSet result, long atMillis) {
    }

    /** A refresh token refused on this node while the session still held it. */
    private record Refusal(String refreshToken, long atMillis) {
    }

    private final PkceContext context;
    private final ConcurrentHashMap<String, CompletableFuture<Outcome>> inFlight = new ConcurrentHashMap<>();
    /** Session id to this node's last refresh of it. */
    private final ConcurrentHashMap<String, Exchange> exchanged = new ConcurrentHashMap<>();
    /** Session id to the refresh token refused once on this node while the session still held it. */
    private final ConcurrentHashMap<String, Refusal> refusedOnce = new ConcurrentHashMap<>();
    /** When the memory was last pruned of entries older than {@link #REMEMBER_EXCHANGE}. */
    private volatile long prunedAtMillis;

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
        Exchange exchange = exchanged.get(session.getId());
        if (exchange != null && now - exchange.atMillis() < REMEMBER_EXCHANGE.toMillis()
                && current.refreshToken().equals(Optional.of(exchange.usedRefreshToken()))
                && !exchange.result().refreshToken().equals(current.refreshToken())) { // rotated: the old one is dead
            LOG.log(Level.DEBUG, "The session came back with a refresh token this node already used: setting the"
                    + " tokens it got for it again");
            current = exchange.result();
            if (store(session, current).kind() == Kind.REFUSED) {
                return Outcome.REFUSED;
            }
            if (current.isValidAt(now + context.config().refreshSkew().toMillis())) {
                return Outcome.refreshed(current);
            }
        }
        Refusal refusal = refusedOnce.get(session.getId());
        if (refusal != null && current.refreshToken().orElseThrow().equals(refusal.refreshToken())
                && now - refusal.atMillis() < REFUSAL_GRACE.toMillis()) {
            return Outcome.CONTENDED; // refused a moment ago: wait for another node's tokens, do not ask again yet
        }
        ClientConfiguration config = context.config();
        TokenRequest request;
        try {
            request = new TokenRequest(context.endpoints().get().tokenEndpoint(),
                    new RefreshTokenGrant(current.refreshToken().orElseThrow()), // RFC 6749 §6: keeps the granted scope
                    config.clientAuthentication(), config.audience());
        } catch (Discovery.DiscoveryException e) {
            LOG.log(Level.WARNING, e.getMessage());
            return Outcome.UNAVAILABLE;
        }
        TokenSet refreshed;
        try {
            refreshed = current.refreshedBy(context.tokenClient().send(request));
        } catch (TokenEndpointException e) {
            if (e.failure() == TokenEndpointException.Failure.REFUSED) {
                return refused(session, current);
            }
            context.events().refreshFailed(false);
            return Outcome.UNAVAILABLE;
        }
        refusedOnce.remove(session.getId());
        remember(session.getId(), new Exchange(current.refreshToken().orElseThrow(), refreshed, now));
        try {
            context.store().storeTokens(session, refreshed);
            LOG.log(Level.DEBUG, () -> "Refreshed the tokens: " + refreshed);
            context.events().tokenRefreshed(refreshed);
            return Outcome.refreshed(refreshed);
        } catch (IllegalStateException e) { // the session was invalidated meanwhile (a logout): nothing to keep
            return Outcome.REFUSED;
        }
    }

    /**
     * The server refused the refresh token of {@code sent} (RFC 6749 §5.2): the session is read again (see the class
     * comment).
     */
    private Outcome refused(HttpSession session, TokenSet sent) {
        String id = session.getId();
        TokenSet stored;
        try {
            stored = SessionStore.tokensOrNull(session);
        } catch (IllegalStateException e) { // invalidated meanwhile (a logout)
            refusedOnce.remove(id);
            return Outcome.REFUSED;
        }
        if (stored == null) { // dropped meanwhile
            refusedOnce.remove(id);
            return Outcome.REFUSED;
        }
        if (!stored.refreshToken().equals(sent.refreshToken())) { // newer tokens, stored by another node or request
            refusedOnce.remove(id);
            LOG.log(Level.DEBUG, "A refresh was refused, and the session holds newer tokens: using them");
            return stored.isValidAt(context.clock().millis()) ? Outcome.refreshed(stored) : Outcome.CONTENDED;
        }
        String refreshToken = sent.refreshToken().orElseThrow();
        Refusal earlier = refusedOnce.remove(id);
        if (earlier != null && earlier.refreshToken().equals(refreshToken)) { // refused before, still no newer tokens
            dropTokens(session);
            context.events().refreshFailed(true);
            return Outcome.REFUSED;
        }
        long now = context.clock().millis();
        prune(now);
        if (refusedOnce.size() >= MAX_REMEMBERED) {
            refusedOnce.clear();
        }
        refusedOnce.put(id, new Refusal(refreshToken, now));
        LOG.log(Level.DEBUG, "A refresh was refused while the session still holds its refresh token: keeping the"
                + " tokens, another node may have refreshed them");
        return Outcome.CONTENDED;
    }

    private Outcome store(HttpSession session, TokenSet tokens) {
        try {
            context.store().storeTokens(session, tokens);
            return Outcome.refreshed(tokens);
        } catch (IllegalStateException e) { // invalidated meanwhile (a logout)
            return Outcome.REFUSED;
        }
    }

    private void remember(String id, Exchange exchange) {
        prune(exchange.atMillis());
        if (exchanged.size() >= MAX_REMEMBERED) {
            exchanged.clear();
        }
        exchanged.put(id, exchange);
    }

    /** Lets go of what is older than {@link #REMEMBER_EXCHANGE}, at most once per {@link #REMEMBER_EXCHANGE}. */
    private void prune(long now) {
        long limit = REMEMBER_EXCHANGE.toMillis();
        if (now - prunedAtMillis < limit) {
            return;
        }
        prunedAtMillis = now;
        exchanged.values().removeIf(e -> now - e.atMillis() >= limit);
        refusedOnce.values().removeIf(r -> now - r.atMillis() >= limit);
    }

    /**
     * Forgets what this node remembers of a session that ended (a logout, a timeout).
     *
     * @param sessionId the session's id
     */
    void forget(String sessionId) {
        exchanged.remove(sessionId);
        refusedOnce.remove(sessionId);
    }

    /** @return how many sessions this node remembers something of, for tests */
    int remembered() {
        Set<String> ids = new HashSet<>(exchanged.keySet());
        ids.addAll(refusedOnce.keySet());
        return ids.size();
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
