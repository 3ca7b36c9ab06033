package dev.pkcefilter.impl.session;

import static dev.pkcefilter.impl.session.PendingLoginsTest.T0;
import static dev.pkcefilter.impl.session.PendingLoginsTest.TIMEOUT;
import static dev.pkcefilter.impl.session.PendingLoginsTest.login;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.pkcefilter.impl.protocol.TokenResponse;
import dev.pkcefilter.impl.session.PendingLogins.Outcome;
import dev.pkcefilter.impl.session.PendingLogins.Taken;

class SessionStoreTest {

    private final SessionStore store = new SessionStore(TIMEOUT);
    private final FakeSession fake = new FakeSession("session-1");

    @Test
    void keepsSeveralPendingLoginsInTheSession() {
        PendingLogin first = login("/app/a", T0);
        PendingLogin second = login("/app/b", T0.plusSeconds(1));

        store.addPendingLogin(fake.session, first, T0);
        store.addPendingLogin(fake.session, second, T0.plusSeconds(1));

        assertEquals(List.of(first, second), store.pendingLogins(fake.session).logins());
        assertEquals(List.of(SessionStore.PENDING, SessionStore.PENDING), fake.writes);
        Taken taken = store.takePendingLogin(fake.session, first.state().value(), T0.plusSeconds(2));
        assertEquals(Outcome.FOUND, taken.outcome());
        assertSame(first, taken.login().orElseThrow());
        assertEquals(List.of(second), store.pendingLogins(fake.session).logins());
    }

    @Test
    void keepsAtMostTenPendingLoginsInTheSession() {
        PendingLogin oldest = login("/0", T0);
        store.addPendingLogin(fake.session, oldest, T0);
        for (int i = 1; i <= 10; i++) {
            store.addPendingLogin(fake.session, login("/" + i, T0.plusSeconds(i)), T0.plusSeconds(i));
        }

        assertEquals(10, store.pendingLogins(fake.session).logins().size());
        assertEquals(Outcome.UNKNOWN,
                store.takePendingLogin(fake.session, oldest.state().value(), T0.plusSeconds(20)).outcome());
    }

    @Test
    void rejectsTheSecondUseOfAState() {
        PendingLogin login = login("/app", T0);
        store.addPendingLogin(fake.session, login, T0);

        Taken first = store.takePendingLogin(fake.session, login.state().value(), T0.plusSeconds(1));
        Taken second = store.takePendingLogin(fake.session, login.state().value(), T0.plusSeconds(2));

        assertEquals(Outcome.FOUND, first.outcome());
        assertEquals(Outcome.UNKNOWN, second.outcome());
        assertEquals(Optional.empty(), second.login());
    }

    @Test
    void takingTheLastPendingLoginLeavesNoAttribute() {
        PendingLogin login = login("/app", T0);
        store.addPendingLogin(fake.session, login, T0);

        store.takePendingLogin(fake.session, login.state().value(), T0.plusSeconds(1));

        assertFalse(fake.attributes.containsKey(SessionStore.PENDING), "no empty list kept in the session");
    }

    @Test
    void aVerifiedUserNeedsNoMarkerUntilTheTokensAreDropped() {
        TokenSet tokens = TokenSet.from(new TokenResponse("AT", "Bearer", Optional.empty(), Optional.empty(),
                Optional.of("RT"), Optional.of("ID")), "openid", T0, new VerifiedUser("sub-1", "alice", List.of()));

        store.storeLogin(fake.session, tokens, new SignedInAs("sub-1"));

        assertFalse(fake.attributes.containsKey(SessionStore.SIGNED_IN_AS), "the tokens' user says who it is");
        assertEquals(Optional.of(new SignedInAs("sub-1")), store.signedInAs(fake.session));
        store.dropTokens(fake.session);
        assertEquals(new SignedInAs("sub-1"), fake.attributes.get(SessionStore.SIGNED_IN_AS), "kept after the tokens");
        assertEquals(Optional.of(new SignedInAs("sub-1")), store.signedInAs(fake.session));
    }

    @Test
    void leavesTheSessionUntouchedForAnUnknownState() {
        PendingLogin login = login("/app", T0);
        store.addPendingLogin(fake.session, login, T0);
        Object before = fake.attributes.get(SessionStore.PENDING);
        fake.writes.clear();

        Taken taken = store.takePendingLogin(fake.session, "forged", T0.plus(TIMEOUT).plusSeconds(1));

        assertEquals(Outcome.UNKNOWN, taken.outcome());
        assertEquals(List.of(), fake.writes);
        assertSame(before, fake.attributes.get(SessionStore.PENDING));
    }

    @Test
    void reportsAnExpiredStateAndPrunesItFromTheSession() {
        PendingLogin login = login("/app", T0);
        store.addPendingLogin(fake.session, login, T0);

        Taken taken = store.takePendingLogin(fake.session, login.state().value(), T0.plus(TIMEOUT));

        assertEquals(Outcome.EXPIRED, taken.outcome());
        assertEquals(Optional.empty(), taken.login());
        assertTrue(store.pendingLogins(fake.session).isEmpty());
        assertEquals(Outcome.UNKNOWN,
                store.takePendingLogin(fake.session, login.state().value(), T0.plus(TIMEOUT)).outcome());
    }

    @Test
    void findsNothingInASessionWithoutPendingLogins() {
        Taken taken = store.takePendingLogin(fake.session, "any", T0);

        assertEquals(Outcome.UNKNOWN, taken.outcome());
        assertSame(PendingLogins.NONE, store.pendingLogins(fake.session));
        assertEquals(List.of(), fake.writes);
    }

    @Test
    void losesNoConcurrentlyAddedLogin() throws Exception {
        for (int round = 0; round < 50; round++) {
            FakeSession shared = new FakeSession("shared-" + round);
            List<PendingLogin> added = addConcurrently(shared, PendingLogins.MAX_PENDING);

            Set<PendingLogin> kept = new HashSet<>(store.pendingLogins(shared.session).logins());
            assertEquals(new HashSet<>(added), kept, "round " + round);
        }
    }

    @Test
    void keepsExactlyTheBoundWhenMoreAreAddedConcurrently() throws Exception {
        for (int round = 0; round < 20; round++) {
            FakeSession shared = new FakeSession("crowded-" + round);
            List<PendingLogin> added = addConcurrently(shared, 3 * PendingLogins.MAX_PENDING);

            List<PendingLogin> kept = store.pendingLogins(shared.session).logins();
            assertEquals(PendingLogins.MAX_PENDING, kept.size(), "round " + round);
            assertTrue(added.containsAll(kept));
        }
    }

    private List<PendingLogin> addConcurrently(FakeSession shared, int threads) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<PendingLogin> logins = new ArrayList<>();
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                PendingLogin login = login("/tab/" + i, T0);
                logins.add(login);
                done.add(pool.submit(() -> {
                    start.await();
                    store.addPendingLogin(shared.session, login, T0);
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> future : done) {
                future.get(10, TimeUnit.SECONDS);
            }
            return logins;
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void storesAndReadsTheTokens() {
        TokenSet tokens = TokenSet.from(new TokenResponse("AT", "Bearer", Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty()), "openid");

        assertEquals(Optional.empty(), store.tokens(fake.session));
        assertNull(store.tokensOrNull(fake.session));
        store.storeTokens(fake.session, tokens);

        assertSame(tokens, store.tokens(fake.session).orElseThrow());
        assertSame(tokens, store.tokensOrNull(fake.session));
        assertEquals(Optional.empty(), store.tokens(null));
        assertEquals(List.of(SessionStore.TOKENS), fake.writes);
    }

    @Test
    void ignoresAnAttributeOfAnotherType() {
        fake.attributes.put(SessionStore.PENDING, "left by an older version");
        fake.attributes.put(SessionStore.TOKENS, "left by an older version");

        assertSame(PendingLogins.NONE, store.pendingLogins(fake.session));
        assertNull(store.tokensOrNull(fake.session));
        store.addPendingLogin(fake.session, login("/app", Instant.EPOCH), Instant.EPOCH);
        assertEquals(1, store.pendingLogins(fake.session).logins().size());
    }

    /** Payara replicates only attributes set again, WildFly skips values of classes annotated Immutable. */
    @Test
    void setsANewValueAgainOnEveryChange() {
        PendingLogin login = login("/app/a", T0);
        store.addPendingLogin(fake.session, login, T0);
        Object pendingBefore = fake.attributes.get(SessionStore.PENDING);
        store.addPendingLogin(fake.session, login("/app/b", T0), T0);
        assertTrue(pendingBefore != fake.attributes.get(SessionStore.PENDING), "a new value, not changed in place");
        store.takePendingLogin(fake.session, login.state().value(), T0);
        TokenSet tokens = TokenSet.from(new TokenResponse("AT", "Bearer", Optional.empty(), Optional.empty(),
                Optional.of("RT"), Optional.empty()), "openid");
        store.storeTokens(fake.session, tokens);
        store.storeTokens(fake.session, tokens.refreshedBy(new TokenResponse("AT2", "Bearer", Optional.empty(),
                Optional.empty(), Optional.of("RT2"), Optional.empty()), Instant.now()));
        store.dropTokens(fake.session);

        assertEquals(List.of(SessionStore.PENDING, SessionStore.PENDING, SessionStore.PENDING, SessionStore.TOKENS,
                SessionStore.TOKENS, SessionStore.TOKENS), fake.writes);
        for (Class<?> type : List.of(TokenSet.class, PendingLogins.class, PendingLogin.class)) {
            assertTrue(java.util.Arrays.stream(type.getAnnotations())
                    .anyMatch(a -> a.annotationType().getSimpleName().equals("Immutable")), type.getName());
        }
    }

    @Test
    void aPreLoginSessionLivesForTheLoginTimeoutUntilSignInRestoresTheApplicationsTimeout() {
        store.markPreLogin(fake.session);

        assertEquals(TIMEOUT.toSeconds(), fake.maxInactiveInterval);
        assertTrue(SessionStore.isPreLogin(fake.session));
        assertEquals(new PreLoginSession(1800), fake.attributes.get(SessionStore.PRE_LOGIN));

        store.storeLogin(fake.session, tokens(), new SignedInAs("alice"));

        assertEquals(1800, fake.maxInactiveInterval);
        assertFalse(SessionStore.isPreLogin(fake.session));
        assertFalse(fake.attributes.containsKey(SessionStore.PRE_LOGIN));
    }

    @Test
    void aPreLoginSessionNeverGetsLongerThanTheApplicationsTimeout() {
        fake.maxInactiveInterval = 60;
        store.markPreLogin(fake.session);
        assertEquals(60, fake.maxInactiveInterval);

        FakeSession forever = new FakeSession("forever");
        forever.maxInactiveInterval = -1;
        store.markPreLogin(forever.session);
        assertEquals(TIMEOUT.toSeconds(), forever.maxInactiveInterval, "a session that never expires gets a limit");
        store.storeLogin(forever.session, tokens(), new SignedInAs(null));
        assertEquals(-1, forever.maxInactiveInterval);
    }

    @Test
    void aSessionThatWasNeverPreLoginKeepsItsTimeoutAtSignIn() {
        fake.maxInactiveInterval = 7200; // set by the application

        store.storeLogin(fake.session, tokens(), new SignedInAs("alice"));

        assertEquals(7200, fake.maxInactiveInterval);
    }

    @Test
    void rememberWhoSignedInWhenTheTokensAreDropped() {
        store.storeLogin(fake.session, tokens(), new SignedInAs("alice"));
        store.dropTokens(fake.session);

        assertNull(store.tokensOrNull(fake.session));
        assertEquals(Optional.of(new SignedInAs("alice")), store.signedInAs(fake.session));
        assertEquals(Optional.empty(), store.signedInAs(new FakeSession("other").session));
    }

    @Test
    void comparesSubjectsOnlyWhenBothAreKnown() {
        assertTrue(new SignedInAs("alice").isSamePerson(Optional.of("alice")));
        assertFalse(new SignedInAs("alice").isSamePerson(Optional.of("bob")));
        assertFalse(new SignedInAs("alice").isSamePerson(Optional.empty()));
        assertFalse(new SignedInAs(null).isSamePerson(Optional.empty()));
        assertFalse(new SignedInAs(null).isSamePerson(Optional.of("alice")));
        assertEquals("SignedInAs[subject known]", new SignedInAs("alice").toString());
    }

    @Test
    void theNewSessionValuesAreSmallImmutableAndSerializable() throws Exception {
        for (Object value : List.of(new PreLoginSession(1800), new SignedInAs("alice"), new SignedInAs(null))) {
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
            try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
                out.writeObject(value);
            }
            try (java.io.ObjectInputStream in = new java.io.ObjectInputStream(
                    new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
                assertEquals(value, in.readObject());
            }
            assertTrue(bytes.size() < 200, value + ": " + bytes.size() + " bytes");
            assertTrue(java.util.Arrays.stream(value.getClass().getAnnotations())
                    .anyMatch(a -> a.annotationType().getSimpleName().equals("Immutable")), value.toString());
        }
    }

    private static TokenSet tokens() {
        return TokenSet.from(new TokenResponse("AT", "Bearer", Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty()), "openid");
    }
}
