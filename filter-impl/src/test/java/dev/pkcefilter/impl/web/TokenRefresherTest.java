package dev.pkcefilter.impl.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;

import com.sun.net.httpserver.HttpServer;
import dev.pkcefilter.impl.config.ClientAuthMethod;
import dev.pkcefilter.impl.config.ClientConfiguration;
import dev.pkcefilter.impl.config.TokenRequestFormat;
import dev.pkcefilter.impl.protocol.TokenResponse;
import dev.pkcefilter.impl.session.SessionStore;
import dev.pkcefilter.impl.session.TokenSet;
import jakarta.servlet.http.HttpSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TokenRefresherTest {

    private HttpServer server;
    private final List<String> bodies = new CopyOnWriteArrayList<>();
    private volatile int status = 200;
    private volatile Supplier<String> answer = () -> "{\"access_token\":\"at-2\",\"expires_in\":300,\"refresh_token\":\"rt-2\"}";
    private volatile long delayMillis;
    private PkceContext context;
    private final Map<String, Object> attributes = new ConcurrentHashMap<>();
    private HttpSession session;
    private final MovableClock clock = new MovableClock();

    /** The system clock, moved forward by tests. */
    private static final class MovableClock extends Clock {
        private volatile Duration offset = Duration.ZERO;

        void advance(Duration by) {
            offset = offset.plus(by);
        }

        @Override
        public Instant instant() {
            return Instant.now().plus(offset);
        }

        @Override
        public java.time.ZoneId getZone() {
            return java.time.ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            throw new UnsupportedOperationException();
        }
    }

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 100);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/token", exchange -> {
            bodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            sleep(delayMillis);
            byte[] bytes = answer.get().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
        URI base = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
        context = new PkceContext(new ClientConfiguration(Optional.empty(), Optional.of(base.resolve("/authorize")),
                Optional.of(base.resolve("/token")), Optional.empty(), Optional.empty(), "client", Optional.empty(),
                ClientAuthMethod.NONE, "openid", Optional.empty(), Map.of(), TokenRequestFormat.FORM, List.of("/*"),
                List.of(), "/oauth/callback", "/oauth/logout", Optional.empty(), Optional.empty(),
                Duration.ofSeconds(30), Duration.ofMinutes(10), Duration.ofSeconds(5), Set.of("bearer"),
                Optional.empty()), clock);
        session = session("session-1", attributes);
    }

    private static HttpSession session(String id, Map<String, Object> attributes) {
        return (HttpSession) Proxy.newProxyInstance(HttpSession.class.getClassLoader(),
                new Class<?>[] {HttpSession.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getId" -> id;
                    case "getAttribute" -> attributes.get((String) args[0]);
                    case "setAttribute" -> attributes.put((String) args[0], args[1]);
                    case "removeAttribute" -> attributes.remove((String) args[0]);
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    @AfterEach
    void stop() {
        server.stop(0);
        ((ExecutorService) server.getExecutor()).shutdownNow();
        context.close();
    }

    private TokenSet expiringTokens() {
        return expiringTokens(session);
    }

    private TokenSet expiringTokens(HttpSession in) {
        TokenSet tokens = TokenSet.from(new TokenResponse("at-1", "Bearer", Optional.of(Instant.now().plusSeconds(10)),
                Optional.of("openid"), Optional.of("rt-1"), Optional.of("id-1")), "openid");
        context.store().storeTokens(in, tokens);
        return tokens;
    }

    @Test
    void fiftyConcurrentRequestsOfOneSessionMakeOneRefreshRequest() throws Exception {
        TokenSet seen = expiringTokens();
        delayMillis = 300;
        ExecutorService pool = Executors.newFixedThreadPool(50);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<TokenRefresher.Outcome>> outcomes = new ArrayList<>();
        TokenRefresher refresher = new TokenRefresher(context);
        for (int i = 0; i < 50; i++) {
            outcomes.add(pool.submit(() -> {
                go.await();
                return refresher.refresh(session, seen);
            }));
        }
        go.countDown();
        for (Future<TokenRefresher.Outcome> outcome : outcomes) {
            assertEquals(TokenRefresher.Kind.REFRESHED, outcome.get().kind());
            assertEquals("at-2", outcome.get().tokens().accessToken());
        }
        pool.shutdown();
        assertEquals(1, bodies.size(), "one refresh request for 50 concurrent requests");
        assertEquals("grant_type=refresh_token&refresh_token=rt-1&scope=openid&client_id=client", bodies.get(0));
    }

    @Test
    void aRotatedRefreshTokenReplacesTheOldOneAndIsUsedNext() {
        TokenRefresher refresher = new TokenRefresher(context);
        TokenRefresher.Outcome first = refresher.refresh(session, expiringTokens());
        assertEquals("rt-2", first.tokens().refreshToken().orElseThrow());
        assertEquals("id-1", first.tokens().idToken().orElseThrow(), "an ID token not sent again is kept");
        assertSame(first.tokens(), SessionStore.tokensOrNull(session));

        answer = () -> "{\"access_token\":\"at-3\",\"expires_in\":1}"; // no refresh_token: keep rt-2
        TokenRefresher.Outcome second = refresher.refresh(session, first.tokens());
        assertEquals("at-3", second.tokens().accessToken());
        assertEquals("rt-2", second.tokens().refreshToken().orElseThrow());
        assertTrue(bodies.get(1).contains("refresh_token=rt-2"), bodies.get(1));
    }

    @Test
    void aFirstRefusalKeepsTheTokensAndWritesNothing() {
        status = 400;
        answer = () -> "{\"error\":\"invalid_grant\"}";
        TokenSet tokens = expiringTokens();
        TokenRefresher.Outcome outcome = new TokenRefresher(context).refresh(session, tokens);
        assertEquals(TokenRefresher.Kind.CONTENDED, outcome.kind(), "maybe another node rotated the refresh token");
        assertSame(tokens, SessionStore.tokensOrNull(session));
    }

    @Test
    void aRefreshTokenRefusedAgainAfterTheGraceDropsTheTokens() {
        status = 400;
        answer = () -> "{\"error\":\"invalid_grant\"}";
        TokenRefresher refresher = new TokenRefresher(context);
        TokenSet tokens = expiringTokens();
        assertEquals(TokenRefresher.Kind.CONTENDED, refresher.refresh(session, tokens).kind());
        assertEquals(TokenRefresher.Kind.CONTENDED, refresher.refresh(session, tokens).kind());
        assertEquals(1, bodies.size(), "not sent again during the grace");
        assertSame(tokens, SessionStore.tokensOrNull(session));

        clock.advance(TokenRefresher.REFUSAL_GRACE);
        TokenRefresher.Outcome later = refresher.refresh(session, tokens);

        assertEquals(TokenRefresher.Kind.REFUSED, later.kind());
        assertNull(SessionStore.tokensOrNull(session));
        assertEquals(2, bodies.size());
    }

    @Test
    void aRefusalWhileAnotherNodeStoresNewerTokensUsesThem() {
        TokenSet tokens = expiringTokens();
        TokenSet fromOtherNode = TokenSet.from(new TokenResponse("at-b", "Bearer",
                Optional.of(Instant.now().plusSeconds(300)), Optional.empty(), Optional.of("rt-b"), Optional.empty()),
                "openid");
        status = 400;
        answer = () -> { // the other node used rt-1 first and its tokens reached this node's session meanwhile
            context.store().storeTokens(session, fromOtherNode);
            return "{\"error\":\"invalid_grant\"}";
        };

        TokenRefresher.Outcome outcome = new TokenRefresher(context).refresh(session, tokens);

        assertEquals(TokenRefresher.Kind.REFRESHED, outcome.kind());
        assertSame(fromOtherNode, outcome.tokens());
        assertSame(fromOtherNode, SessionStore.tokensOrNull(session), "the other node's tokens are kept");
    }

    /** Payara can store the losing node's copy of a session over the winner's: the winner sets its tokens again. */
    @Test
    void aSessionThatComesBackWithAnExchangedRefreshTokenGetsTheNewTokensAgain() {
        TokenRefresher refresher = new TokenRefresher(context);
        TokenSet old = expiringTokens();
        TokenSet refreshed = refresher.refresh(session, old).tokens();
        context.store().storeTokens(session, old); // the old copy, stored back by another node

        TokenRefresher.Outcome outcome = refresher.refresh(session, old);

        assertEquals(TokenRefresher.Kind.REFRESHED, outcome.kind());
        assertSame(refreshed, outcome.tokens());
        assertSame(refreshed, SessionStore.tokensOrNull(session), "set again, so that it replicates");
        assertEquals(1, bodies.size(), "rt-1 is not sent again");
    }

    @Test
    void whatANodeRemembersOfASessionIsForgottenWhenTheSessionEnds() {
        TokenRefresher refresher = new TokenRefresher(context);
        TokenSet old = expiringTokens();
        refresher.refresh(session, old);
        assertEquals(1, refresher.remembered());

        refresher.forget("session-1");

        assertEquals(0, refresher.remembered());
        context.store().storeTokens(session, old);
        status = 400;
        answer = () -> "{\"error\":\"invalid_grant\"}";
        assertEquals(TokenRefresher.Kind.CONTENDED, refresher.refresh(session, old).kind(),
                "the old refresh token is sent again: nothing was remembered");
        assertEquals(2, bodies.size());
    }

    @Test
    void whatANodeRemembersIsLetGoAfterAMinute() {
        TokenRefresher refresher = new TokenRefresher(context);
        refresher.refresh(session, expiringTokens()); // remembers the exchange
        status = 400;
        answer = () -> "{\"error\":\"invalid_grant\"}";
        HttpSession other = session("session-2", new ConcurrentHashMap<>());
        refresher.refresh(other, expiringTokens(other)); // remembers the refusal
        assertEquals(2, refresher.remembered());

        clock.advance(TokenRefresher.REMEMBER_EXCHANGE);
        HttpSession third = session("session-3", new ConcurrentHashMap<>());
        refresher.refresh(third, expiringTokens(third));

        assertEquals(1, refresher.remembered(), "only session-3's refusal, a moment old");
    }

    @Test
    void aSuccessfulRefreshForgetsAnEarlierRefusal() {
        TokenRefresher refresher = new TokenRefresher(context);
        TokenSet tokens = expiringTokens();
        status = 400;
        answer = () -> "{\"error\":\"invalid_grant\"}";
        assertEquals(TokenRefresher.Kind.CONTENDED, refresher.refresh(session, tokens).kind());
        clock.advance(TokenRefresher.REFUSAL_GRACE);
        status = 200;
        answer = () -> "{\"access_token\":\"at-2\",\"expires_in\":1,\"refresh_token\":\"rt-1\"}";
        TokenSet refreshed = refresher.refresh(session, tokens).tokens(); // a server that does not rotate
        status = 400;
        answer = () -> "{\"error\":\"invalid_grant\"}";

        assertEquals(TokenRefresher.Kind.CONTENDED, refresher.refresh(session, refreshed).kind(),
                "the refusal before the success does not count");
        assertSame(refreshed, SessionStore.tokensOrNull(session));
    }

    @Test
    void anUnavailableServerLeavesTheTokensAsTheyWere() {
        status = 503;
        answer = () -> "<html>down</html>";
        TokenSet tokens = expiringTokens();
        TokenRefresher.Outcome outcome = new TokenRefresher(context).refresh(session, tokens);
        assertEquals(TokenRefresher.Kind.UNAVAILABLE, outcome.kind());
        assertSame(tokens, SessionStore.tokensOrNull(session));
    }

    @Test
    void tokensAnotherRequestJustRefreshedAreUsedWithoutAskingAgain() {
        TokenSet stale = expiringTokens();
        TokenSet newer = TokenSet.from(new TokenResponse("at-9", "Bearer", Optional.of(Instant.now().plusSeconds(300)),
                Optional.empty(), Optional.of("rt-9"), Optional.empty()), "openid");
        context.store().storeTokens(session, newer);
        TokenRefresher.Outcome outcome = new TokenRefresher(context).refresh(session, stale);
        assertSame(newer, outcome.tokens());
        assertTrue(bodies.isEmpty(), "the old refresh token is never sent again");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
