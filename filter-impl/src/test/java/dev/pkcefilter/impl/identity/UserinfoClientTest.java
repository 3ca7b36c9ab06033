package dev.pkcefilter.impl.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpServer;

import dev.pkcefilter.impl.protocol.BoundedHttp;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;

/** The userinfo request of a login (OpenID Connect Core 1.0 §5.3) and what of its answer may be used (§5.3.4). */
class UserinfoClientTest {

    private final Jsonb jsonb = JsonbBuilder.create();
    private volatile int status = 200;
    private volatile String body = "{\"sub\":\"user-1\",\"email\":\"alice@example.org\"}";
    private volatile String authorization;
    private HttpServer server;
    private URI endpoint;
    private UserinfoClient client;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 10);
        server.createContext("/userinfo", exchange -> {
            authorization = exchange.getRequestHeaders().getFirst("Authorization");
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
        endpoint = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/userinfo");
        client = new UserinfoClient(new BoundedHttp(HttpClient.newHttpClient(), Duration.ofSeconds(2)), jsonb);
    }

    @AfterEach
    void stop() throws Exception {
        server.stop(0);
        jsonb.close();
    }

    @Test
    void asksWithTheAccessTokenAndKeepsTheAnswer() throws Exception {
        UserinfoClient.Userinfo userinfo = client.fetch(endpoint, "the-access-token", "user-1");

        assertEquals("Bearer the-access-token", authorization);
        assertEquals("alice@example.org", userinfo.claims().get("email"));
        assertEquals(Optional.of(body), userinfo.kept());
    }

    @Test
    void refusesAnAnswerForAnotherUser() {
        body = "{\"sub\":\"user-2\"}";
        IdTokenException e = assertThrows(IdTokenException.class, () -> client.fetch(endpoint, "t", "user-1"));
        assertEquals(IdTokenException.Failure.INVALID, e.failure());
        assertTrue(e.getMessage().contains("another user"), e.getMessage());
    }

    @Test
    void refusesWhatIsNotAJsonObjectAndSignedAnswers() {
        body = "not json";
        assertEquals(IdTokenException.Failure.INVALID,
                assertThrows(IdTokenException.class, () -> client.fetch(endpoint, "t", "user-1")).failure());
        body = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyLTEifQ.c2ln";
        assertTrue(assertThrows(IdTokenException.class, () -> client.fetch(endpoint, "t", "user-1")).getMessage()
                .contains("JWT"));
    }

    @Test
    void aServerErrorIsUnavailableAClientErrorInvalid() {
        status = 503;
        assertEquals(IdTokenException.Failure.UNAVAILABLE,
                assertThrows(IdTokenException.class, () -> client.fetch(endpoint, "t", "user-1")).failure());
        status = 401;
        assertEquals(IdTokenException.Failure.INVALID,
                assertThrows(IdTokenException.class, () -> client.fetch(endpoint, "t", "user-1")).failure());
    }

    @Test
    void aLongAnswerNamesTheUserButIsNotKept() throws Exception {
        body = "{\"sub\":\"user-1\",\"picture\":\"" + "x".repeat(UserinfoClient.MAX_KEPT) + "\"}";
        UserinfoClient.Userinfo userinfo = client.fetch(endpoint, "t", "user-1");
        assertEquals("user-1", userinfo.claims().get("sub"));
        assertEquals(Optional.empty(), userinfo.kept());
    }

    @Test
    void noMessageHoldsTheAccessToken() {
        status = 500;
        String message = assertThrows(IdTokenException.class,
                () -> client.fetch(endpoint, "secret-access-token", "user-1")).getMessage();
        assertTrue(!message.contains("secret-access-token"), message);
    }
}
