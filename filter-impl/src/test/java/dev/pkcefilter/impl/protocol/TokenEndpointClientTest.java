package dev.pkcefilter.impl.protocol;

import static dev.pkcefilter.impl.protocol.FakeServer.json;
import static dev.pkcefilter.impl.protocol.FakeServer.respond;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.pkcefilter.impl.protocol.TokenEndpointException.Failure;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;

class TokenEndpointClientTest {

    private static final Jsonb JSONB = JsonbBuilder.create();
    // long enough for a busy 2-core CI machine; the slow-answer test waits this long once
    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER).build();
    private static final Instant NOW = Instant.parse("2025-01-01T00:00:00Z");

    private static final String CODE = "SplxlOBeZQQYbYS6WxSbIA";
    private static final CodeVerifier VERIFIER = new CodeVerifier("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
    private static final String SECRET = "p@ss:w0rd/+";
    private static final URI REDIRECT = URI.create("https://app.example/oauth/callback");
    private static final String TOKENS = "{\"access_token\":\"AT-1\",\"token_type\":\"Bearer\",\"expires_in\":3600,"
            + "\"refresh_token\":\"RT-1\",\"scope\":\"openid\"}";

    private FakeServer server;

    @BeforeEach
    void startServer() throws IOException {
        server = new FakeServer();
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    @AfterAll
    static void closeJsonb() throws Exception {
        JSONB.close();
    }

    private static TokenEndpointClient client(TokenRequestFormat format) {
        return client(format, Set.of("bearer"));
    }

    private static TokenEndpointClient client(TokenRequestFormat format, Set<String> acceptedTokenTypes) {
        return new TokenEndpointClient(new BoundedHttp(HTTP, TIMEOUT), JSONB, format, Clock.fixed(NOW, ZoneOffset.UTC),
                acceptedTokenTypes);
    }

    private static TokenRequest request(URI endpoint, ClientAuthMethod auth, Optional<String> audience) {
        return new TokenRequest(endpoint, new AuthorizationCodeGrant(CODE, REDIRECT, VERIFIER), new ClientAuthentication(
                "my client", auth, auth == ClientAuthMethod.NONE ? Optional.empty() : Optional.of(new ClientSecret(SECRET))),
                audience);
    }

    private TokenEndpointException failure(FakeServer.Handler handler) {
        server.on("/token", handler);
        return failure(server.uri("/token"));
    }

    private static TokenEndpointException failure(URI endpoint) {
        TokenEndpointException e = assertThrows(TokenEndpointException.class, () -> client(TokenRequestFormat.FORM)
                .send(request(endpoint, ClientAuthMethod.CLIENT_SECRET_POST, Optional.empty())));
        assertFalse(e.getMessage().contains(CODE), e.getMessage());
        assertFalse(e.getMessage().contains(VERIFIER.value()), e.getMessage());
        assertFalse(e.getMessage().contains(SECRET), e.getMessage());
        assertFalse(e.getMessage().contains("p%40ss"), e.getMessage());
        return e;
    }

    @Test
    void postsAFormBodyWithBasicAuthentication() {
        server.on("/token", json(200, TOKENS));

        TokenResponse response = client(TokenRequestFormat.FORM)
                .send(request(server.uri("/token"), ClientAuthMethod.CLIENT_SECRET_BASIC, Optional.empty()));

        assertEquals(new TokenResponse("AT-1", "Bearer", Optional.of(NOW.plusSeconds(3600)), Optional.of("openid"),
                Optional.of("RT-1"), Optional.empty()), response);
        FakeServer.Recorded sent = server.requests().get(0);
        assertEquals("POST", sent.method());
        assertEquals("/token", sent.path());
        assertEquals("application/x-www-form-urlencoded", sent.header("Content-Type"));
        assertEquals("application/json", sent.header("Accept"));
        assertEquals("Basic bXkrY2xpZW50OnAlNDBzcyUzQXcwcmQlMkYlMkI=", sent.header("Authorization"));
        assertEquals("grant_type=authorization_code&code=SplxlOBeZQQYbYS6WxSbIA"
                + "&redirect_uri=https%3A%2F%2Fapp.example%2Foauth%2Fcallback"
                + "&code_verifier=dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk", sent.body());
    }

    @Test
    void postsClientIdAndSecretInTheFormBodyForClientSecretPost() {
        server.on("/token", json(200, TOKENS));

        client(TokenRequestFormat.FORM).send(request(server.uri("/token"), ClientAuthMethod.CLIENT_SECRET_POST,
                Optional.of("https://api.example.com")));

        FakeServer.Recorded sent = server.requests().get(0);
        assertNull(sent.header("Authorization"));
        assertEquals("grant_type=authorization_code&code=SplxlOBeZQQYbYS6WxSbIA"
                + "&redirect_uri=https%3A%2F%2Fapp.example%2Foauth%2Fcallback"
                + "&code_verifier=dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk&client_id=my+client"
                + "&client_secret=p%40ss%3Aw0rd%2F%2B&audience=https%3A%2F%2Fapi.example.com", sent.body());
    }

    @Test
    void postsAJsonBodyWhenConfigured() {
        server.on("/token", json(200, TOKENS));

        client(TokenRequestFormat.JSON).send(request(server.uri("/token"), ClientAuthMethod.NONE,
                Optional.of("orders")));

        FakeServer.Recorded sent = server.requests().get(0);
        assertEquals("application/json", sent.header("Content-Type"));
        assertNull(sent.header("Authorization"));
        assertEquals(Map.of("grant_type", "authorization_code", "code", CODE,
                "redirect_uri", "https://app.example/oauth/callback", "code_verifier", VERIFIER.value(),
                "client_id", "my client", "audience", "orders"), JSONB.fromJson(sent.body(), Map.class));
        assertTrue(sent.body().startsWith("{\"grant_type\":\"authorization_code\",\"code\":"), sent.body());
    }

    @Test
    void reportsAnOAuthErrorAsRefused() {
        TokenEndpointException e = failure(json(400,
                "{\"error\":\"invalid_grant\",\"error_description\":\"Code not valid\"}"));

        assertEquals(Failure.REFUSED, e.failure());
        assertEquals("The token endpoint 127.0.0.1 refused the request with HTTP 400 and error invalid_grant"
                + " (authorization_code grant)", e.getMessage());
        assertEquals(Optional.of("invalid_grant"), e.error());
        assertEquals(Optional.of("Code not valid"), e.errorDescription());
        assertEquals(OptionalInt.of(400), e.status());
    }

    @ParameterizedTest
    @ValueSource(strings = {"400 invalid_scope", "401 invalid_client", "400 unauthorized_client",
            "429 slow_down", "503 temporarily_unavailable"})
    void tellsEachOAuthErrorAndItsStatusApart(String answer) {
        int status = Integer.parseInt(answer.substring(0, 3));
        String code = answer.substring(4);

        TokenEndpointException e = failure(json(status, "{\"error\":\"" + code + "\"}"));

        assertEquals(Optional.of(code), e.error());
        assertEquals(OptionalInt.of(status), e.status());
        assertEquals(status < 500 ? Failure.REFUSED : Failure.SERVER_ERROR, e.failure());
    }

    @Test
    void tellsA429WithoutAnOAuthErrorByItsStatus() {
        TokenEndpointException e = failure(json(429, "{\"message\":\"Too Many Requests\"}"));

        assertEquals(Failure.SERVER_ERROR, e.failure());
        assertEquals(OptionalInt.of(429), e.status());
        assertEquals(Optional.empty(), e.error());
    }

    @Test
    void reportsAnOAuthErrorWithout4xxAsServerError() {
        TokenEndpointException e = failure(json(503, "{\"error\":\"temporarily_unavailable\"}"));

        assertEquals(Failure.SERVER_ERROR, e.failure());
        assertEquals("The token endpoint 127.0.0.1 answered HTTP 503 with error temporarily_unavailable"
                + " (authorization_code grant)", e.getMessage());
        assertEquals(Optional.of("temporarily_unavailable"), e.error());
        assertEquals(Optional.empty(), e.errorDescription());
    }

    @Test
    void reportsAnHtmlErrorPageAsServerError() {
        TokenEndpointException e = failure(respond(500, "text/html",
                "<html><body><h1>Internal Server Error</h1></body></html>"));

        assertEquals(Failure.SERVER_ERROR, e.failure());
        assertEquals("The token endpoint 127.0.0.1 answered HTTP 500 without an OAuth error"
                + " (authorization_code grant)", e.getMessage());
        assertEquals(Optional.empty(), e.error());
    }

    @Test
    void reportsA200ThatIsNotJsonAsInvalidResponse() {
        TokenEndpointException e = failure(respond(200, "text/html", "<html>Sign in</html>"));

        assertEquals(Failure.INVALID_RESPONSE, e.failure());
        assertEquals("The token endpoint 127.0.0.1 answered HTTP 200 but the token response is not a JSON object"
                + " (authorization_code grant)", e.getMessage());
    }

    @Test
    void reportsA200WithoutAccessTokenAsInvalidResponse() {
        TokenEndpointException e = failure(json(200, "{\"token_type\":\"Bearer\",\"expires_in\":3600}"));

        assertEquals(Failure.INVALID_RESPONSE, e.failure());
        assertEquals(OptionalInt.of(200), e.status());
        assertEquals("The token endpoint 127.0.0.1 answered HTTP 200 but the token response has no access_token"
                + " (authorization_code grant)", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"mac", "DPoP", "N_A", "Bearer2", "bearer "})
    void refusesATokenTypeThatIsNotAccepted(String type) {
        TokenEndpointException e = failure(json(200, "{\"access_token\":\"AT-1\",\"token_type\":\"" + type + "\"}"));

        assertEquals(Failure.INVALID_RESPONSE, e.failure());
        assertEquals("The token endpoint 127.0.0.1 answered token_type '" + type + "', which"
                + " pkce.accepted-token-types does not list (authorization_code grant)", e.getMessage());
    }

    @Test
    void cleansAHostileTokenTypeInItsMessage() {
        TokenEndpointException e = failure(json(200, "{\"access_token\":\"AT-1\",\"token_type\":\"x\\r\\nFORGED "
                + "y".repeat(100) + "\"}"));

        assertEquals("The token endpoint 127.0.0.1 answered token_type 'x  FORGED yyyyyyyyyyyyyyyyyyyyyyyyyyyyyy...',"
                + " which pkce.accepted-token-types does not list (authorization_code grant)", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"Bearer", "bearer", "BEARER", "bEaReR"})
    void acceptsBearerInAnyCase(String type) {
        server.on("/token", json(200, "{\"access_token\":\"AT-1\",\"token_type\":\"" + type + "\"}"));

        assertEquals("Bearer", client(TokenRequestFormat.FORM)
                .send(request(server.uri("/token"), ClientAuthMethod.NONE, Optional.empty())).tokenType());
    }

    @ParameterizedTest
    @ValueSource(strings = {"DPoP", "dpop", "DPOP"})
    void acceptsAConfiguredTokenTypeInAnyCase(String type) {
        server.on("/token", json(200, "{\"access_token\":\"AT-1\",\"token_type\":\"" + type + "\"}"));

        assertEquals("DPoP", client(TokenRequestFormat.FORM, Set.of("bearer", "dpop"))
                .send(request(server.uri("/token"), ClientAuthMethod.NONE, Optional.empty())).tokenType());
    }

    @Test
    void acceptsABodyOfExactlyTheBound() {
        String head = "{\"access_token\":\"AT-1\",\"padding\":\"";
        String tail = "\"}";
        String body = head + "x".repeat(BoundedHttp.MAX_BYTES - head.length() - tail.length()) + tail;
        server.on("/token", json(200, body));

        TokenResponse response = client(TokenRequestFormat.FORM)
                .send(request(server.uri("/token"), ClientAuthMethod.NONE, Optional.empty()));

        assertEquals("AT-1", response.accessToken());
    }

    @Test
    void rejectsABodyOneByteOverTheBound() {
        String head = "{\"access_token\":\"AT-1\",\"padding\":\"";
        String tail = "\"}";
        String body = head + "x".repeat(BoundedHttp.MAX_BYTES + 1 - head.length() - tail.length()) + tail;

        TokenEndpointException e = failure(json(200, body));

        assertEquals(Failure.INVALID_RESPONSE, e.failure());
        assertEquals(TransportException.Kind.TOO_LARGE, ((TransportException) e.getCause()).kind());
        assertEquals("The token endpoint 127.0.0.1 answered more than 1048576 bytes (authorization_code grant)",
                e.getMessage());
    }

    @Test
    void stopsReadingAHugeBodyAtTheBound() throws InterruptedException {
        long offered = 256L << 20;
        AtomicLong written = new AtomicLong();
        CountDownLatch done = new CountDownLatch(1);
        FakeServer.Handler endless = exchange -> {
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, 0); // chunked
            byte[] chunk = new byte[64 * 1024];
            java.util.Arrays.fill(chunk, (byte) ' ');
            try (OutputStream out = exchange.getResponseBody()) {
                out.write('{');
                while (written.get() < offered) {
                    out.write(chunk);
                    written.addAndGet(chunk.length);
                }
            } catch (IOException expected) {
                // the client hung up
            } finally {
                done.countDown();
            }
        };

        TokenEndpointException e = failure(endless);

        assertEquals(Failure.INVALID_RESPONSE, e.failure());
        assertEquals("The token endpoint 127.0.0.1 answered more than 1048576 bytes (authorization_code grant)",
                e.getMessage());
        assertTrue(done.await(10, TimeUnit.SECONDS), "the server noticed the client hanging up");
        assertTrue(written.get() < offered / 4, "bytes the server could write: " + written.get());
    }

    @Test
    void reportsASlowAnswerAsTimeout() {
        CountDownLatch never = new CountDownLatch(1);
        TokenEndpointException e = failure(exchange -> {
            try {
                never.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
        });

        assertEquals(Failure.TIMEOUT, e.failure());
        assertEquals("The token endpoint 127.0.0.1 did not answer within PT2S (authorization_code grant)",
                e.getMessage());
        assertEquals(OptionalInt.empty(), e.status());
        assertEquals(TransportException.Kind.TIMEOUT, ((TransportException) e.getCause()).kind());
    }

    @Test
    void reportsAClosedPortAsUnreachable() throws IOException {
        TokenEndpointException e = failure(FakeServer.closedPort("/token"));

        assertEquals(Failure.UNREACHABLE, e.failure());
        assertEquals("The token endpoint 127.0.0.1 could not be reached (authorization_code grant)", e.getMessage());
        assertEquals(OptionalInt.empty(), e.status());
        assertEquals(TransportException.Kind.UNREACHABLE, ((TransportException) e.getCause()).kind());
    }

    @Test
    void doesNotRetryARefusedRequest() {
        server.on("/token", json(400, "{\"error\":\"invalid_client\"}"));

        assertThrows(TokenEndpointException.class, () -> client(TokenRequestFormat.FORM)
                .send(request(server.uri("/token"), ClientAuthMethod.CLIENT_SECRET_BASIC, Optional.empty())));

        assertEquals(List.of("POST /token"), server.requests().stream().map(r -> r.method() + " " + r.path()).toList());
    }

    @Test
    void sendsAFreshClientAssertionInTheJsonBodyForEachRequest() throws Exception {
        server.on("/token", json(200, TOKENS));
        java.security.KeyPair pair = ClientAuthenticationTest.EC;
        ClientKey key = ClientKey.of(pair.getPrivate(), pair.getPublic(), Optional.empty(), Optional.empty());
        ClientAuthentication auth = new ClientAuthentication("my client", ClientAuthMethod.PRIVATE_KEY_JWT,
                Optional.empty(), Optional.of(key), Optional.empty(), Clock.systemUTC());
        TokenRequest request = new TokenRequest(server.uri("/token"), new RefreshTokenGrant("RT-0"), auth,
                Optional.empty());

        client(TokenRequestFormat.JSON).send(request);
        client(TokenRequestFormat.JSON).send(request);

        List<String> assertions = new java.util.ArrayList<>();
        for (FakeServer.Recorded sent : server.requests()) {
            assertEquals("application/json", sent.header("Content-Type"));
            assertNull(sent.header("Authorization"));
            Map<?, ?> body = JSONB.fromJson(sent.body(), Map.class);
            assertEquals("urn:ietf:params:oauth:client-assertion-type:jwt-bearer", body.get("client_assertion_type"));
            assertEquals("my client", body.get("client_id"));
            com.nimbusds.jwt.SignedJWT jwt = com.nimbusds.jwt.SignedJWT.parse((String) body.get("client_assertion"));
            assertTrue(jwt.verify(new com.nimbusds.jose.crypto.ECDSAVerifier(
                    (java.security.interfaces.ECPublicKey) pair.getPublic())));
            assertEquals(List.of(server.uri("/token").toString()), jwt.getJWTClaimsSet().getAudience());
            assertions.add(jwt.getJWTClaimsSet().getJWTID());
        }
        assertEquals(2, assertions.size());
        assertFalse(assertions.get(0).equals(assertions.get(1)), "a new jti for each request, the same request or not");
    }
}
