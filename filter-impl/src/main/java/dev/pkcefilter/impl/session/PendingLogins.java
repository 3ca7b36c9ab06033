package dev.pkcefilter.impl.session;

import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The logins of one session that wait for their callback: several at once (two tabs), at most
 * {@value #MAX_PENDING}, the oldest dropped first, each expiring after the login timeout. Immutable: every change
 * gives a new value, to be stored in the session again (session replication sees only what is set again).
 *
 * @param logins oldest first
 */
@Immutable
public record PendingLogins(List<PendingLogin> logins) implements Serializable {

    /** How many logins one session may have pending. */
    public static final int MAX_PENDING = 10;

    /** No pending login. */
    public static final PendingLogins NONE = new PendingLogins(List.of());

    public PendingLogins {
        logins = List.copyOf(logins);
        if (logins.size() > MAX_PENDING) {
            throw new IllegalArgumentException("at most " + MAX_PENDING + " pending logins");
        }
    }

    /** What {@link #take} found for a state. */
    public enum Outcome {
        /** The state belongs to a pending login of this session, which is now used up. */
        FOUND,
        /** The state belonged to a login of this session whose time ran out. */
        EXPIRED,
        /** This session never started a login with this state, or its callback was already used. */
        UNKNOWN
    }

    /**
     * The result of taking a state.
     *
     * @param outcome what was found
     * @param login the login, when found
     * @param remaining the pending logins left, to store again
     */
    public record Taken(Outcome outcome, Optional<PendingLogin> login, PendingLogins remaining) {
        public Taken {
            Objects.requireNonNull(outcome, "outcome");
            Objects.requireNonNull(login, "login");
            Objects.requireNonNull(remaining, "remaining");
        }
    }

    /**
     * Adds a login, dropping expired ones and then the oldest beyond {@value #MAX_PENDING}.
     *
     * @param login the new login
     * @param now the current time
     * @param timeout how long a login stays valid
     * @return the new value
     */
    public PendingLogins with(PendingLogin login, Instant now, Duration timeout) {
        List<PendingLogin> kept = new ArrayList<>(MAX_PENDING);
        for (PendingLogin existing : logins) {
            if (!isExpired(existing, now, timeout)) {
                kept.add(existing);
            }
        }
        kept.add(Objects.requireNonNull(login, "login"));
        while (kept.size() > MAX_PENDING) {
            kept.remove(0);
        }
        return new PendingLogins(kept);
    }

    /**
     * Takes the login of a state, once: whatever the outcome, the state is gone afterwards, and expired logins
     * are dropped.
     *
     * @param state the callback's {@code state}
     * @param now the current time
     * @param timeout how long a login stays valid
     * @return the outcome and what remains
     */
    public Taken take(String state, Instant now, Duration timeout) {
        Outcome outcome = Outcome.UNKNOWN;
        PendingLogin found = null;
        List<PendingLogin> kept = new ArrayList<>(logins.size());
        for (PendingLogin login : logins) {
            boolean expired = isExpired(login, now, timeout);
            if (login.state().matches(state)) { // constant time (RFC 9700 §4.7.1)
                outcome = expired ? Outcome.EXPIRED : Outcome.FOUND;
                found = expired ? null : login;
            } else if (!expired) {
                kept.add(login);
            }
        }
        return new Taken(outcome, Optional.ofNullable(found), new PendingLogins(kept));
    }

    /** @return whether no login is pending */
    public boolean isEmpty() {
        return logins.isEmpty();
    }

    private static boolean isExpired(PendingLogin login, Instant now, Duration timeout) {
        return !now.isBefore(login.createdAt().plus(timeout));
    }
}
