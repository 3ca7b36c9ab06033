package dev.pkcefilter.impl.web;

import dev.pkcefilter.impl.testing.TestIssuer;
import dev.pkcefilter.impl.protocol.Nonce;
import dev.pkcefilter.impl.session.VerifiedUser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpServer;
import dev.pkcefilter.event.LoginFailed;
import dev.pkcefilter.event.LoginSucceeded;
import dev.pkcefilter.impl.config.ClientConfiguration;
import dev.pkcefilter.impl.config.ConfigSources;
import dev.pkcefilter.impl.config.ConfigurationLoader;
import dev.pkcefilter.impl.protocol.CodeVerifier;
import dev.pkcefilter.impl.protocol.State;
import dev.pkcefilter.impl.protocol.TokenResponse;
import dev.pkcefilter.impl.session.PendingLogin;
import dev.pkcefilter.impl.session.PendingLogins;
import dev.pkcefilter.impl.session.SessionStore;
import dev.pkcefilter.impl.session.SignedInAs;
import dev.pkcefilter.impl.session.TokenSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link CallbackHandler#handle} step by step, against a token endpoint on loopback: every refusal with its status,
 * page and {@code LoginFailed} event, leaving the session as it was; a success with a new session id, the tokens
 * stored and a redirect to the page first asked for; and the session a login continues in.
 */
class CallbackHandlerTest {

    private static final String ISSUER = "https://login.example.com";
    private static final URI REDIRECT_URI = URI.create("https://app.example/shop/oauth/callback");
    private static final String TOKENS = "dev.pkcefilter.tokens";
    private static RecordingCdi cdi;

    private final SecureRandom random = new SecureRandom();
    private final List<Map<String, String>> tokenRequests = new CopyOnWriteArrayList<>();
    private final CountDownLatch hang = new CountDownLatch(1);
    private volatile int tokenStatus;
    private volatile String tokenBody;
    private volatile boolean tokenHangs;
    private HttpServer server;
    private PkceContext context;
    private FakeHttp.Session session;

    @BeforeAll
    static void recordEvents() {
        cdi = RecordingCdi.install();
    }

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 10);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/token", exchange -> {
            tokenRequests.add(form(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
            if (tokenHangs) {
                try {
                    hang.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            byte[] bytes = tokenBody.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(tokenStatus, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.createContext("/jwks", exchange -> {
            byte[] bytes = TestIssuer.SHARED.jwks().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
        answer(200, tokensFor("alice"));
        String base = "http://127.0.0.1:" + server.getAddress().getPort();
        context = new PkceContext(config("pkce.token-endpoint", base + "/token", "pkce.jwks-uri", base + "/jwks"),
                Clock.systemUTC(), false);
        session = new FakeHttp.Session("S1");
        cdi.events.clear();
    }

    @AfterEach
    void stop() {
        hang.countDown();
        server.stop(0);
        ((ExecutorService) server.getExecutor()).shutdownNow();
        context.close();
    }

    private static ClientConfiguration config(String... keysAndValues) {
        Map<String, String> params = new HashMap<>();
        params.put("pkce.issuer", ISSUER);
        params.put("pkce.client-id", "shop");
        params.put("pkce.scope", "openid");
        params.put("pkce.authorization-endpoint", ISSUER + "/authorize");
        params.put("pkce.http-timeout", "PT1S");
        for (int i = 0; i < keysAndValues.length; i += 2) {
            params.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return ConfigurationLoader.load(new ConfigSources(name -> Optional.empty(), name -> null, params::get,
                Map.of()));
    }

    private void answer(int status, String body) {
        tokenStatus = status;
        tokenBody = body;
    }

    /** A token response for {@code subject}, with an ID token signed by {@link TestIssuer#SHARED}. */
    private static String tokensFor(String subject) {
        return "{\"access_token\":\"AT-" + subject + "\",\"token_type\":\"Bearer\",\"expires_in\":300,"
                + "\"refresh_token\":\"RT-" + subject + "\",\"id_token\":\"" + idToken(subject) + "\"}";
    }

    private static String idToken(String subject) {
        return TestIssuer.SHARED.idToken(ISSUER, "shop", subject, Map.of());
    }

    /** Starts a login in {@link #session} that returns to {@code returnPath}; @return its state */
    private String pending(String returnPath, Instant createdAt) {
        State state = State.generate(random);
        context.store().addPendingLogin(session.session, new PendingLogin(state, CodeVerifier.generate(random),
                REDIRECT_URI, returnPath, createdAt), Instant.now());
        return state.value();
    }

    private String pending(String returnPath) {
        return pending(returnPath, Instant.now());
    }

    private FakeHttp.Request callback(String... parameters) {
        FakeHttp.Request request = new FakeHttp.Request();
        request.requestURI = "/shop/oauth/callback";
        request.servletPath = "/oauth/callback";
        request.pathInfo = null;
        request.fakeSession = session;
        request.createsSession = true;
        for (int i = 0; i < parameters.length; i += 2) {
            request.parameter(parameters[i], parameters[i + 1]);
        }
        return request;
    }

    private FakeHttp.Response handle(FakeHttp.Request request) throws IOException {
        FakeHttp.Response response = new FakeHttp.Response();
        context.callbackHandler().handle(request.build(), response.response);
        return response;
    }

    private static void assertPage(FakeHttp.Response response, int status, String title) {
        assertEquals(status, response.status, response.body());
        assertTrue(response.body().contains("<h1>" + title + "</h1>"), response.body());
        assertEquals("no-store", response.headers.get("Cache-Control"));
        assertEquals("no-referrer", response.headers.get("Referrer-Policy"));
    }

    private LoginFailed loginFailed() {
        assertEquals(1, cdi.events.size(), cdi.events::toString);
        assertTrue(cdi.events.get(0) instanceof LoginFailed, cdi.events::toString);
        return (LoginFailed) cdi.events.get(0);
    }

    /** A refused callback: the session id, its tokens and its pending logins are as they were, nothing was sent. */
    private void assertUntouched(TokenSet tokensBefore, int pendingBefore) {
        assertEquals("S1", session.id);
        assertFalse(session.invalidated);
        assertEquals(tokensBefore, session.attributes.get(TOKENS));
        assertEquals(pendingBefore, context.store().pendingLogins(session.session).logins().size());
    }

    // 0. the parameters themselves

    @ParameterizedTest
    @ValueSource(strings = {"state", "code", "error", "error_description", "iss"})
    void refusesARepeatedParameterBeforeLookingAtTheState(String name) throws IOException {
        String state = pending("/shop/app/");
        FakeHttp.Request request = callback("state", state, "code", "c1");
        request.parameter(name, "a", "b");

        FakeHttp.Response response = handle(request);

        assertPage(response, 400, "Invalid sign-in response");
        assertTrue(response.body().contains("<code>" + name + "</code>"), response.body());
        assertUntouched(null, 1);
        assertEquals(List.of(), tokenRequests);
        assertEquals(400, loginFailed().status());
    }

    @Test
    void refusesAParameterLongerThanTheLimit() throws IOException {
        String state = pending("/shop/app/");

        FakeHttp.Response response = handle(callback("state", state,
                "code", "c".repeat(CallbackHandler.MAX_PARAMETER_LENGTH + 1)));

        assertPage(response, 400, "Invalid sign-in response");
        assertTrue(response.body().contains("<code>code</code>"), response.body());
        assertUntouched(null, 1);
        assertEquals(List.of(), tokenRequests);
    }

    // 1. state

    @Test
    void refusesACallbackWithoutState() throws IOException {
        pending("/shop/app/");

        FakeHttp.Response response = handle(callback("code", "c1"));

        assertPage(response, 400, "Invalid sign-in response");
        assertTrue(response.body().contains("has no state"), response.body());
        assertUntouched(null, 1);
        assertEquals(400, loginFailed().status());
    }

    @Test
    void refusesAnUnknownStateAndKeepsThePendingLogins() throws IOException {
        pending("/shop/app/");

        FakeHttp.Response response = handle(callback("state", State.generate(random).value(), "code", "c1"));

        assertPage(response, 400, "Unknown sign-in response");
        assertUntouched(null, 1);
        assertEquals(List.of(), tokenRequests);
    }

    @Test
    void refusesAStateWithoutSession() throws IOException {
        FakeHttp.Request request = callback("state", "abc", "code", "c1");
        request.fakeSession = null;
        request.createsSession = false;

        FakeHttp.Response response = handle(request);

        assertPage(response, 400, "Unknown sign-in response");
        assertEquals(List.of(), tokenRequests);
    }

    @Test
    void refusesAnExpiredStateAndDropsIt() throws IOException {
        String state = pending("/shop/app/", Instant.now().minus(Duration.ofMinutes(11))); // login-timeout: PT10M

        FakeHttp.Response response = handle(callback("state", state, "code", "c1"));

        assertPage(response, 400, "Sign-in expired");
        assertUntouched(null, 0);
        assertEquals(List.of(), tokenRequests);
    }

    @Test
    void refusesAStateUsedBefore() throws IOException {
        String state = pending("/shop/app/");
        assertEquals(302, handle(callback("state", state, "code", "c1")).status);
        cdi.events.clear();

        FakeHttp.Response again = handle(callback("state", state, "code", "c1"));

        assertPage(again, 400, "Unknown sign-in response");
        assertEquals(1, tokenRequests.size(), "the code was exchanged once");
    }

    // 2. iss (RFC 9207)

    @Test
    void refusesTheIssOfAnotherServerBeforeExchangingTheCode() throws IOException {
        String state = pending("/shop/app/");

        FakeHttp.Response response = handle(callback("state", state, "code", "c1", "iss", "https://attacker.example"));

        assertPage(response, 400, "Invalid sign-in response");
        assertTrue(response.body().contains("another authorization server"), response.body());
        assertUntouched(null, 0); // the state is used up
        assertEquals(List.of(), tokenRequests);
    }

    @Test
    void acceptsTheIssOfItsIssuer() throws IOException {
        String state = pending("/shop/app/");

        assertEquals(302, handle(callback("state", state, "code", "c1", "iss", ISSUER)).status);
    }

    @Test
    void answers503WhenTheEndpointsCannotBeDiscovered() throws IOException {
        context.close();
        context = new PkceContext(config("pkce.authorization-endpoint", null, "pkce.issuer", "http://127.0.0.1:"
                + closedPort()), Clock.systemUTC(), false);
        String state = pending("/shop/app/orders");

        FakeHttp.Response response = handle(callback("state", state, "code", "c1"));

        assertPage(response, 503, "Sign-in is unavailable");
        assertTrue(response.body().contains("href=\"/shop/app/orders\""), response.body());
        assertEquals(List.of(), tokenRequests);
    }

    // 3. error= (RFC 6749 §4.1.2.1)

    @Test
    void showsAnAccessDeniedAs403WithTheServersWordsEscaped() throws IOException {
        String state = pending("/shop/app/");

        FakeHttp.Response response = handle(callback("state", state, "error", "access_denied",
                "error_description", "<b>No</b>"));

        assertPage(response, 403, "Sign-in was declined");
        assertTrue(response.body().contains("access_denied: &lt;b&gt;No&lt;/b&gt;"), response.body());
        LoginFailed failed = loginFailed();
        assertEquals(403, failed.status());
        assertEquals(Optional.of("access_denied"), failed.error());
        assertEquals(Optional.of("<b>No</b>"), failed.errorDescription());
        assertUntouched(null, 0);
        assertEquals(List.of(), tokenRequests);
    }

    @Test
    void showsAnyOtherErrorAs401() throws IOException {
        String state = pending("/shop/app/");

        FakeHttp.Response response = handle(callback("state", state, "error", "invalid_scope", "code", "c1"));

        assertPage(response, 401, "Sign-in failed");
        assertEquals(Optional.of("invalid_scope"), loginFailed().error());
        assertEquals(List.of(), tokenRequests, "an error answer's code is never exchanged");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-"})
    void refusesACallbackWithNeitherCodeNorError(String code) throws IOException {
        String state = pending("/shop/app/");

        FakeHttp.Response response = handle(code.equals("-") ? callback("state", state)
                : callback("state", state, "code", code));

        assertPage(response, 400, "Invalid sign-in response");
        assertTrue(response.body().contains("neither a code nor an error"), response.body());
        assertEquals(List.of(), tokenRequests);
    }

    // 4. the token endpoint

    @Test
    void answers502WhenTheTokenEndpointRefusesTheCodeAndKeepsTheSignedInSession() throws IOException {
        TokenSet signedIn = signedInAs("alice");
        String state = pending("/shop/app/");
        answer(400, "{\"error\":\"invalid_grant\",\"error_description\":\"Code not valid\"}");

        FakeHttp.Response response = handle(callback("state", state, "code", "c1"));

        assertPage(response, 502, "Sign-in could not be completed");
        assertTrue(response.body().contains("invalid_grant: Code not valid"), response.body());
        assertEquals(Optional.of("invalid_grant"), loginFailed().error());
        assertUntouched(signedIn, 0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"500 <html>oops</html>", "200 not json", "200 {\"token_type\":\"Bearer\"}"})
    void answers502ForABrokenTokenResponse(String statusAndBody) throws IOException {
        String state = pending("/shop/app/");
        answer(Integer.parseInt(statusAndBody.substring(0, 3)), statusAndBody.substring(4));

        FakeHttp.Response response = handle(callback("state", state, "code", "c1"));

        assertPage(response, 502, "Sign-in could not be completed");
        assertEquals(502, loginFailed().status());
        assertUntouched(null, 0);
    }

    @Test
    void answers504WhenTheTokenEndpointDoesNotAnswerInTime() throws IOException {
        String state = pending("/shop/app/");
        tokenHangs = true; // pkce.http-timeout is PT1S

        FakeHttp.Response response = handle(callback("state", state, "code", "c1"));

        assertPage(response, 504, "Sign-in could not be completed");
        assertTrue(response.body().contains("did not answer in time"), response.body());
        assertUntouched(null, 0);
    }

    // 5. a token expired on arrival (issue 12 item 4): a clear 502, never a login loop

    @ParameterizedTest
    @ValueSource(strings = {"\"expires_in\":0", "\"expires\":1600000000", "\"created_at\":1000000000,\"expires_in\":300"})
    void answers502ForATokenExpiredOnArrivalAndStoresNothing(String lifetime) throws IOException {
        String state = pending("/shop/app/");
        answer(200, "{\"access_token\":\"AT-x\",\"token_type\":\"Bearer\"," + lifetime + "}");

        FakeHttp.Response response = handle(callback("state", state, "code", "c1"));

        assertPage(response, 502, "Sign-in could not be completed");
        assertTrue(response.body().contains("already expired"), response.body());
        assertTrue(response.body().contains("<code>token expired on arrival</code>"), response.body());
        assertTrue(response.body().contains("href=\"/shop/\""), "start again at the root, not the protected page: "
                + response.body());
        assertFalse(response.body().contains("AT-x"));
        assertEquals(502, loginFailed().status());
        assertUntouched(null, 0);
    }

    // 6. success

    @Test
    void exchangesTheCodeChangesTheSessionIdStoresTheTokensAndReturns() throws IOException {
        State state = State.generate(random);
        CodeVerifier verifier = CodeVerifier.generate(random);
        context.store().addPendingLogin(session.session, new PendingLogin(state, verifier, REDIRECT_URI,
                "/shop/app/orders?page=2", Instant.now()), Instant.now());

        FakeHttp.Response response = handle(callback("state", state.value(), "code", "the-code"));

        assertEquals(302, response.status, response.body());
        assertEquals("/shop/app/orders?page=2", response.headers.get("Location"));
        assertEquals("no-store", response.headers.get("Cache-Control"));
        assertEquals("S1'", session.id, "a new session id");
        assertFalse(session.invalidated);
        TokenSet stored = (TokenSet) session.attributes.get(TOKENS);
        assertEquals("AT-alice", stored.accessToken());
        assertEquals(Optional.of("RT-alice"), stored.refreshToken());
        assertEquals("openid", stored.scope());
        assertEquals(Optional.of(new SignedInAs("alice")), context.store().signedInAs(session.session));
        assertTrue(context.store().pendingLogins(session.session).isEmpty());
        assertEquals(List.of(Map.of("grant_type", "authorization_code", "code", "the-code",
                "redirect_uri", REDIRECT_URI.toString(), "code_verifier", verifier.value(), "client_id", "shop")),
                tokenRequests);
        assertEquals(1, cdi.events.size());
        assertTrue(cdi.events.get(0) instanceof LoginSucceeded, cdi.events::toString);
    }

    // 5b. the ID token (issue 14)

    @Test
    void storesTheUserTheVerifiedIdTokenNames() throws IOException {
        String state = pending("/shop/app/");

        FakeHttp.Response response = handle(callback("state", state, "code", "c1"));

        assertEquals(302, response.status, response.body());
        TokenSet stored = (TokenSet) session.attributes.get(TOKENS);
        assertEquals(Optional.of(new VerifiedUser("alice", "alice", List.of())), stored.user());
    }

    @Test
    void anIdTokenThatFailsACheckIsA502AndNothingIsStored() throws IOException {
        String state = pending("/shop/app/");
        answer(200, tokensFor("alice").replace(idToken("alice"),
                TestIssuer.SHARED.idToken(ISSUER, "another-client", "alice", Map.of())));

        FakeHttp.Response response = handle(callback("state", state, "code", "c1"));

        assertPage(response, 502, "Sign-in could not be completed");
        assertFalse(response.body().contains("AT-alice"), response.body());
        assertUntouched(null, 0);
        assertEquals("S1", session.id, "no new session id");
        assertEquals(502, loginFailed().status());
    }

    @Test
    void theNonceTheLoginSentMustComeBack() throws IOException {
        State state = State.generate(random);
        context.store().addPendingLogin(session.session, new PendingLogin(state, CodeVerifier.generate(random),
                REDIRECT_URI, "/shop/app/", Instant.now(), Nonce.generate(random)), Instant.now());

        FakeHttp.Response response = handle(callback("state", state.value(), "code", "c1"));

        assertPage(response, 502, "Sign-in could not be completed");
        assertUntouched(null, 0);
    }

    // 6. the session a login continues in (issue 12 item 9)

    @Test
    void aSessionNeverSignedInKeepsItsAttributes() throws IOException {
        session.attributes.put("cart", "3 books");
        String state = pending("/shop/app/");

        assertEquals(302, handle(callback("state", state, "code", "c1")).status);

        assertEquals("S1'", session.id);
        assertEquals("3 books", session.attributes.get("cart"), "the cart survives sign-in");
    }

    @Test
    void theSamePersonSigningInAgainAfterTheTokensWereDroppedKeepsTheSession() throws IOException {
        signedInAs("alice");
        context.store().dropTokens(session.session); // a refused refresh
        session.attributes.put("cart", "3 books");
        String state = pending("/shop/app/");

        assertEquals(302, handle(callback("state", state, "code", "c1")).status);

        assertFalse(session.invalidated);
        assertEquals("3 books", session.attributes.get("cart"));
        assertEquals("AT-alice", ((TokenSet) session.attributes.get(TOKENS)).accessToken());
    }

    @Test
    void anotherPersonSigningInAfterTheTokensWereDroppedGetsAFreshSessionWithThePendingLoginsOnly()
            throws IOException {
        signedInAs("alice");
        context.store().dropTokens(session.session);
        session.attributes.put("cart", "alice's books");
        String otherTab = pending("/shop/app/other");
        String state = pending("/shop/app/");
        answer(200, tokensFor("bob"));
        FakeHttp.Request request = callback("state", state, "code", "c1");

        FakeHttp.Response response = handle(request);

        assertEquals(302, response.status, response.body());
        assertEquals("/shop/app/", response.headers.get("Location"));
        assertTrue(session.invalidated, "alice's session ended");
        assertEquals(1, request.created.size(), "a fresh session");
        FakeHttp.Session fresh = request.created.get(0);
        assertNull(fresh.attributes.get("cart"), "bob does not see alice's cart");
        assertEquals("AT-bob", ((TokenSet) fresh.attributes.get(TOKENS)).accessToken());
        assertEquals(Optional.of(new SignedInAs("bob")), context.store().signedInAs(fresh.session));
        PendingLogins carried = context.store().pendingLogins(fresh.session);
        assertEquals(1, carried.logins().size(), "the other tab's login is carried over");
        assertTrue(carried.logins().get(0).state().matches(otherTab));
    }

    @Test
    void anotherPersonSigningInWhileTheFirstIsStillSignedInGetsAFreshSession() throws IOException {
        signedInAs("alice");
        session.attributes.put("cart", "alice's books");
        String state = pending("/shop/app/");
        answer(200, tokensFor("bob"));
        FakeHttp.Request request = callback("state", state, "code", "c1");

        assertEquals(302, handle(request).status);

        assertTrue(session.invalidated);
        assertNull(request.created.get(0).attributes.get("cart"));
    }

    @Test
    void aSessionOfAnOlderVersionWithTokensButNoMarkerIsComparedByItsIdToken() throws IOException {
        session.attributes.put(TOKENS, tokenSet(tokensFor("alice")));
        session.attributes.put("cart", "alice's books");
        answer(200, tokensFor("bob"));
        FakeHttp.Request request = callback("state", pending("/shop/app/"), "code", "c1");

        assertEquals(302, handle(request).status);

        assertTrue(session.invalidated);
        assertNull(request.created.get(0).attributes.get("cart"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"no ID token before", "no ID token now"})
    void whenEitherSubjectIsUnknownItCountsAsAnotherPerson(String which) throws IOException {
        String withoutIdToken = "{\"access_token\":\"AT-anon\",\"token_type\":\"Bearer\",\"expires_in\":300}";
        if (which.equals("no ID token before")) {
            context.store().storeLogin(session.session, tokenSet(withoutIdToken), new SignedInAs(null));
        } else {
            signedInAs("alice");
            answer(200, withoutIdToken);
        }
        session.attributes.put("cart", "someone's books");
        FakeHttp.Request request = callback("state", pending("/shop/app/"), "code", "c1");

        assertEquals(302, handle(request).status);

        assertTrue(session.invalidated, which);
        assertNull(request.created.get(0).attributes.get("cart"));
    }

    // 6. a session made for the pending login gets the application's timeout back (issue 12 item 7)

    @Test
    void aPreLoginSessionGetsTheApplicationsTimeoutBackAtSignIn() throws IOException {
        context.store().markPreLogin(session.session);
        assertEquals(600, session.maxInactiveInterval, "pkce.login-timeout");
        String state = pending("/shop/app/");

        assertEquals(302, handle(callback("state", state, "code", "c1")).status);

        assertEquals(1800, session.maxInactiveInterval, "the application's");
        assertFalse(SessionStore.isPreLogin(session.session));
    }

    @Test
    void aPreLoginSessionKeepsTheLoginTimeoutWhenTheLoginFails() throws IOException {
        context.store().markPreLogin(session.session);
        String state = pending("/shop/app/");
        answer(400, "{\"error\":\"invalid_grant\"}");

        assertEquals(502, handle(callback("state", state, "code", "c1")).status);

        assertEquals(600, session.maxInactiveInterval);
        assertTrue(SessionStore.isPreLogin(session.session));
    }

    private TokenSet signedInAs(String subject) {
        TokenSet tokens = tokenSet(tokensFor(subject));
        context.store().storeLogin(session.session, tokens, new SignedInAs(subject));
        return tokens;
    }

    private TokenSet tokenSet(String body) {
        return TokenSet.from(TokenResponse.parse(context.jsonb(), body, Instant.now()), "openid");
    }

    private static Map<String, String> form(String body) {
        Map<String, String> form = new HashMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            form.put(java.net.URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return form;
    }

    private static int closedPort() throws IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1,
                java.net.InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        }
    }
}
