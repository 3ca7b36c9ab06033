package dev.pkcefilter.impl.refresh;

import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

import dev.pkcefilter.impl.events.PkceEvents;
import dev.pkcefilter.impl.session.SessionStore;
import dev.pkcefilter.impl.session.TokenSet;
import jakarta.servlet.http.HttpSession;

/**
 * Decides what becomes of a request whose access token came due (RFC 6749 §6), and renews the token: once per
 * session however many of its requests need it at the same moment ({@link SingleFlight}: the first asks, the others
 * wait for its result, bounded by the HTTP timeout).
 *
 * <table>
 *   <caption>What a request gets</caption>
 *   <tr><th>the refresh</th><th>page navigation</th><th>script</th></tr>
 *   <tr><td>renewed</td><td colspan="2">goes on with the new token</td></tr>
 *   <tr><td>refused ({@code invalid_grant}): the grant ended at the server</td><td>a new login</td><td>401</td></tr>
 *   <tr><td>the server cannot renew now (down, slow, 5xx, another OAuth error)</td>
 *       <td colspan="2">goes on with the old token while it is valid; then: a new login / 503</td></tr>
 *   <tr><td>refused in a cluster, the session still holding that refresh token</td>
 *       <td colspan="2">goes on with the old token while it is valid; then: a new login after re-reading the session for
 *       at most {@link #NAVIGATION_WAIT} / 503 for at most {@link #REFUSAL_GRACE}, then 401</td></tr>
 * </table>
 *
 * <p><b>A refused refresh on one server</b> (the application is not {@code <distributable/>}) is final at once: the
 * tokens are dropped ({@code RefreshFailed} with {@code refused}).
 *
 * <p><b>In a cluster</b>, with rotating refresh tokens (RFC 9700 §4.14.2), a node gets {@code invalid_grant} when
 * another node used the same refresh token a moment before (the single flight holds inside one JVM only). So the
 * session is read again: newer tokens another node stored are used. While the session still holds the refused
 * refresh token, nothing is written to it (a write would store this node's old copy over the other node's new
 * tokens), the refusal is remembered ({@link ExchangeMemory}), and the refresh token is not sent again: for
 * {@link #REFUSAL_GRACE} another node's tokens may still arrive; after that the refusal is final. And a node
 * remembers, for {@link #REMEMBER_EXCHANGE}, which tokens it got for a session's refresh token: a session that comes
 * back with that refresh token (Payara can store an older copy over the winner's) gets those tokens set again.
 *
 * <p><b>A server that cannot renew</b> is not asked again for the session during {@link #RETRY_BACKOFF}, so that its
 * requests do not each make one: they go on with the old token while it is valid. Every failure fires
 * {@code RefreshFailed} once, at the attempt.
 */
public final class TokenRefresher {

    private static final System.Logger LOG = System.getLogger(TokenRefresher.class.getName());

    /**
     * How long after a first refusal in a cluster the same refresh token is taken to be maybe another node's doing:
     * time for that node's tokens to reach this node's copy of the session (measured: well under a second on Payara
     * Micro and WildFly).
     */
    static final Duration REFUSAL_GRACE = Duration.ofSeconds(5);

    /** How long a page navigation waits for another node's tokens after a refusal in a cluster. */
    static final Duration NAVIGATION_WAIT = Duration.ofMillis(200);

    /** How long a node remembers a session's refresh, refusal or back-off. */
    static final Duration REMEMBER_EXCHANGE = Duration.ofSeconds(60);

    /** How long a session's refresh is not tried again after the server could not renew it. */
    static final Duration RETRY_BACKOFF = Duration.ofSeconds(5);

    /** How many sessions a node remembers at most; beyond that the oldest are let go first. */
    static final int MAX_REMEMBERED = 10_000;

    private static final long POLL_MILLIS = 20;

    /** What one refresh gave, shared by the requests that waited for it. */
    private sealed interface Outcome {
    }

    /** Valid tokens, stored in the session. */
    private record Refreshed(TokenSet tokens) implements Outcome {
    }

    /** The grant is gone; the session has no tokens now. */
    private record Refused() implements Outcome {
    }

    /** Refused in a cluster while the session still holds that refresh token, first at {@code refusedAt}. */
    private record Contended(long refusedAt) implements Outcome {
    }

    /** The server cannot renew now; not asked again before {@code retryAt}. */
    private record Unavailable(long retryAt) implements Outcome {
    }

    private static final Outcome REFUSED = new Refused();

    private final RefreshExchange exchange;
    private final SessionStore store;
    private final PkceEvents events;
    private final Clock clock;
    private final long skewMillis;
    private final Duration waitBound;
    private final boolean distributable;
    private final SingleFlight<String, Outcome> flights = new SingleFlight<>();
    private final ExchangeMemory memory = new ExchangeMemory(REMEMBER_EXCHANGE, MAX_REMEMBERED);

    /**
     * @param refreshSkew {@code pkce.refresh-skew}
     * @param httpTimeout {@code pkce.http-timeout}: a request waits for another's refresh this long, plus a second
     * @param distributable whether the application is {@code <distributable/>}: its sessions may be served by other
     *        nodes too
     */
    public TokenRefresher(RefreshExchange exchange, SessionStore store, PkceEvents events, Clock clock,
                          Duration refreshSkew, Duration httpTimeout, boolean distributable) {
        this.exchange = Objects.requireNonNull(exchange, "exchange");
        this.store = Objects.requireNonNull(store, "store");
        this.events = Objects.requireNonNull(events, "events");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.skewMillis = refreshSkew.toMillis();
        this.waitBound = httpTimeout.plusSeconds(1);
        this.distributable = distributable;
    }

    /**
     * Renews the session's tokens, or waits for the renewal another request of the session is doing, and says what
     * becomes of this request.
     *
     * @param session the session
     * @param seen the tokens this request read: due for a refresh, with a refresh token
     * @param navigation whether the request is a page navigation (else a script)
     * @return the decision
     */
    public RefreshDecision decide(HttpSession session, TokenSet seen, boolean navigation) {
        Outcome outcome = flights.run(session.getId(), () -> refresh(session, seen), waitBound, new Unavailable(0));
        if (outcome instanceof Refreshed refreshed) {
            return new RefreshDecision.Pass(refreshed.tokens());
        }
        if (outcome instanceof Refused) {
            return navigation ? RefreshDecision.START_LOGIN : RefreshDecision.UNAUTHORIZED;
        }
        long now = clock.millis();
        if (seen.isValidAt(now)) {
            return new RefreshDecision.Pass(seen); // not renewed, but still valid: go on with it
        }
        if (outcome instanceof Contended contended) {
            if (navigation) {
                return awaitNewer(session, seen).<RefreshDecision>map(RefreshDecision.Pass::new)
                        .orElse(RefreshDecision.START_LOGIN);
            }
            return new RefreshDecision.Unavailable(secondsFrom(now, contended.refusedAt() + REFUSAL_GRACE.toMillis()));
        }
        return navigation ? RefreshDecision.START_LOGIN
                : new RefreshDecision.Unavailable(secondsFrom(now, ((Unavailable) outcome).retryAt()));
    }

    private Outcome refresh(HttpSession session, TokenSet seen) {
        String id = session.getId();
        TokenSet current;
        try {
            current = store.tokensOrNull(session);
        } catch (IllegalStateException e) { // invalidated meanwhile (a logout)
            return REFUSED;
        }
        if (current == null) {
            return REFUSED; // dropped meanwhile (a refused refresh, a logout)
        }
        long now = clock.millis();
        if (current != seen && current.isFreshAt(now, skewMillis)) {
            return new Refreshed(current); // another request refreshed it just before this one asked
        }
        if (current.refreshToken().isEmpty()) {
            return current.isValidAt(now) ? new Refreshed(current) : REFUSED;
        }
        String refreshToken = current.refreshToken().get();
        if (distributable) {
            Optional<TokenSet> exchanged = memory.exchangedFor(id, refreshToken, now);
            if (exchanged.isPresent() && !exchanged.get().refreshToken().equals(current.refreshToken())) {
                // rotated: the old one is dead, and the session came back with it
                LOG.log(Level.DEBUG, "The session came back with a refresh token this node already used: setting"
                        + " the tokens it got for it again");
                if (!store(session, exchanged.get())) {
                    return REFUSED;
                }
                current = exchanged.get();
                if (current.isFreshAt(now, skewMillis)) {
                    return new Refreshed(current);
                }
                refreshToken = current.refreshToken().orElseThrow();
            }
            OptionalLong refusedAt = memory.refusedAt(id, refreshToken, now);
            if (refusedAt.isPresent()) {
                if (now - refusedAt.getAsLong() < REFUSAL_GRACE.toMillis()) {
                    return new Contended(refusedAt.getAsLong()); // refused a moment ago: another node's tokens may come
                }
                LOG.log(Level.DEBUG, "No newer tokens came within the grace after a refused refresh: signing out");
                return signOut(session);
            }
        }
        long retryAt = memory.retryNotBefore(id, now);
        if (now < retryAt) {
            return new Unavailable(retryAt);
        }
        RefreshExchange.Result result = exchange.exchange(current);
        if (result instanceof RefreshExchange.Renewed renewed) {
            return renewed(session, refreshToken, renewed.tokens());
        }
        if (result instanceof RefreshExchange.Refused) {
            return refused(session, current);
        }
        if (result instanceof RefreshExchange.Rejected) {
            return signOut(session); // not a race between nodes: the server's answer itself is unusable
        }
        return cannotRenew(id, ((RefreshExchange.CannotRenew) result).reason());
    }

    private Outcome renewed(HttpSession session, String usedRefreshToken, TokenSet tokens) {
        String id = session.getId();
        long now = clock.millis();
        if (distributable) {
            memory.rememberExchange(id, usedRefreshToken, tokens, now);
        } else {
            memory.forget(id); // an earlier back-off no longer counts
        }
        if (!store(session, tokens)) { // kept even if expired: a rotated refresh token must not be lost
            return REFUSED;
        }
        if (!tokens.isValidAt(now)) { // expires_in 0, an absolute expiry in the past
            LOG.log(Level.WARNING, "The token endpoint answered a refresh with an access token that had already"
                    + " expired (" + tokens.expiresAt().map(Object::toString).orElse("?") + "); check the"
                    + " authorization server's token lifetime and both clocks");
            return cannotRenew(id, "the new access token had already expired");
        }
        LOG.log(Level.DEBUG, () -> "Refreshed the tokens: " + tokens);
        events.tokenRefreshed(tokens);
        return new Refreshed(tokens);
    }

    /** The server refused the refresh token of {@code sent} with {@code invalid_grant}. */
    private Outcome refused(HttpSession session, TokenSet sent) {
        if (!distributable) {
            return signOut(session);
        }
        TokenSet stored;
        try {
            stored = store.tokensOrNull(session); // read again: another node may have stored newer tokens
        } catch (IllegalStateException e) { // invalidated meanwhile (a logout)
            return REFUSED;
        }
        if (stored == null) {
            return REFUSED;
        }
        long now = clock.millis();
        if (!stored.refreshToken().equals(sent.refreshToken())) {
            LOG.log(Level.DEBUG, "A refresh was refused, and the session holds newer tokens: using them");
            return stored.isValidAt(now) ? new Refreshed(stored) : new Contended(now);
        }
        memory.rememberRefusal(session.getId(), sent.refreshToken().orElseThrow(), now);
        LOG.log(Level.DEBUG, "A refresh was refused while the session still holds its refresh token: keeping the"
                + " tokens for now, another node may have refreshed them");
        return new Contended(now);
    }

    private Outcome signOut(HttpSession session) {
        memory.forget(session.getId());
        try {
            store.dropTokens(session);
        } catch (IllegalStateException e) {
            // invalidated meanwhile: the tokens are gone anyway
        }
        LOG.log(Level.DEBUG, "The authorization server refused the refresh token (invalid_grant): the session's"
                + " tokens are dropped, its next page signs in again");
        events.refreshFailed(true);
        return REFUSED;
    }

    private Outcome cannotRenew(String sessionId, String reason) {
        long now = clock.millis();
        long retryAt = now + RETRY_BACKOFF.toMillis();
        memory.backOff(sessionId, retryAt, now);
        LOG.log(Level.DEBUG, () -> "The refresh failed (" + reason + "); not tried again for this session before "
                + RETRY_BACKOFF.toSeconds() + " s");
        events.refreshFailed(false);
        return new Unavailable(retryAt);
    }

    /** @return whether the tokens are stored; false when the session was invalidated meanwhile (a logout) */
    private boolean store(HttpSession session, TokenSet tokens) {
        try {
            store.storeTokens(session, tokens);
            return true;
        } catch (IllegalStateException e) {
            return false;
        }
    }

    /**
     * A page navigation after a refusal in a cluster: the session is read again for at most
     * {@link #NAVIGATION_WAIT}, for valid tokens with another refresh token than the refused one.
     */
    private Optional<TokenSet> awaitNewer(HttpSession session, TokenSet seen) {
        long deadline = clock.millis() + NAVIGATION_WAIT.toMillis();
        while (true) {
            TokenSet stored;
            try {
                stored = store.tokensOrNull(session);
            } catch (IllegalStateException e) {
                return Optional.empty();
            }
            long now = clock.millis();
            if (stored != null && !stored.refreshToken().equals(seen.refreshToken()) && stored.isValidAt(now)) {
                return Optional.of(stored);
            }
            if (now >= deadline) {
                return Optional.empty();
            }
            try {
                Thread.sleep(Math.min(POLL_MILLIS, deadline - now));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        }
    }

    private static long secondsFrom(long now, long then) {
        return (Math.max(0, then - now) + 999) / 1000;
    }

    /**
     * Forgets what this node remembers of a session that ended (a logout, a timeout).
     *
     * @param sessionId the session's id
     */
    public void forget(String sessionId) {
        memory.forget(sessionId);
    }

    /** @return how many sessions this node remembers something of (tests, diagnostics) */
    public int remembered() {
        return memory.size();
    }
}
