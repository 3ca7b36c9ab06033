package dev.pkcefilter.impl.refresh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;

import dev.pkcefilter.impl.protocol.TokenResponse;
import dev.pkcefilter.impl.session.TokenSet;
import org.junit.jupiter.api.Test;

class ExchangeMemoryTest {

    private static final TokenSet TOKENS = TokenSet.from(new TokenResponse("at-2", "Bearer",
            Optional.of(Instant.parse("2030-01-01T00:00:00Z")), Optional.empty(), Optional.of("rt-2"),
            Optional.empty()), "openid");

    private final ExchangeMemory memory = new ExchangeMemory(Duration.ofSeconds(60), 3);

    @Test
    void remembersTheTokensOfTheRefreshTokenItExchanged() {
        memory.rememberExchange("s", "rt-1", TOKENS, 1_000);
        assertSame(TOKENS, memory.exchangedFor("s", "rt-1", 2_000).orElseThrow());
        assertEquals(Optional.empty(), memory.exchangedFor("s", "rt-other", 2_000));
        assertEquals(Optional.empty(), memory.exchangedFor("other", "rt-1", 2_000));
    }

    @Test
    void aRefusalIsRememberedForItsRefreshTokenBesideTheExchange() {
        memory.rememberExchange("s", "rt-1", TOKENS, 1_000);
        memory.rememberRefusal("s", "rt-2", 2_000);
        assertEquals(OptionalLong.of(2_000), memory.refusedAt("s", "rt-2", 3_000));
        assertEquals(OptionalLong.empty(), memory.refusedAt("s", "rt-1", 3_000));
        assertSame(TOKENS, memory.exchangedFor("s", "rt-1", 3_000).orElseThrow(), "the exchange is kept");
    }

    @Test
    void anExchangeClearsARefusalAndABackOff() {
        memory.rememberRefusal("s", "rt-1", 1_000);
        memory.backOff("s", 9_000, 1_000);
        memory.rememberExchange("s", "rt-1", TOKENS, 2_000);
        assertEquals(OptionalLong.empty(), memory.refusedAt("s", "rt-1", 3_000));
        assertEquals(0, memory.retryNotBefore("s", 3_000));
    }

    @Test
    void aBackOffIsRemembered() {
        assertEquals(0, memory.retryNotBefore("s", 1_000));
        memory.backOff("s", 6_000, 1_000);
        assertEquals(6_000, memory.retryNotBefore("s", 2_000));
    }

    @Test
    void entriesAreLetGoAMinuteAfterTheirLastChange() {
        memory.rememberExchange("a", "rt-a", TOKENS, 0);
        memory.rememberExchange("b", "rt-b", TOKENS, 30_000);
        assertEquals(2, memory.size());

        assertEquals(Optional.empty(), memory.exchangedFor("a", "rt-a", 60_000));
        assertEquals(1, memory.size(), "only a is older than a minute");
        assertTrue(memory.exchangedFor("b", "rt-b", 60_000).isPresent());
    }

    @Test
    void beyondTheLimitTheOldestAreEvictedFirst() {
        memory.rememberExchange("a", "rt-a", TOKENS, 1);
        memory.rememberExchange("b", "rt-b", TOKENS, 2);
        memory.rememberExchange("c", "rt-c", TOKENS, 3);
        memory.rememberRefusal("a", "rt-a2", 4); // a changed last: now the newest

        memory.rememberExchange("d", "rt-d", TOKENS, 5);

        assertEquals(3, memory.size());
        assertEquals(Optional.empty(), memory.exchangedFor("b", "rt-b", 6), "b was the oldest");
        assertTrue(memory.refusedAt("a", "rt-a2", 6).isPresent());
        assertTrue(memory.exchangedFor("c", "rt-c", 6).isPresent());
        assertTrue(memory.exchangedFor("d", "rt-d", 6).isPresent());
    }

    @Test
    void forgetsASession() {
        memory.rememberExchange("a", "rt-a", TOKENS, 1);
        memory.forget("a");
        assertEquals(0, memory.size());
    }
}
