package dev.pkcefilter.impl.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.util.Optional;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;

class TokenResponseTest {

    private static final Jsonb JSONB = JsonbBuilder.create();
    /** 2025-01-01T00:00:00Z */
    private static final Instant RECEIVED = Instant.ofEpochSecond(1_735_689_600L);

    @AfterAll
    static void closeJsonb() throws Exception {
        JSONB.close();
    }

    private static TokenResponse parse(String body) {
        return TokenResponse.parse(JSONB, body, RECEIVED);
    }

    private static String rejection(String body) {
        return assertThrows(InvalidResponseException.class, () -> parse(body)).getMessage();
    }

    @Test
    void readsAFullRfc6749Response() {
        TokenResponse response = parse("{\"access_token\":\"2YotnFZFEjr1zCsicMWpAA\",\"token_type\":\"Bearer\","
                + "\"expires_in\":3600,\"refresh_token\":\"tGzv3JOkF0XG5Qx2TlKWIA\",\"scope\":\"openid orders\","
                + "\"id_token\":\"eyJhbGciOiJSUzI1NiJ9.e30.sig\"}");

        assertEquals(new TokenResponse("2YotnFZFEjr1zCsicMWpAA", "Bearer", Optional.of(RECEIVED.plusSeconds(3600)),
                Optional.of("openid orders"), Optional.of("tGzv3JOkF0XG5Qx2TlKWIA"),
                Optional.of("eyJhbGciOiJSUzI1NiJ9.e30.sig")), response);
    }

    @Test
    void readsExpiresInWrittenAsAString() {
        assertEquals(Optional.of(RECEIVED.plusSeconds(3600)),
                parse("{\"access_token\":\"at\",\"expires_in\":\"3600\"}").expiresAt());
    }

    @ParameterizedTest
    @ValueSource(strings = {"expiry", "expires"})
    void readsARelativeLifetimeUnderOtherNames(String name) {
        assertEquals(Optional.of(RECEIVED.plusSeconds(600)),
                parse("{\"access_token\":\"at\",\"" + name + "\":600}").expiresAt());
    }

    @ParameterizedTest
    @ValueSource(strings = {"expiry", "expires"})
    void readsAnAbsoluteEpochLifetimeUnderOtherNames(String name) {
        assertEquals(Optional.of(Instant.parse("2025-01-01T01:00:00Z")),
                parse("{\"access_token\":\"at\",\"" + name + "\":1735693200}").expiresAt());
    }

    @Test
    void readsTheThresholdItselfAsRelative() {
        // relative: 31 years from now, cut to the longest lifetime (as epoch seconds it would be 2001)
        assertEquals(Optional.of(RECEIVED.plus(TokenResponse.MAX_LIFETIME)),
                parse("{\"access_token\":\"at\",\"expiry\":1000000000}").expiresAt());
    }

    @Test
    void prefersExpiresInOverExpiry() {
        assertEquals(Optional.of(RECEIVED.plusSeconds(60)),
                parse("{\"access_token\":\"at\",\"expiry\":600,\"expires_in\":60}").expiresAt());
    }

    @Test
    void countsARelativeLifetimeFromCreatedAt() {
        assertEquals(Optional.of(Instant.ofEpochSecond(1_735_689_000L + 7200)),
                parse("{\"access_token\":\"at\",\"created_at\":1735689000,\"expires_in\":7200}").expiresAt());
        assertEquals(Optional.of(Instant.ofEpochSecond(1_735_689_000L + 600)),
                parse("{\"access_token\":\"at\",\"created_at\":\"1735689000\",\"expiry\":600}").expiresAt());
    }

    @Test
    void ignoresCreatedAtForAnAbsoluteLifetime() {
        assertEquals(Optional.of(Instant.ofEpochSecond(1_735_693_200L)),
                parse("{\"access_token\":\"at\",\"created_at\":1735689000,\"expires\":1735693200}").expiresAt());
    }

    @Test
    void leavesTheLifetimeUnknownWhenNoneIsGiven() {
        assertEquals(Optional.empty(), parse("{\"access_token\":\"at\"}").expiresAt());
    }

    @Test
    void readsMissingOptionalMembersAsEmpty() {
        TokenResponse response = parse("{\"access_token\":\"at\",\"token_type\":\"Bearer\",\"expires_in\":300}");

        assertEquals(Optional.empty(), response.scope());
        assertEquals(Optional.empty(), response.refreshToken());
        assertEquals(Optional.empty(), response.idToken());
    }

    @ParameterizedTest
    @CsvSource({"bearer,Bearer", "BEARER,Bearer", "Bearer,Bearer", "DPoP,DPoP", "dpop,DPoP", "DPOP,DPoP", "mac,mac"})
    void normalisesAnyCaseOfBearerAndDpop(String given, String expected) {
        assertEquals(expected, parse("{\"access_token\":\"at\",\"token_type\":\"" + given + "\"}").tokenType());
    }

    @Test
    void readsAMissingTokenTypeAsBearer() {
        assertEquals("Bearer", parse("{\"access_token\":\"at\"}").tokenType());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "not json", "<html><body>Login</body></html>", "[{\"access_token\":\"at\"}]",
            "{\"access_token\":", "\"at\"", "null"})
    void rejectsABodyThatIsNotAJsonObject(String body) {
        assertEquals("the token response is not a JSON object", rejection(body));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{}", "{\"token_type\":\"Bearer\",\"expires_in\":3600}", "{\"access_token\":\"\"}",
            "{\"access_token\":\"  \"}", "{\"access_token\":42}", "{\"access_token\":null}"})
    void rejectsAJsonObjectWithoutAnAccessToken(String body) {
        assertEquals("the token response has no access_token", rejection(body));
    }

    @Test
    void rejectsANegativeLifetime() {
        assertEquals("the token response has expires_in -1, which is not a whole number of seconds of zero or more",
                rejection("{\"access_token\":\"at\",\"expires_in\":-1}"));
        assertEquals("the token response has expiry -5, which is not a whole number of seconds of zero or more",
                rejection("{\"access_token\":\"at\",\"expiry\":-5}"));
    }

    @Test
    void rejectsAFractionalLifetime() {
        assertEquals("the token response has expires_in 3600.5, which is not a whole number of seconds of zero or more",
                rejection("{\"access_token\":\"at\",\"expires_in\":3600.5}"));
        assertEquals("the token response has expires 0.25, which is not a whole number of seconds of zero or more",
                rejection("{\"access_token\":\"at\",\"expires\":\"0.25\"}"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"soon\"", "true", "{}", "[3600]"})
    void rejectsALifetimeThatIsNotANumber(String value) {
        assertEquals("the token response has a lifetime that is not a whole number of seconds",
                rejection("{\"access_token\":\"at\",\"expires_in\":" + value + "}"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"expires_in\":31622401", "\"expires_in\":10000000000000000", "\"expires_in\":1E+30",
            "\"expires_in\":\"99999999999999999999999999\"", "\"expiry\":253402300800", "\"expires\":9223372036854775807",
            "\"expiry\":999999999", "\"expires\":1E+300"})
    void cutsAnAbsurdLifetimeToTheLongestTakenAsGiven(String member) {
        assertEquals(Optional.of(RECEIVED.plus(TokenResponse.MAX_LIFETIME)),
                parse("{\"access_token\":\"at\"," + member + "}").expiresAt(), member);
    }

    @Test
    void takesTheLongestLifetimeAsGiven() {
        assertEquals(Optional.of(Instant.parse("2026-01-02T00:00:00Z")),
                parse("{\"access_token\":\"at\",\"expires_in\":31622400}").expiresAt());
        assertEquals(Optional.of(Instant.parse("2026-01-02T00:00:00Z")),
                parse("{\"access_token\":\"at\",\"expires\":1767312000}").expiresAt());
    }

    @Test
    void acceptsALifetimeWrittenWithAnExponent() {
        assertEquals(Optional.of(RECEIVED.plusSeconds(3600)),
                parse("{\"access_token\":\"at\",\"expires_in\":3.6E3}").expiresAt());
    }

    /** A server clock far ahead, or a hostile value, must not make a token look valid for longer than it is. */
    @ParameterizedTest
    @CsvSource({"86400, 300", "31622400, 1", "7264310400, 60"}) // a day, a year, and the year 2200 ahead
    void doesNotBelieveACreatedAtFarInTheFuture(long ahead, long expiresIn) {
        TokenResponse response = parse("{\"access_token\":\"a\",\"expires_in\":" + expiresIn + ",\"created_at\":"
                + (RECEIVED.getEpochSecond() + ahead) + "}");
        assertEquals(Optional.of(RECEIVED.plusSeconds(expiresIn)), response.expiresAt(), "counted from the arrival");
    }

    @Test
    void takesACreatedAtWithinTheClockSkew() {
        TokenResponse response = parse("{\"access_token\":\"a\",\"expires_in\":300,\"created_at\":"
                + (RECEIVED.getEpochSecond() + 30) + "}");
        assertEquals(Optional.of(RECEIVED.plusSeconds(330)), response.expiresAt());
    }

    private static String jwt(String payload) {
        java.util.Base64.Encoder b64 = java.util.Base64.getUrlEncoder().withoutPadding();
        return b64.encodeToString("{\"alg\":\"RS256\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(payload.getBytes(java.nio.charset.StandardCharsets.UTF_8)) + ".c2ln";
    }

    /** RFC 9068: without expires_in, a JWT access token's exp schedules the refresh (read, not verified). */
    @Test
    void schedulesAJwtAccessTokenWithoutALifetimeByItsExp() {
        long exp = RECEIVED.getEpochSecond() + 600;
        TokenResponse response = parse("{\"access_token\":\"" + jwt("{\"sub\":\"u\",\"exp\":" + exp + "}") + "\"}");
        assertEquals(Optional.of(Instant.ofEpochSecond(exp)), response.expiresAt());
    }

    @Test
    void expiresInWinsOverTheJwtsExp() {
        long exp = RECEIVED.getEpochSecond() + 600;
        TokenResponse response = parse("{\"access_token\":\"" + jwt("{\"exp\":" + exp + "}")
                + "\",\"expires_in\":60}");
        assertEquals(Optional.of(RECEIVED.plusSeconds(60)), response.expiresAt());
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"exp\":\"soon\"}", "{\"exp\":-5}", "{\"exp\":1.5}", "{\"exp\":1e999999999}",
            "{\"sub\":\"no exp\"}", "not json"})
    void aJwtWithoutAUsableExpLeavesTheLifetimeUnknown(String payload) {
        TokenResponse response = parse("{\"access_token\":\"" + jwt(payload) + "\"}");
        assertEquals(Optional.empty(), response.expiresAt());
    }

    @Test
    void anOpaqueAccessTokenWithoutALifetimeStaysUnknown() {
        assertEquals(Optional.empty(), parse("{\"access_token\":\"a.b.c\"}").expiresAt());
    }

    @Test
    void toStringShowsNoToken() {
        TokenResponse response = parse("{\"access_token\":\"AT-SECRET\",\"token_type\":\"bearer\",\"expires_in\":3600,"
                + "\"refresh_token\":\"RT-SECRET\",\"scope\":\"openid\",\"id_token\":\"ID-SECRET\"}");

        String text = response.toString();

        assertEquals("TokenResponse[tokenType=Bearer, expiresAt=2025-01-01T01:00:00Z, scope=openid,"
                + " refreshToken=present, idToken=present]", text);
        assertFalse(text.contains("SECRET"));
        assertEquals("TokenResponse[tokenType=Bearer, expiresAt=unknown, scope=(as requested), refreshToken=absent,"
                + " idToken=absent]", parse("{\"access_token\":\"AT-SECRET\"}").toString());
    }
}
