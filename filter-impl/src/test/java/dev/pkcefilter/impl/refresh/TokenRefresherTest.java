package dev.pkcefilter.impl.refresh;

import dev.pkcefilter.impl.config.ClientConfiguration;
import dev.pkcefilter.impl.identity.IdTokenValidator;
import dev.pkcefilter.impl.identity.IssuerKeys;
import dev.pkcefilter.impl.protocol.ProviderMetadata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.logging.Level;

import com.sun.net.httpserver.HttpServer;
import dev.pkcefilter.event.RefreshFailed;
import dev.pkcefilter.event.TokenRefreshed;
import dev.pkcefilter.impl.protocol.ClientAuthMethod;
import dev.pkcefilter.impl.protocol.TokenRequestFormat;
import dev.pkcefilter.impl.events.ApiOrigins;
import dev.pkcefilter.impl.events.PkceEvents;
import dev.pkcefilter.impl.protocol.BoundedHttp;
import dev.pkcefilter.impl.protocol.ClientAuthentication;
import dev.pkcefilter.impl.protocol.Discovery;
import dev.pkcefilter.impl.protocol.TokenEndpointClient;
import dev.pkcefilter.impl.protocol.TokenResponse;
import dev.pkcefilter.impl.session.SessionStore;
import dev.pkcefilter.impl.session.TokenSet;
import dev.pkcefilter.impl.testing.LogCapture;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.servlet.http.HttpSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TokenRefresherTest {

    private static final Duration SKEW = Duration.ofSeconds(30);
    private static final Duration HTTP_TIMEOUT = Duration.ofSeconds(5);

    private HttpServer server;
    private URI tokenEndpoint;
    private final List<String> bodies = new CopyOnWriteArrayList<>();
    private volatile int status = 200;
    private volatile Supplier<String> answer = () -> "{\"access_token\":\"at-2\",\"expires_in\":300,\"refresh_token\":\"rt-2\"}";
    private volatile long delayMillis;
    private final Jsonb jsonb = JsonbBuilder.create();
    private final List<Object> events = new CopyOnWriteArrayList<>();
    private final SessionStore store = new SessionStore(Duration.ofMinutes(10));
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
        tokenEndpoint = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/token");
        session = session("session-1", attributes);
    }

    @AfterEach
    void stop() throws Exception {
        server.stop(0);
        ((ExecutorService) server.getExecutor()).shutdownNow();
        jsonb.close();
    }

    private TokenRefresher refresher(boolean distributable) {
        return refresher(distributable, () -> tokenEndpoint);
    }

    private TokenRefresher refresher(boolean distributable, Supplier<URI> endpoint) {
        BoundedHttp http = new BoundedHttp(HttpClient.newHttpClient(), HTTP_TIMEOUT);
        TokenEndpointClient client = new TokenEndpointClient(http, jsonb, TokenRequestFormat.FORM, clock, Set.of("bearer"));
        IdTokenValidator validator = new IdTokenValidator(new IssuerKeys(http, clock), "client", Optional.empty(),
                ClientConfiguration.builder().clientId("client").build().identity(), clock);
        RefreshExchange exchange = new RefreshExchange(() -> new ProviderMetadata(Optional.empty(), endpoint.get(),
                endpoint.get(), Optional.empty(), Optional.empty(), Optional.empty(), false, List.of(),
                Optional.empty()), client, validator,
                new ClientAuthentication("client", ClientAuthMethod.NONE, Optional.empty()), Optional.empty(), clock);
        return new TokenRefresher(exchange, store, new PkceEvents(jsonb, new ApiOrigins(Optional.empty(), Optional.empty(), Optional::empty), events::add), clock, SKEW, HTTP_TIMEOUT,
                distributable);
    }

    static HttpSession session(String id, Map<String, Object> attributes) {
        return (HttpSession) Proxy.newProxyInstance(HttpSession.class.getClassLoader(),
                new Class<?>[] {HttpSession.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getId" -> id;
                    case "getAttribute" -> attributes.get((String) args[0]);
                    case "setAttribute" -> attributes.put((String) args[0], args[1]);
                    case "removeAttribute" -> attributes.remove((String) args[0]);
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    /** Tokens due for a refresh but still valid for 10 s. */
    private TokenSet expiringTokens() {
        return stored(session, tokens("at-1", "rt-1", clock.instant().plusSeconds(10)));
    }

    /** Tokens whose access token has expired. */
    private TokenSet expiredTokens() {
        return stored(session, tokens("at-1", "rt-1", clock.instant().minusSeconds(1)));
    }

    private TokenSet stored(HttpSession in, TokenSet tokens) {
        store.storeTokens(in, tokens);
        return tokens;
    }

    private static TokenSet tokens(String accessToken, String refreshToken, Instant expiresAt) {
        return TokenSet.from(new TokenResponse(accessToken, "Bearer", Optional.of(expiresAt), Optional.of("openid"),
                Optional.ofNullable(refreshToken), Optional.of("id-1")), "openid");
    }

    private void refuseWith(String error) {
        status = 400;
        answer = () -> "{\"error\":\"" + error + "\"}";
    }

    private List<RefreshFailed> failures() {
        return events.stream().filter(RefreshFailed.class::isInstance).map(RefreshFailed.class::cast).toList();
    }

    private static TokenSet passed(RefreshDecision decision) {
        return assertInstanceOf(RefreshDecision.Pass.class, decision).tokens();
    }

    @Test
    void fiftyConcurrentRequestsOfOneSessionMakeOneRefreshRequest() throws Exception {
        TokenSet seen = expiringTokens();
        delayMillis = 300;
        ExecutorService pool = Executors.newFixedThreadPool(50);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<RefreshDecision>> decisions = new ArrayList<>();
        TokenRefresher refresher = refresher(false);
        for (int i = 0; i < 50; i++) {
            decisions.add(pool.submit(() -> {
                go.await();
                return refresher.decide(session, seen, true);
            }));
        }
        go.countDown();
        for (Future<RefreshDecision> decision : decisions) {
            assertEquals("at-2", passed(decision.get()).accessToken());
        }
        pool.shutdown();
        assertEquals(1, bodies.size(), "one refresh request for 50 concurrent requests");
        assertEquals(1, events.stream().filter(TokenRefreshed.class::isInstance).count());
    }

    /** RFC 6749 §6: without scope the server keeps the granted one; a refresh never asks for more. */
    @Test
    void aRefreshSendsNoScope() {
        refresher(false).decide(session, expiringTokens(), true);
        assertEquals("grant_type=refresh_token&refresh_token=rt-1&client_id=client", bodies.get(0));
    }

    @Test
    void aRotatedRefreshTokenReplacesTheOldOneAndIsUsedNext() {
        TokenRefresher refresher = refresher(false);
        TokenSet first = passed(refresher.decide(session, expiringTokens(), true));
        assertEquals("rt-2", first.refreshToken().orElseThrow());
        assertEquals("id-1", first.idToken().orElseThrow(), "an ID token not sent again is kept");
        assertSame(first, store.tokensOrNull(session));

        answer = () -> "{\"access_token\":\"at-3\",\"expires_in\":1}"; // no refresh_token: keep rt-2
        TokenSet second = passed(refresher.decide(session, first, true));
        assertEquals("at-3", second.accessToken());
        assertEquals("rt-2", second.refreshToken().orElseThrow());
        assertTrue(bodies.get(1).contains("refresh_token=rt-2"), bodies.get(1));
    }

    /** The server ended the user's session (logout elsewhere, SSO timeout, an admin): sign in again at once. */
    @Test
    void onOneServerARefusalSignsOutAtOnce() {
        refuseWith("invalid_grant");
        TokenRefresher refresher = refresher(false);

        assertSame(RefreshDecision.START_LOGIN, refresher.decide(session, expiredTokens(), true));
        assertNull(store.tokensOrNull(session), "the tokens are dropped");
        assertEquals(List.of(new RefreshFailed(true)), failures());

        assertSame(RefreshDecision.UNAUTHORIZED, refresher.decide(session, expiredTokens(), false), "a script: 401");
        assertEquals(2, bodies.size());
    }

    @Test
    void onOneServerARefusalSignsOutEvenWhileTheAccessTokenIsValid() {
        refuseWith("invalid_grant");
        assertSame(RefreshDecision.START_LOGIN, refresher(false).decide(session, expiringTokens(), true));
        assertNull(store.tokensOrNull(session));
    }

    @Test
    void inAClusterAFirstRefusalKeepsTheTokensAndWritesNothing() {
        refuseWith("invalid_grant");
        TokenSet tokens = expiringTokens();
        assertSame(tokens, passed(refresher(true).decide(session, tokens, false)), "still valid: used");
        assertSame(tokens, store.tokensOrNull(session), "maybe another node rotated the refresh token");
        assertTrue(failures().isEmpty(), "not a failure yet");
    }

    @Test
    void inAClusterAScriptGets503WhileAnotherNodesRefreshIsPlausibleThen401() {
        refuseWith("invalid_grant");
        TokenRefresher refresher = refresher(true);
        TokenSet tokens = expiredTokens();

        RefreshDecision first = refresher.decide(session, tokens, false);
        assertEquals(new RefreshDecision.Unavailable(5), first);
        clock.advance(Duration.ofSeconds(2));
        assertEquals(new RefreshDecision.Unavailable(3), refresher.decide(session, tokens, false), "what is left");
        assertEquals(1, bodies.size(), "the refused refresh token is not sent again");
        assertSame(tokens, store.tokensOrNull(session));

        clock.advance(TokenRefresher.REFUSAL_GRACE);
        assertSame(RefreshDecision.UNAUTHORIZED, refresher.decide(session, tokens, false));
        assertNull(store.tokensOrNull(session), "final after the grace");
        assertEquals(1, bodies.size(), "still not sent again: the server refused it");
        assertEquals(List.of(new RefreshFailed(true)), failures());
    }

    @Test
    void inAClusterAPageNavigationIsSentToSignInNot503() {
        refuseWith("invalid_grant");
        TokenSet tokens = expiredTokens();
        assertSame(RefreshDecision.START_LOGIN, refresher(true).decide(session, tokens, true));
        assertEquals(1, bodies.size());
    }

    /** The other node's tokens reach this node's copy of the session while the navigation reads it again. */
    @Test
    void inAClusterANavigationTakesTheTokensAnotherNodeStoresWhileItWaits() {
        refuseWith("invalid_grant");
        TokenSet tokens = expiredTokens();
        TokenSet fromOtherNode = tokens("at-b", "rt-b", clock.instant().plusSeconds(300));
        AtomicInteger reads = new AtomicInteger();
        HttpSession replicating = (HttpSession) Proxy.newProxyInstance(HttpSession.class.getClassLoader(),
                new Class<?>[] {HttpSession.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getId" -> "session-1";
                    // the refresh's two reads see the old tokens, the waiting navigation's third sees the new ones
                    case "getAttribute" -> reads.incrementAndGet() <= 2 ? tokens : fromOtherNode;
                    default -> throw new UnsupportedOperationException(method.getName());
                });

        assertSame(fromOtherNode, passed(refresher(true).decide(replicating, tokens, true)));
    }

    @Test
    void aRefusalWhileAnotherNodeStoresNewerTokensUsesThem() {
        TokenSet tokens = expiringTokens();
        TokenSet fromOtherNode = tokens("at-b", "rt-b", clock.instant().plusSeconds(300));
        status = 400;
        answer = () -> { // the other node used rt-1 first and its tokens reached this node's session meanwhile
            store.storeTokens(session, fromOtherNode);
            return "{\"error\":\"invalid_grant\"}";
        };

        assertSame(fromOtherNode, passed(refresher(true).decide(session, tokens, true)));
        assertSame(fromOtherNode, store.tokensOrNull(session), "the other node's tokens are kept");
    }

    /** Payara can store the losing node's copy of a session over the winner's: the winner sets its tokens again. */
    @Test
    void aSessionThatComesBackWithAnExchangedRefreshTokenGetsTheNewTokensAgain() {
        TokenRefresher refresher = refresher(true);
        TokenSet old = expiringTokens();
        TokenSet refreshed = passed(refresher.decide(session, old, true));
        store.storeTokens(session, old); // the old copy, stored back by another node

        assertSame(refreshed, passed(refresher.decide(session, old, true)));
        assertSame(refreshed, store.tokensOrNull(session), "set again, so that it replicates");
        assertEquals(1, bodies.size(), "rt-1 is not sent again");
    }

    @Test
    void whatANodeRemembersOfASessionIsForgottenWhenTheSessionEnds() {
        TokenRefresher refresher = refresher(true);
        TokenSet old = expiringTokens();
        refresher.decide(session, old, true);
        assertEquals(1, refresher.remembered());

        refresher.forget("session-1");

        assertEquals(0, refresher.remembered());
        store.storeTokens(session, old);
        refuseWith("invalid_grant");
        refresher.decide(session, old, true);
        assertEquals(2, bodies.size(), "the old refresh token is sent again: nothing was remembered");
    }

    @Test
    void whatANodeRemembersIsLetGoAfterAMinute() {
        TokenRefresher refresher = refresher(true);
        refresher.decide(session, expiringTokens(), true); // remembers the exchange
        refuseWith("invalid_grant");
        HttpSession other = session("session-2", new ConcurrentHashMap<>());
        refresher.decide(other, stored(other, tokens("at-1", "rt-1", clock.instant().plusSeconds(10))), true);
        assertEquals(2, refresher.remembered());

        clock.advance(TokenRefresher.REMEMBER_EXCHANGE);
        HttpSession third = session("session-3", new ConcurrentHashMap<>());
        refresher.decide(third, stored(third, tokens("at-1", "rt-1", clock.instant().plusSeconds(10))), true);

        assertEquals(1, refresher.remembered(), "only session-3's refusal, a moment old");
    }

    @Test
    void aRefusalCountsOnlyForTheRefreshTokenRefused() {
        TokenRefresher refresher = refresher(true);
        refuseWith("invalid_grant");
        refresher.decide(session, expiringTokens(), true); // rt-1 refused once
        TokenSet fromOtherNode = stored(session, tokens("at-x", "rt-x", clock.instant().plusSeconds(10)));
        clock.advance(TokenRefresher.REFUSAL_GRACE);

        assertSame(fromOtherNode, passed(refresher.decide(session, fromOtherNode, true)),
                "a first refusal of rt-x, however old the refusal of rt-1");
        assertSame(fromOtherNode, store.tokensOrNull(session));
        assertEquals(2, bodies.size());
        assertTrue(failures().isEmpty());
    }

    @Test
    void anUnavailableServerLeavesTheTokensAsTheyWereAndIsNotAskedOnEveryRequest() {
        status = 503;
        answer = () -> "<html>down</html>";
        TokenRefresher refresher = refresher(false);
        TokenSet tokens = expiringTokens();

        assertSame(tokens, passed(refresher.decide(session, tokens, false)));
        assertSame(tokens, passed(refresher.decide(session, tokens, false)));
        assertSame(tokens, store.tokensOrNull(session));
        assertEquals(1, bodies.size(), "not asked again during the back-off");
        assertEquals(List.of(new RefreshFailed(false)), failures());

        clock.advance(TokenRefresher.RETRY_BACKOFF);
        refresher.decide(session, tokens, false);
        assertEquals(2, bodies.size(), "asked again after it");
    }

    @Test
    void anExpiredTokenThatCannotBeRenewedGivesAScript503AndAPageANewLogin() {
        status = 503;
        answer = () -> "<html>down</html>";
        TokenRefresher refresher = refresher(false);
        TokenSet tokens = expiredTokens();

        assertEquals(new RefreshDecision.Unavailable(5), refresher.decide(session, tokens, false));
        assertSame(RefreshDecision.START_LOGIN, refresher.decide(session, tokens, true));
        assertSame(tokens, store.tokensOrNull(session));
    }

    /** Only invalid_grant signs the user out (RFC 6749 §5.2); every other answer means "cannot renew now". */
    @ParameterizedTest
    @CsvSource({"400, invalid_scope", "401, invalid_client", "400, unauthorized_client",
            "400, temporarily_unavailable", "429, slow_down"})
    void anotherOAuthErrorKeepsTheUserSignedIn(int httpStatus, String error) {
        status = httpStatus;
        answer = () -> "{\"error\":\"" + error + "\"}";
        TokenSet tokens = expiringTokens();

        assertSame(tokens, passed(refresher(false).decide(session, tokens, false)));
        assertSame(tokens, store.tokensOrNull(session));
        assertEquals(List.of(new RefreshFailed(false)), failures());
    }

    @Test
    void aJson429WithoutAnOAuthErrorKeepsTheUserSignedIn() {
        status = 429;
        answer = () -> "{\"message\":\"too many requests\"}";
        TokenSet tokens = expiringTokens();
        assertSame(tokens, passed(refresher(false).decide(session, tokens, false)));
        assertSame(tokens, store.tokensOrNull(session));
    }

    @Test
    void invalidClientIsLoggedAtErrorOnceAMinute() {
        status = 401;
        answer = () -> "{\"error\":\"invalid_client\"}";
        try (LogCapture log = LogCapture.of(RefreshExchange.class)) {
            TokenRefresher refresher = refresher(false);
            for (int i = 0; i < 5; i++) { // five sessions, each refused
                HttpSession each = session("s-" + i, new ConcurrentHashMap<>());
                refresher.decide(each, stored(each, tokens("at", "rt", clock.instant().plusSeconds(10))), false);
            }
            assertEquals(5, bodies.size());
            List<String> errors = log.messages(Level.SEVERE);
            assertEquals(1, errors.size(), "once, not per request");
            assertTrue(errors.get(0).contains("invalid_client"), errors.get(0));

            clock.advance(RefreshExchange.INVALID_CLIENT_LOG_INTERVAL);
            HttpSession later = session("s-later", new ConcurrentHashMap<>());
            refresher.decide(later, stored(later, tokens("at", "rt", clock.instant().plusSeconds(10))), false);
            assertEquals(2, log.messages(Level.SEVERE).size(), "again a minute later");
        }
    }

    @Test
    void anUndiscoverableServerFiresRefreshFailedToo() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        Discovery discovery = new Discovery(new BoundedHttp(HttpClient.newHttpClient(), HTTP_TIMEOUT), jsonb);
        URI issuer = URI.create("http://127.0.0.1:" + closedPort);
        TokenSet tokens = expiringTokens();

        assertSame(tokens, passed(refresher(false, () -> discovery.discover(issuer).tokenEndpoint())
                .decide(session, tokens, false)));
        assertEquals(List.of(new RefreshFailed(false)), failures());
    }

    /** expires_in 0, or an absolute expiry in the past: kept (its refresh token may be rotated), but not used. */
    @Test
    void aRenewedTokenThatExpiredOnArrivalIsNotUsedAndNotRenewedOnEveryRequest() {
        answer = () -> "{\"access_token\":\"at-2\",\"expires_in\":0,\"refresh_token\":\"rt-2\"}";
        TokenRefresher refresher = refresher(false);
        TokenSet tokens = expiredTokens();

        assertEquals(new RefreshDecision.Unavailable(5), refresher.decide(session, tokens, false));
        TokenSet kept = store.tokensOrNull(session);
        assertEquals("rt-2", kept.refreshToken().orElseThrow(), "the rotated refresh token is not lost");
        assertEquals(new RefreshDecision.Unavailable(5), refresher.decide(session, kept, false));
        assertEquals(1, bodies.size(), "not renewed again at once");
        assertEquals(List.of(new RefreshFailed(false)), failures());
    }

    @Test
    void tokensAnotherRequestJustRefreshedAreUsedWithoutAskingAgain() {
        TokenSet stale = expiringTokens();
        TokenSet newer = stored(session, tokens("at-9", "rt-9", clock.instant().plusSeconds(300)));
        assertSame(newer, passed(refresher(false).decide(session, stale, true)));
        assertTrue(bodies.isEmpty(), "the old refresh token is never sent again");
    }

    @Test
    void tokensDroppedMeanwhileSignOut() {
        TokenSet tokens = expiringTokens();
        store.dropTokens(session); // a logout, or a refusal, by another request
        assertSame(RefreshDecision.UNAUTHORIZED, refresher(false).decide(session, tokens, false));
        assertTrue(bodies.isEmpty());
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
