package dev.pkcefilter.impl.refresh;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

import dev.pkcefilter.impl.session.TokenSet;

/**
 * What one node remembers of its recent refreshes, per session id, in memory only:
 * <ul>
 *   <li>the refresh token it exchanged and the tokens it got for it: when a cluster brings an older copy of the
 *       session back (Payara can store the copy of the node that lost a race over the winner's), the node sets
 *       those tokens again instead of sending a refresh token the server already rotated away (RFC 9700
 *       §4.14.2);</li>
 *   <li>a refresh token the server refused while the session still held it, and when: another node may have
 *       rotated it a moment before;</li>
 *   <li>when the session's refresh may be tried again after the server could not renew it, so that a server that
 *       is down or misbehaves is not asked on every request.</li>
 * </ul>
 * Bounded twice: an entry is let go {@link #maxAge} after its last change, and beyond {@link #maxEntries} the
 * oldest entries are evicted first. Refresh tokens are kept as SHA-256 digests only.
 */
final class ExchangeMemory {

    /** One session's memory; absent parts are {@code null}. */
    private record Entry(byte[] exchanged, TokenSet exchangedFor, byte[] refused, long refusedAt,
                         long retryNotBefore, long changedAt) {
    }

    private final Duration maxAge;
    private final int maxEntries;
    /** By session id, in the order of their last change: the oldest first. */
    private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>();

    ExchangeMemory(Duration maxAge, int maxEntries) {
        this.maxAge = Objects.requireNonNull(maxAge, "maxAge");
        if (maxEntries < 1) {
            throw new IllegalArgumentException("maxEntries must be positive");
        }
        this.maxEntries = maxEntries;
    }

    /** @return the tokens this node got for the session's {@code refreshToken}, if it exchanged that one lately */
    synchronized Optional<TokenSet> exchangedFor(String sessionId, String refreshToken, long now) {
        Entry entry = live(sessionId, now);
        return entry != null && entry.exchanged() != null && matches(entry.exchanged(), refreshToken)
                ? Optional.of(entry.exchangedFor()) : Optional.empty();
    }

    /** Remembers a refresh that gave tokens; an earlier refusal and back-off of the session no longer count. */
    synchronized void rememberExchange(String sessionId, String usedRefreshToken, TokenSet result, long now) {
        put(sessionId, new Entry(digest(usedRefreshToken), Objects.requireNonNull(result, "result"), null, 0, 0, now),
                now);
    }

    /** @return when the server refused the session's {@code refreshToken} on this node, if it did lately */
    synchronized OptionalLong refusedAt(String sessionId, String refreshToken, long now) {
        Entry entry = live(sessionId, now);
        return entry != null && entry.refused() != null && matches(entry.refused(), refreshToken)
                ? OptionalLong.of(entry.refusedAt()) : OptionalLong.empty();
    }

    /** Remembers that the server refused the session's {@code refreshToken} while the session still held it. */
    synchronized void rememberRefusal(String sessionId, String refreshToken, long now) {
        Entry entry = live(sessionId, now);
        put(sessionId, new Entry(entry == null ? null : entry.exchanged(), entry == null ? null : entry.exchangedFor(),
                digest(refreshToken), now, 0, now), now);
    }

    /** @return the time before which the session's refresh is not tried again, or 0 */
    synchronized long retryNotBefore(String sessionId, long now) {
        Entry entry = live(sessionId, now);
        return entry == null ? 0 : entry.retryNotBefore();
    }

    /** Remembers that the session's refresh is not to be tried again before {@code notBefore}. */
    synchronized void backOff(String sessionId, long notBefore, long now) {
        Entry entry = live(sessionId, now);
        put(sessionId, entry == null ? new Entry(null, null, null, 0, notBefore, now)
                : new Entry(entry.exchanged(), entry.exchangedFor(), entry.refused(), entry.refusedAt(), notBefore, now),
                now);
    }

    /** Forgets a session, which ended on this node (a logout, a timeout) or whose tokens were dropped. */
    synchronized void forget(String sessionId) {
        entries.remove(sessionId);
    }

    /** @return how many sessions this node remembers something of */
    synchronized int size() {
        return entries.size();
    }

    private Entry live(String sessionId, long now) {
        prune(now);
        return entries.get(sessionId);
    }

    private void put(String sessionId, Entry entry, long now) {
        entries.remove(sessionId); // to the end: the newest
        entries.put(sessionId, entry);
        prune(now);
        Iterator<Entry> oldestFirst = entries.values().iterator();
        while (entries.size() > maxEntries) {
            oldestFirst.next();
            oldestFirst.remove();
        }
    }

    /** Lets go of the entries older than {@link #maxAge}: the first ones, as they are in the order of change. */
    private void prune(long now) {
        long limit = maxAge.toMillis();
        Iterator<Entry> oldestFirst = entries.values().iterator();
        while (oldestFirst.hasNext()) {
            if (now - oldestFirst.next().changedAt() < limit) {
                return;
            }
            oldestFirst.remove();
        }
    }

    private static boolean matches(byte[] digest, String refreshToken) {
        return MessageDigest.isEqual(digest, digest(refreshToken));
    }

    private static byte[] digest(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java platform", e);
        }
    }
}
