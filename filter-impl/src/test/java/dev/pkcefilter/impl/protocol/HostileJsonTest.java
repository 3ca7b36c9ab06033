package dev.pkcefilter.impl.protocol;

import static dev.pkcefilter.impl.protocol.FakeServer.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.pkcefilter.impl.protocol.Discovery.DiscoveryException;
import dev.pkcefilter.impl.protocol.TokenEndpointException.Failure;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;

/**
 * Hostile numbers and nesting inside the 1 MiB bound (issue 12 item 3). Tagged {@code small-heap}: these run in
 * their own JVM with {@code -Xmx128m} (filter-impl/pom.xml), where a billion-digit string or a deep recursion
 * would fail the run rather than pass unnoticed on a large heap.
 */
@Tag("small-heap")
class HostileJsonTest {

    private static final Jsonb JSONB = JsonbBuilder.create();
    private static final Instant NOW = Instant.parse("2025-01-01T00:00:00Z");
    private static final String OUT_OF_BOUNDS = " beyond the numbers pkce-filter reads (64 digits, exponent within ±1000)";

    /** 200,000 nested arrays: 400,000 characters, well inside the 1 MiB bound. */
    private static final String DEEP_ARRAYS = "[".repeat(200_000) + "]".repeat(200_000);
    /** 150,000 nested objects: 900,000 characters. */
    private static final String DEEP_OBJECTS = "{\"a\":".repeat(150_000) + "1" + "}".repeat(150_000);
    /** A number literal of a million digits. */
    private static final String LONG_NUMBER = "9".repeat(1_000_000);

    @AfterAll
    static void closeJsonb() throws Exception {
        JSONB.close();
    }

    @Test
    void runsInASmallHeap() {
        // the surefire execution small-heap sets -Xmx128m; on a large heap these tests could pass by accident
        assertTrue(Runtime.getRuntime().maxMemory() <= 128L << 20, "max heap " + Runtime.getRuntime().maxMemory());
    }

    private static String rejection(String body) {
        assertTrue(body.length() <= BoundedHttp.MAX_BYTES, "inside the size bound");
        return assertThrows(InvalidResponseException.class, () -> TokenResponse.parse(JSONB, body, NOW)).getMessage();
    }

    @ParameterizedTest
    @ValueSource(strings = {"1e999999999", "-1e999999999", "1e2147483647", "1e-999999999",
            "\"1e999999999\"", "\"-1e999999999\"", "\"1e2147483647\"", "\"1e-999999999\""})
    void refusesAHostileExpiresIn(String value) {
        assertEquals("the token response has expires_in" + OUT_OF_BOUNDS,
                rejection("{\"access_token\":\"at\",\"expires_in\":" + value + "}"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"expiry", "expires", "created_at"})
    void refusesAHostileNumberInEveryLifetimeMember(String name) {
        String extra = name.equals("created_at") ? ",\"expires_in\":60" : "";
        assertEquals("the token response has " + name + OUT_OF_BOUNDS,
                rejection("{\"access_token\":\"at\",\"" + name + "\":1e999999999" + extra + "}"));
        assertEquals("the token response has " + name + OUT_OF_BOUNDS,
                rejection("{\"access_token\":\"at\",\"" + name + "\":\"-1e999999999\"" + extra + "}"));
    }

    @Test
    void refusesAMillionDigitNumberBeforeJsonBParsesIt() {
        assertEquals("the token response has a number longer than 64 characters",
                rejection("{\"access_token\":\"at\",\"expires_in\":" + LONG_NUMBER + "}"));
    }

    @Test
    void refusesAMillionDigitStringBeforeParsingItAsANumber() {
        assertEquals("the token response has expires_in as a string longer than 64 characters",
                rejection("{\"access_token\":\"at\",\"expires_in\":\"" + LONG_NUMBER + "\"}"));
    }

    @Test
    void refusesDeepNestingBeforeJsonBSeesIt() {
        assertEquals("the token response is nested deeper than 32 levels",
                rejection("{\"access_token\":\"at\",\"x\":" + DEEP_ARRAYS + "}"));
        assertEquals("the token response is nested deeper than 32 levels",
                rejection("{\"access_token\":\"at\",\"x\":" + DEEP_OBJECTS + "}"));
    }

    @Test
    void readsNestingUpToTheBound() {
        String nested = "[".repeat(31) + "]".repeat(31); // inside the object: 32 levels
        assertEquals("at", TokenResponse.parse(JSONB, "{\"access_token\":\"at\",\"x\":" + nested + "}", NOW)
                .accessToken());
        assertEquals("the token response is nested deeper than 32 levels",
                rejection("{\"access_token\":\"at\",\"x\":[" + nested + "]}"));
    }

    @Test
    void skipsBracketsAndDigitsInsideStringsEscapesIncluded() {
        // brackets and digits in strings are content, also after an escaped quote
        String body = "{\"access_token\":\"at\",\"x\":\"\\\"" + "[".repeat(100_000) + "\",\"y\":\"\\\\\\\""
                + "9".repeat(100_000) + "\"}";
        assertEquals("at", TokenResponse.parse(JSONB, body, NOW).accessToken());
        // a string that ends in an escaped backslash ends there: what follows is counted
        assertEquals("the token response is nested deeper than 32 levels",
                rejection("{\"access_token\":\"at\\\\\",\"x\":" + "[".repeat(33) + "]".repeat(33) + "}"));
    }

    @Test
    void refusesAStackOverflowOfTheProviderInsteadOfThrowingIt() {
        Jsonb overflowing = (Jsonb) Proxy.newProxyInstance(Jsonb.class.getClassLoader(), new Class<?>[] {Jsonb.class},
                (proxy, method, args) -> {
                    throw new StackOverflowError();
                });

        InvalidResponseException e = assertThrows(InvalidResponseException.class,
                () -> TokenResponse.parse(overflowing, "{\"access_token\":\"at\"}", NOW));

        assertEquals("the token response is nested too deeply to read", e.getMessage());
        assertEquals(Optional.empty(), JsonObjects.parse(overflowing, "{\"error\":\"invalid_grant\"}"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"error\":\"invalid_grant\",\"x\":" + "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[" + "}",
            "{\"error\":\"invalid_grant\",\"error_description\":1e999999999}"})
    void readsAHostileErrorBodyAsNoOAuthErrorOrWithoutItsBadMember(String body) {
        Optional<OAuthError> error = JsonObjects.parse(JSONB, body).flatMap(OAuthError::from);

        assertEquals(body.contains("[") ? Optional.empty()
                : Optional.of(new OAuthError("invalid_grant", Optional.empty())), error);
    }

    @Test
    void readsAnIdTokenWithAHostilePayloadAsNoClaims() {
        String payload = Base64.getUrlEncoder().withoutPadding().encodeToString(("{\"sub\":\"u\",\"x\":" + DEEP_ARRAYS
                + "}").getBytes(StandardCharsets.UTF_8));

        assertEquals(Map.of(), IdTokenClaims.read(JSONB, "eyJhbGciOiJSUzI1NiJ9." + payload + ".sig"));
    }

    @Test
    void theTokenEndpointClientAnswersAHostileBodyAsAnInvalidResponse() throws Exception {
        Duration timeout = Duration.ofSeconds(5);
        HttpClient http = HttpClient.newBuilder().connectTimeout(timeout).build();
        TokenEndpointClient client = new TokenEndpointClient(new BoundedHttp(http, timeout), JSONB,
                TokenRequestFormat.FORM, Clock.fixed(NOW, ZoneOffset.UTC), Set.of("bearer"));
        try (FakeServer server = new FakeServer()) {
            server.on("/code", json(200, "{\"access_token\":\"at\",\"expires_in\":1e999999999}"));
            server.on("/deep", json(200, "{\"access_token\":\"at\",\"x\":" + DEEP_ARRAYS + "}"));
            server.on("/digits", json(200, "{\"access_token\":\"at\",\"expires_in\":" + LONG_NUMBER + "}"));
            server.on("/error", json(400, "{\"error\":\"invalid_grant\",\"x\":" + DEEP_OBJECTS + "}"));
            for (String path : new String[] {"/code", "/deep", "/digits"}) {
                TokenEndpointException e = assertThrows(TokenEndpointException.class, () -> client.send(request(
                        server.uri(path))));

                assertEquals(Failure.INVALID_RESPONSE, e.failure(), path); // the callback's 502, not a timeout
                assertEquals(OptionalInt.of(200), e.status(), path);
                assertTrue(e.getMessage().startsWith("The token endpoint 127.0.0.1 answered HTTP 200 but the token"
                        + " response "), e.getMessage());
            }
            TokenEndpointException error = assertThrows(TokenEndpointException.class,
                    () -> client.send(request(server.uri("/error"))));
            assertEquals(Failure.SERVER_ERROR, error.failure());
            assertEquals("The token endpoint 127.0.0.1 answered HTTP 400 without an OAuth error (authorization_code"
                    + " grant)", error.getMessage());
        }
    }

    @Test
    void discoveryRefusesADeeplyNestedDocument() throws Exception {
        Duration timeout = Duration.ofSeconds(5);
        try (FakeServer server = new FakeServer()) {
            URI issuer = server.uri("/realms/x");
            server.on("/realms/x/.well-known/openid-configuration", json(200, "{\"issuer\":\"" + issuer
                    + "\",\"x\":" + DEEP_OBJECTS + "}"));
            Discovery discovery = new Discovery(new BoundedHttp(HttpClient.newHttpClient(), timeout), JSONB);

            DiscoveryException e = assertThrows(DiscoveryException.class, () -> discovery.discover(issuer));

            assertEquals("Discovery of " + issuer + " failed: " + issuer + "/.well-known/openid-configuration is"
                    + " nested deeper than 32 levels.", e.getMessage());
        }
    }

    private static TokenRequest request(URI endpoint) {
        return new TokenRequest(endpoint, new AuthorizationCodeGrant("code-1", URI.create("https://app.example/cb"),
                new CodeVerifier("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")),
                new ClientAuthentication("shop", ClientAuthMethod.NONE, Optional.empty()), Optional.empty());
    }
}
