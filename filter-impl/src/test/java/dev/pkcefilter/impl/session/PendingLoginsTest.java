package dev.pkcefilter.impl.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.pkcefilter.impl.protocol.CodeVerifier;
import dev.pkcefilter.impl.protocol.State;
import dev.pkcefilter.impl.session.PendingLogins.Outcome;
import dev.pkcefilter.impl.session.PendingLogins.Taken;

class PendingLoginsTest {

    static final SecureRandom RANDOM = new SecureRandom();
    static final Duration TIMEOUT = Duration.ofMinutes(10);
    static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");

    static PendingLogin login(String returnPath, Instant createdAt) {
        return new PendingLogin(State.generate(RANDOM), CodeVerifier.generate(RANDOM),
                URI.create("https://app.example/oauth/callback"), returnPath, createdAt);
    }

    private static String state(PendingLogin login) {
        return login.state().value();
    }

    @Test
    void keepsSeveralLoginsPendingAtOnce() {
        PendingLogin first = login("/app/a", T0);
        PendingLogin second = login("/app/b", T0.plusSeconds(1));
        PendingLogin third = login("/app/c", T0.plusSeconds(2));
        PendingLogins pending = PendingLogins.NONE.with(first, T0, TIMEOUT)
                .with(second, T0.plusSeconds(1), TIMEOUT).with(third, T0.plusSeconds(2), TIMEOUT);

        Taken taken = pending.take(state(second), T0.plusSeconds(3), TIMEOUT);

        assertEquals(Outcome.FOUND, taken.outcome());
        assertSame(second, taken.login().orElseThrow());
        assertEquals(List.of(first, third), taken.remaining().logins());
        assertSame(first, taken.remaining().take(state(first), T0.plusSeconds(4), TIMEOUT).login().orElseThrow());
        assertSame(third, taken.remaining().take(state(third), T0.plusSeconds(4), TIMEOUT).login().orElseThrow());
    }

    @Test
    void keepsAtMostTenDroppingTheOldest() {
        List<PendingLogin> added = new ArrayList<>();
        PendingLogins pending = PendingLogins.NONE;
        for (int i = 0; i < 11; i++) {
            PendingLogin login = login("/app/" + i, T0.plusSeconds(i));
            added.add(login);
            pending = pending.with(login, T0.plusSeconds(i), TIMEOUT);
        }

        assertEquals(10, PendingLogins.MAX_PENDING);
        assertEquals(added.subList(1, 11), pending.logins());
        assertEquals(Outcome.UNKNOWN, pending.take(state(added.get(0)), T0.plusSeconds(20), TIMEOUT).outcome());
        assertEquals(Outcome.FOUND, pending.take(state(added.get(10)), T0.plusSeconds(20), TIMEOUT).outcome());
    }

    @Test
    void takesALoginOnlyOnce() {
        PendingLogin login = login("/app", T0);
        PendingLogins pending = PendingLogins.NONE.with(login, T0, TIMEOUT);

        Taken first = pending.take(state(login), T0.plusSeconds(5), TIMEOUT);
        Taken second = first.remaining().take(state(login), T0.plusSeconds(6), TIMEOUT);

        assertEquals(Outcome.FOUND, first.outcome());
        assertTrue(first.remaining().isEmpty());
        assertEquals(Outcome.UNKNOWN, second.outcome());
        assertEquals(Optional.empty(), second.login());
    }

    @Test
    void reportsAnUnknownStateAndKeepsTheOthers() {
        PendingLogin login = login("/app", T0);
        PendingLogins pending = PendingLogins.NONE.with(login, T0, TIMEOUT);

        Taken taken = pending.take("forged-state", T0.plusSeconds(5), TIMEOUT);

        assertEquals(Outcome.UNKNOWN, taken.outcome());
        assertEquals(Optional.empty(), taken.login());
        assertEquals(List.of(login), taken.remaining().logins());
    }

    @Test
    void expiresALoginAtTheLoginTimeout() {
        PendingLogin login = login("/app", T0);
        PendingLogins pending = PendingLogins.NONE.with(login, T0, TIMEOUT);

        Taken justInTime = pending.take(state(login), T0.plus(TIMEOUT).minusNanos(1), TIMEOUT);
        Taken tooLate = pending.take(state(login), T0.plus(TIMEOUT), TIMEOUT);

        assertEquals(Outcome.FOUND, justInTime.outcome());
        assertEquals(Outcome.EXPIRED, tooLate.outcome());
        assertEquals(Optional.empty(), tooLate.login());
        assertTrue(tooLate.remaining().isEmpty());
    }

    @Test
    void prunesExpiredLoginsWhenTakingAnother() {
        PendingLogin old = login("/old", T0);
        PendingLogin fresh = login("/fresh", T0.plus(TIMEOUT));
        PendingLogins pending = new PendingLogins(List.of(old, fresh));

        Taken taken = pending.take(state(fresh), T0.plus(TIMEOUT).plusSeconds(1), TIMEOUT);

        assertEquals(Outcome.FOUND, taken.outcome());
        assertTrue(taken.remaining().isEmpty());
    }

    @Test
    void prunesExpiredLoginsWhenAddingOne() {
        PendingLogin old = login("/old", T0);
        PendingLogin recent = login("/recent", T0.plusSeconds(60));
        PendingLogin fresh = login("/fresh", T0.plus(TIMEOUT));

        PendingLogins pending = PendingLogins.NONE.with(old, T0, TIMEOUT).with(recent, T0.plusSeconds(60), TIMEOUT)
                .with(fresh, T0.plus(TIMEOUT), TIMEOUT);

        assertEquals(List.of(recent, fresh), pending.logins());
    }

    @Test
    void isImmutable() {
        List<PendingLogin> source = new ArrayList<>(List.of(login("/a", T0)));
        PendingLogins pending = new PendingLogins(source);

        source.add(login("/b", T0));
        PendingLogins more = pending.with(login("/c", T0), T0, TIMEOUT);

        assertEquals(1, pending.logins().size());
        assertEquals(2, more.logins().size());
        assertThrows(UnsupportedOperationException.class, () -> pending.logins().clear());
    }

    @Test
    void rejectsMoreThanTenLogins() {
        List<PendingLogin> eleven = new ArrayList<>();
        for (int i = 0; i < 11; i++) {
            eleven.add(login("/" + i, T0));
        }

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new PendingLogins(eleven));

        assertEquals("at most 10 pending logins", e.getMessage());
    }

    @Test
    void toStringShowsNeitherStateNorVerifier() {
        PendingLogin login = login("/app/orders?page=2", T0);

        String text = new PendingLogins(List.of(login)).toString();

        assertEquals("PendingLogins[logins=[PendingLogin[returnPath=/app/orders?page=2,"
                + " createdAt=2025-01-01T00:00:00Z]]]", text);
        assertFalse(text.contains(login.state().value()));
        assertFalse(text.contains(login.verifier().value()));
    }

    @Test
    void survivesSerializationAndStaysSmall() throws IOException, ClassNotFoundException {
        PendingLogins pending = PendingLogins.NONE;
        for (int i = 0; i < PendingLogins.MAX_PENDING; i++) {
            pending = pending.with(login("/app/orders/" + i + "?page=" + i, T0.plusSeconds(i)), T0.plusSeconds(i),
                    TIMEOUT);
        }

        byte[] bytes = serialize(pending);
        PendingLogins copy = (PendingLogins) deserialize(bytes);

        System.out.println("10 pending logins serialize to " + bytes.length + " bytes");
        assertTrue(bytes.length < 4096, bytes.length + " bytes");
        assertEquals(pending.logins().size(), copy.logins().size());
        for (int i = 0; i < pending.logins().size(); i++) {
            PendingLogin original = pending.logins().get(i);
            PendingLogin restored = copy.logins().get(i);
            assertEquals(original.state().value(), restored.state().value());
            assertEquals(original.verifier().value(), restored.verifier().value());
            assertEquals(original.redirectUri(), restored.redirectUri());
            assertEquals(original.returnPath(), restored.returnPath());
            assertEquals(original.createdAt(), restored.createdAt());
        }
        PendingLogin last = pending.logins().get(9);
        assertEquals(Outcome.FOUND, copy.take(state(last), T0.plusSeconds(30), TIMEOUT).outcome());
    }

    static byte[] serialize(Object value) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(value);
        }
        return bytes.toByteArray();
    }

    static Object deserialize(byte[] bytes) throws IOException, ClassNotFoundException {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
            return in.readObject();
        }
    }
}
