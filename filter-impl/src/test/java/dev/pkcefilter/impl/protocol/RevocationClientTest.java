package dev.pkcefilter.impl.protocol;

import static dev.pkcefilter.impl.protocol.FakeServer.json;
import static dev.pkcefilter.impl.protocol.FakeServer.respond;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.pkcefilter.impl.protocol.RevocationRequest.TokenTypeHint;
import dev.pkcefilter.impl.testing.LogCapture;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;

class RevocationClientTest {

    private static final Jsonb JSONB = JsonbBuilder.create();
    private static final Duration TIMEOUT = Duration.ofSeconds(1);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER).build();
    private static final String TOKEN = "RT-secret-refresh-token";
    private static final String SECRET = "p@ss:w0rd/+";

    private LogCapture log;
    private FakeServer server;

    @BeforeEach
    void start() throws IOException {
        server = new FakeServer();
        log = LogCapture.of(RevocationClient.class);
    }

    @AfterEach
    void stop() {
        log.close();
        server.close();
        for (String line : log.lines()) {
            assertFalse(line.contains(TOKEN) || line.contains("p@ss") || line.contains("p%40ss"), line);
        }
    }

    @AfterAll
    static void closeJsonb() throws Exception {
        JSONB.close();
    }

    private static RevocationClient.Result revoke(URI endpoint, ClientAuthMethod method) {
        Optional<ClientSecret> secret = method == ClientAuthMethod.NONE ? Optional.empty()
                : Optional.of(new ClientSecret(SECRET));
        return new RevocationClient(new BoundedHttp(HTTP, TIMEOUT), JSONB).revoke(new RevocationRequest(endpoint,
                TOKEN, TokenTypeHint.REFRESH_TOKEN, new ClientAuthentication("my client", method, secret)));
    }

    @Test
    void postsAFormWithBasicAuthenticationAndReportsRevoked() {
        server.on("/revoke", respond(200, "text/plain", ""));

        assertEquals(RevocationClient.Result.REVOKED, revoke(server.uri("/revoke"), ClientAuthMethod.CLIENT_SECRET_BASIC));

        FakeServer.Recorded sent = server.requests().get(0);
        assertEquals("POST", sent.method());
        assertEquals("application/x-www-form-urlencoded", sent.header("Content-Type"));
        assertEquals("Basic bXkrY2xpZW50OnAlNDBzcyUzQXcwcmQlMkYlMkI=", sent.header("Authorization"));
        assertEquals("token=RT-secret-refresh-token&token_type_hint=refresh_token", sent.body());
    }

    @Test
    void postsThePublicClientsIdInTheForm() {
        server.on("/revoke", respond(200, "text/plain", ""));

        assertEquals(RevocationClient.Result.REVOKED, revoke(server.uri("/revoke"), ClientAuthMethod.NONE));

        FakeServer.Recorded sent = server.requests().get(0);
        assertNull(sent.header("Authorization"));
        assertEquals("token=RT-secret-refresh-token&token_type_hint=refresh_token&client_id=my+client", sent.body());
    }

    @Test
    void anOAuthErrorIsAFailureLoggedWithItsCodeOnly() {
        server.on("/revoke", json(400, "{\"error\":\"invalid_client\",\"error_description\":\"no " + TOKEN + "\"}"));

        assertEquals(RevocationClient.Result.FAILED, revoke(server.uri("/revoke"), ClientAuthMethod.CLIENT_SECRET_POST));

        assertEquals(List.of("WARNING The revocation endpoint 127.0.0.1 answered HTTP 400 with error invalid_client"
                + " (refresh_token); the logout goes on"), log.lines());
    }

    @Test
    void aServerErrorIsAFailure() {
        server.on("/revoke", respond(500, "text/html", "<html>" + TOKEN + "</html>"));

        assertEquals(RevocationClient.Result.FAILED, revoke(server.uri("/revoke"), ClientAuthMethod.NONE));

        assertEquals(List.of("WARNING The revocation endpoint 127.0.0.1 answered HTTP 500 (refresh_token);"
                + " the logout goes on"), log.lines());
    }

    @Test
    void aServerThatIsDownIsUnreachable() throws IOException {
        assertEquals(RevocationClient.Result.UNREACHABLE,
                revoke(FakeServer.closedPort("/revoke"), ClientAuthMethod.NONE));

        assertEquals(List.of("WARNING The revocation endpoint 127.0.0.1 could not be reached (refresh_token);"
                + " the logout goes on"), log.lines());
    }

    @Test
    void aServerThatDoesNotAnswerInTimeIsUnreachable() {
        server.on("/revoke", exchange -> {
            try {
                Thread.sleep(TIMEOUT.toMillis() * 3);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });

        assertEquals(RevocationClient.Result.UNREACHABLE, revoke(server.uri("/revoke"), ClientAuthMethod.NONE));

        assertEquals(List.of("WARNING The revocation endpoint 127.0.0.1 did not answer within PT1S (refresh_token);"
                + " the logout goes on"), log.lines());
    }

    @Test
    void authenticatesWithAClientAssertionForTheIssuer() throws Exception {
        server.on("/revoke", respond(200, "text/plain", ""));
        java.security.KeyPair pair = ClientAuthenticationTest.RSA;
        ClientKey key = ClientKey.of(pair.getPrivate(), pair.getPublic(), Optional.empty(), Optional.of("k1"));
        URI issuer = URI.create("https://login.example.com");

        assertEquals(RevocationClient.Result.REVOKED, new RevocationClient(new BoundedHttp(HTTP, TIMEOUT), JSONB)
                .revoke(new RevocationRequest(server.uri("/revoke"), TOKEN, TokenTypeHint.REFRESH_TOKEN,
                        new ClientAuthentication("my client", ClientAuthMethod.PRIVATE_KEY_JWT, Optional.empty(),
                                Optional.of(key), Optional.of(issuer), java.time.Clock.systemUTC()))));

        FakeServer.Recorded sent = server.requests().get(0);
        assertNull(sent.header("Authorization"));
        java.util.Map<String, String> form = new java.util.LinkedHashMap<>();
        for (String pair2 : sent.body().split("&")) {
            String[] kv = pair2.split("=", 2);
            form.put(java.net.URLDecoder.decode(kv[0], java.nio.charset.StandardCharsets.UTF_8),
                    java.net.URLDecoder.decode(kv[1], java.nio.charset.StandardCharsets.UTF_8));
        }
        assertEquals(List.of("token", "token_type_hint", "client_id", "client_assertion_type", "client_assertion"),
                List.copyOf(form.keySet()));
        com.nimbusds.jwt.SignedJWT jwt = com.nimbusds.jwt.SignedJWT.parse(form.get("client_assertion"));
        assertEquals(true, jwt.verify(new com.nimbusds.jose.crypto.RSASSAVerifier(
                (java.security.interfaces.RSAPublicKey) pair.getPublic())));
        assertEquals("k1", jwt.getHeader().getKeyID());
        assertEquals(List.of("https://login.example.com"), jwt.getJWTClaimsSet().getAudience());
        assertEquals("my client", jwt.getJWTClaimsSet().getSubject());
    }
}
