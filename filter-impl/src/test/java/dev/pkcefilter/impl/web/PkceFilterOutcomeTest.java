package dev.pkcefilter.impl.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import com.sun.net.httpserver.HttpServer;
import dev.pkcefilter.impl.config.ClientConfiguration;
import dev.pkcefilter.impl.protocol.TokenResponse;
import dev.pkcefilter.impl.session.TokenSet;
import jakarta.servlet.ServletRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The filter's outcome table: for each state of a session's tokens, what the token endpoint answers, and whether the
 * request is a page navigation or a script, exactly what the filter does (on one server, not distributable).
 */
class PkceFilterOutcomeTest {

    /** What the session holds when the request arrives. */
    enum Tokens {
        /** No session at all. */
        NO_SESSION,
        /** A session without tokens. */
        NONE,
        /** Valid for 5 minutes, far from its refresh. */
        FRESH,
        /** Valid for 10 more seconds: within the 30-second skew, due for a refresh. */
        DUE,
        /** Expired a second ago. */
        EXPIRED
    }

    /** What the token endpoint answers a refresh. */
    enum Server {
        /** New tokens. */
        RENEWS,
        /** 400 invalid_grant: the grant ended. */
        REFUSES,
        /** 503: cannot renew now. */
        DOWN,
        /** Never asked: the row has no refresh token, or no refresh is due. */
        UNUSED
    }

    private HttpServer server;
    private final AtomicInteger refreshes = new AtomicInteger();
    private volatile Server answer = Server.UNUSED;
    private PkceContext context;
    private PkceFilter filter;

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 10);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/token", exchange -> {
            exchange.getRequestBody().readAllBytes();
            refreshes.incrementAndGet();
            int status = switch (answer) {
                case RENEWS -> 200;
                case REFUSES -> 400;
                default -> 503;
            };
            String body = switch (answer) {
                case RENEWS -> "{\"access_token\":\"at-new\",\"expires_in\":300,\"refresh_token\":\"rt-new\"}";
                case REFUSES -> "{\"error\":\"invalid_grant\"}";
                default -> "<html>down</html>";
            };
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
        URI base = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
        context = new PkceContext(ClientConfiguration.builder().authorizationEndpoint(base.resolve("/authorize"))
                .tokenEndpoint(base.resolve("/token")).clientId("shop").scope("openid")
                .httpTimeout(Duration.ofSeconds(5)).build(), Clock.systemUTC(), false);
        filter = FakeHttp.initializedFilter(context);
    }

    @AfterEach
    void stop() {
        server.stop(0);
        ((ExecutorService) server.getExecutor()).shutdownNow();
        context.close();
    }

    private static TokenSet tokens(Tokens state, boolean refreshToken) {
        Instant now = Instant.now();
        Instant expiresAt = switch (state) {
            case FRESH -> now.plusSeconds(300);
            case DUE -> now.plusSeconds(10);
            default -> now.minusSeconds(1);
        };
        return TokenSet.from(new TokenResponse("at-old", "Bearer", Optional.of(expiresAt), Optional.of("openid"),
                refreshToken ? Optional.of("rt-old") : Optional.empty(), Optional.empty()), "openid");
    }

    /**
     * @param outcome {@code pass at-old} or {@code pass at-new} (the chain ran with that token), or the status
     * @param refreshRequests how many refresh requests the token endpoint received
     */
    @ParameterizedTest(name = "{0} tokens, refresh token {1}, server {2}, {3}: {4}")
    @CsvSource({
            // no usable token at all
            "NO_SESSION, false, UNUSED,  navigation, 302,          0",
            "NO_SESSION, false, UNUSED,  script,     401,          0",
            "NONE,       false, UNUSED,  navigation, 302,          0",
            "NONE,       false, UNUSED,  script,     401,          0",
            // the hot path: fresh enough, whatever the server would say
            "FRESH,      true,  UNUSED,  navigation, pass at-old,  0",
            "FRESH,      true,  UNUSED,  script,     pass at-old,  0",
            // due for a refresh
            "DUE,        true,  RENEWS,  navigation, pass at-new,  1",
            "DUE,        true,  RENEWS,  script,     pass at-new,  1",
            "DUE,        true,  DOWN,    navigation, pass at-old,  1",
            "DUE,        true,  DOWN,    script,     pass at-old,  1",
            "DUE,        true,  REFUSES, navigation, 302,          1",
            "DUE,        true,  REFUSES, script,     401,          1",
            "DUE,        false, UNUSED,  navigation, pass at-old,  0",
            "DUE,        false, UNUSED,  script,     pass at-old,  0",
            // expired
            "EXPIRED,    true,  RENEWS,  navigation, pass at-new,  1",
            "EXPIRED,    true,  RENEWS,  script,     pass at-new,  1",
            "EXPIRED,    true,  DOWN,    navigation, 302,          1",
            "EXPIRED,    true,  DOWN,    script,     503,          1",
            "EXPIRED,    true,  REFUSES, navigation, 302,          1",
            "EXPIRED,    true,  REFUSES, script,     401,          1",
            "EXPIRED,    false, UNUSED,  navigation, 302,          0",
            "EXPIRED,    false, UNUSED,  script,     401,          0",
    })
    void appliesTheDecision(Tokens state, boolean refreshToken, Server server, String kind, String outcome,
                            int refreshRequests) throws Exception {
        answer = server;
        FakeHttp.Request request = new FakeHttp.Request();
        request.createsSession = true;
        if (state != Tokens.NO_SESSION) {
            request.fakeSession = new FakeHttp.Session("s-1");
            if (state != Tokens.NONE) {
                context.store().storeTokens(request.fakeSession.session, tokens(state, refreshToken));
            }
        }
        if (kind.equals("navigation")) {
            request.header("Accept", "text/html").header("Sec-Fetch-Mode", "navigate");
        } else {
            request.header("Accept", "application/json");
        }
        FakeHttp.Response response = new FakeHttp.Response();
        AtomicReference<ServletRequest> chained = new AtomicReference<>();

        filter.doFilter(request.build(), response.response, (req, res) -> chained.set(req));

        if (outcome.startsWith("pass ")) {
            assertNotNull(chained.get(), "the application was called");
            TokenSet passed = (TokenSet) request.attributes.get(PkceFilter.TOKENS_ATTRIBUTE);
            assertEquals(outcome.substring(5), passed.accessToken(), "the token on the request");
            assertEquals(200, response.status);
        } else {
            assertNull(chained.get(), "the application was not called");
            assertEquals(Integer.parseInt(outcome), response.status, response.body());
            switch (response.status) {
                case 302 -> assertTrue(response.headers.get("Location").startsWith(
                        "http://127.0.0.1:" + this.server.getAddress().getPort() + "/authorize?"),
                        response.headers.toString());
                case 401 -> assertEquals("Bearer", response.headers.get("WWW-Authenticate"));
                case 503 -> assertEquals("5", response.headers.get("Retry-After"));
                default -> throw new AssertionError(response.status);
            }
        }
        assertEquals(refreshRequests, refreshes.get(), "refresh requests");
    }
}
