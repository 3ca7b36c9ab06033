package dev.pkcefilter.impl.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Instant;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.pkcefilter.impl.protocol.TokenResponse;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;

class TokenSetTest {

    private static final Instant EXPIRY = Instant.parse("2025-01-01T01:00:00Z");

    private static TokenResponse response(Optional<Instant> expiresAt, Optional<String> scope) {
        return new TokenResponse("AT-SECRET", "Bearer", expiresAt, scope, Optional.of("RT-SECRET"),
                Optional.of("ID-SECRET"));
    }

    @Test
    void keepsWhatTheServerGranted() {
        TokenSet tokens = TokenSet.from(response(Optional.of(EXPIRY), Optional.of("openid orders:read")), "openid");

        assertEquals("AT-SECRET", tokens.accessToken());
        assertEquals("Bearer", tokens.tokenType());
        assertEquals(Optional.of(EXPIRY), tokens.expiresAt());
        assertEquals("openid orders:read", tokens.scope());
        assertEquals(Optional.of("RT-SECRET"), tokens.refreshToken());
        assertEquals(Optional.of("ID-SECRET"), tokens.idToken());
    }

    @Test
    void takesTheRequestedScopeWhenTheResponseListsNone() {
        TokenSet tokens = TokenSet.from(response(Optional.of(EXPIRY), Optional.empty()), "openid profile");

        assertEquals("openid profile", tokens.scope());
    }

    @Test
    void leavesAbsentPartsEmpty() {
        TokenSet tokens = TokenSet.from(new TokenResponse("AT", "Bearer", Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty()), "");

        assertEquals(Optional.empty(), tokens.expiresAt());
        assertEquals(Optional.empty(), tokens.refreshToken());
        assertEquals(Optional.empty(), tokens.idToken());
        assertEquals("", tokens.scope());
    }

    @Test
    void isValidUntilTheMillisecondOfExpiry() {
        TokenSet tokens = TokenSet.from(response(Optional.of(EXPIRY), Optional.empty()), "");

        assertTrue(tokens.isValidAt(EXPIRY.toEpochMilli() - 1));
        assertFalse(tokens.isValidAt(EXPIRY.toEpochMilli()));
        assertFalse(tokens.isValidAt(EXPIRY.toEpochMilli() + 1));
    }

    @Test
    void staysValidWhenTheServerGaveNoLifetime() {
        TokenSet tokens = TokenSet.from(response(Optional.empty(), Optional.empty()), "");

        assertTrue(tokens.isValidAt(Instant.parse("2999-01-01T00:00:00Z").toEpochMilli()));
    }

    @Test
    void keepsTheLatestExpiryAResponseMayHave() throws Exception {
        TokenResponse response;
        try (Jsonb jsonb = JsonbBuilder.create()) {
            response = TokenResponse.parse(jsonb, "{\"access_token\":\"at\",\"expiry\":9223372036854775807}",
                    Instant.parse("2025-01-01T00:00:00Z"));
        }

        TokenSet tokens = TokenSet.from(response, "");

        assertEquals(Optional.of(Instant.parse("2026-01-02T00:00:00Z")), tokens.expiresAt());
        assertTrue(tokens.isValidAt(Instant.parse("2026-01-01T23:59:59Z").toEpochMilli()));
    }

    @Test
    void toStringShowsNoToken() {
        TokenSet tokens = TokenSet.from(response(Optional.of(EXPIRY), Optional.of("openid")), "");

        String text = tokens.toString();

        assertEquals("TokenSet[tokenType=Bearer, expiresAt=2025-01-01T01:00:00Z, scope=openid,"
                + " refreshToken=present, idToken=present, user=none]", text);
        assertFalse(text.contains("SECRET"));
        assertEquals("TokenSet[tokenType=Bearer, expiresAt=unknown, scope=, refreshToken=absent, idToken=absent, user=none]",
                TokenSet.from(new TokenResponse("AT-SECRET", "Bearer", Optional.empty(), Optional.empty(),
                        Optional.empty(), Optional.empty()), "").toString());
    }

    @Test
    void survivesSerializationAndStaysSmall() throws IOException, ClassNotFoundException {
        String jwt = "eyJhbGciOiJSUzI1NiJ9." + "x".repeat(800) + ".sig";
        TokenSet tokens = TokenSet.from(new TokenResponse(jwt, "Bearer", Optional.of(EXPIRY),
                Optional.of("openid"), Optional.of("RT-" + "y".repeat(400)), Optional.empty()), "");

        byte[] bytes = PendingLoginsTest.serialize(tokens);
        TokenSet copy = (TokenSet) PendingLoginsTest.deserialize(bytes);

        System.out.println("a token set with an 800-character token serializes to " + bytes.length + " bytes");
        assertTrue(bytes.length < 2048, bytes.length + " bytes");
        assertEquals(jwt, copy.accessToken());
        assertEquals("Bearer", copy.tokenType());
        assertEquals(Optional.of(EXPIRY), copy.expiresAt());
        assertEquals("openid", copy.scope());
        assertEquals(tokens.refreshToken(), copy.refreshToken());
        assertEquals(Optional.empty(), copy.idToken());
    }

    private static final long SKEW = 30_000;

    private static TokenSet issued(Instant receivedAt, long lifetimeSeconds) {
        return TokenSet.from(response(Optional.of(receivedAt.plusSeconds(lifetimeSeconds)), Optional.empty()), "",
                receivedAt);
    }

    @Test
    void isRefreshedTheSkewBeforeExpiry() {
        TokenSet tokens = issued(EXPIRY.minusSeconds(300), 300);
        assertTrue(tokens.isFreshAt(EXPIRY.toEpochMilli() - SKEW - 1, SKEW));
        assertFalse(tokens.isFreshAt(EXPIRY.toEpochMilli() - SKEW, SKEW));
    }

    /** A token shorter-lived than twice the skew would be due on arrival, and refreshed on every request. */
    @Test
    void aShortLivedTokenIsRefreshedHalfWayThroughItsLifetime() {
        Instant received = EXPIRY.minusSeconds(10);
        TokenSet tokens = issued(received, 10);
        assertTrue(tokens.isFreshAt(received.toEpochMilli(), SKEW), "fresh on arrival");
        assertTrue(tokens.isFreshAt(received.toEpochMilli() + 4_999, SKEW));
        assertFalse(tokens.isFreshAt(received.toEpochMilli() + 5_000, SKEW));
    }

    @Test
    void aTokenExpiredOnArrivalIsNeverFresh() {
        assertFalse(issued(EXPIRY, 0).isFreshAt(EXPIRY.toEpochMilli(), SKEW));
    }

    @Test
    void withoutItsArrivalTheWholeSkewCounts() {
        TokenSet tokens = TokenSet.from(response(Optional.of(EXPIRY), Optional.empty()), ""); // as written by 0.1.0
        assertTrue(tokens.isFreshAt(EXPIRY.toEpochMilli() - SKEW - 1, SKEW));
        assertFalse(tokens.isFreshAt(EXPIRY.toEpochMilli() - SKEW, SKEW));
    }

    @Test
    void withoutALifetimeItStaysFresh() {
        TokenSet tokens = TokenSet.from(response(Optional.empty(), Optional.empty()), "", EXPIRY);
        assertTrue(tokens.isFreshAt(Long.MAX_VALUE - SKEW - 1, SKEW));
    }
}
