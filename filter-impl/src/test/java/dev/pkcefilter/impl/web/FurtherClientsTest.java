package dev.pkcefilter.impl.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpServer;
import dev.pkcefilter.event.LoggedOut;
import dev.pkcefilter.event.LoginFailed;
import dev.pkcefilter.event.LoginSucceeded;
import dev.pkcefilter.event.TokenRefreshed;
import dev.pkcefilter.impl.config.ApplicationConfiguration;
import dev.pkcefilter.impl.config.ConfigSources;
import dev.pkcefilter.impl.config.ConfigurationLoader;
import dev.pkcefilter.impl.protocol.TokenResponse;
import dev.pkcefilter.impl.session.TokenSet;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A further client ({@code pkce.clients}) beside the default one: its connection, callback, tokens, refresh,
 * disconnection and filter, each kept apart from the default client's, against an in-process token and revocation
 * endpoint.
 */
class FurtherClientsTest {

    private static RecordingCdi cdi;

    /** The form of every request to the fake's token and revocation endpoints, with its path. */
    private final List<Map<String, String>> requests = new CopyOnWriteArrayList<>();
    private volatile int expiresIn = 300;
    private HttpServer server;
    private PkceContext context;
    private PkceClient loom;
    private FakeHttp.Session session;

    @BeforeAll
    static void recordEvents() {
        cdi = RecordingCdi.install();
    }

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 10);
        server.setExecutor(Executors.newCachedThreadPool());
        for (String path : new String[] {"/token", "/revoke"}) {
            server.createContext(path, exchange -> {
                Map<String, String> form = form(new String(exchange.getRequestBody().readAllBytes(),
                        StandardCharsets.UTF_8));
                form.put("path", path);
                requests.add(form);
                String body = path.equals("/revoke") ? "" : "{\"access_token\":\"AT-" + form.get("client_id") + "-"
                        + requests.size() + "\",\"token_type\":\"Bearer\",\"expires_in\":" + expiresIn
                        + ",\"refresh_token\":\"RT-" + requests.size() + "\"}";
                byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, bytes.length == 0 ? -1 : bytes.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            });
        }
        server.start();
        String base = "http://127.0.0.1:" + server.getAddress().getPort();
        Map<String, String> params = new HashMap<>(Map.of(
                "pkce.authorization-endpoint", "https://login.shop.example/authorize",
                "pkce.token-endpoint", base + "/token",
                "pkce.revocation-endpoint", base + "/revoke",
                "pkce.client-id", "shop",
                "pkce.clients", "loom"));
        params.putAll(Map.of(
                "pkce.loom.authorization-endpoint", "https://auth.loom.example/authorize",
                "pkce.loom.token-endpoint", base + "/token",
                "pkce.loom.revocation-endpoint", base + "/revoke",
                "pkce.loom.client-id", "shop-at-loom",
                "pkce.loom.client-secret", "loom-secret",
                "pkce.loom.client-auth", "client_secret_post",
                "pkce.loom.audience", "https://api.loom.example",
                "pkce.loom.protected-paths", "/loom/*"));
        ApplicationConfiguration config = ConfigurationLoader.loadAll(new ConfigSources(name -> Optional.empty(),
                name -> null, params::get, Map.of()));
        context = new PkceContext(config, Clock.systemUTC(), false);
        loom = context.further("loom").orElseThrow();
        session = new FakeHttp.Session("S1");
        cdi.events.clear();
    }

    @AfterEach
    void stop() {
        server.stop(0);
        ((ExecutorService) server.getExecutor()).shutdownNow();
        context.close();
    }

    private static Map<String, String> form(String body) {
        Map<String, String> form = new HashMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                form.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return form;
    }

    private FakeHttp.Request request(String servletPath, String pathInfo) {
        FakeHttp.Request request = new FakeHttp.Request();
        request.fakeSession = session;
        request.servletPath = servletPath;
        request.pathInfo = pathInfo;
        request.requestURI = "/shop" + servletPath + (pathInfo == null ? "" : pathInfo);
        request.header("Sec-Fetch-Mode", "navigate").header("Sec-Fetch-Dest", "document").header("Accept", "text/html");
        return request;
    }

    private FakeHttp.Response connect(String returnPath) throws IOException {
        FakeHttp.Request request = request("/oauth/connect", "/loom");
        if (returnPath != null) {
            request.parameter("return", returnPath);
        }
        FakeHttp.Response response = new FakeHttp.Response();
        context.connections().connect(request.build(), response.response);
        return response;
    }

    private static Map<String, String> query(String url) {
        return form(URI.create(url).getRawQuery());
    }

    private FakeHttp.Response callback(PkceClient client, String state, String... more) throws IOException {
        FakeHttp.Request request = request(client.config().paths().callbackPath(), null);
        request.parameter("state", state);
        for (int i = 0; i < more.length; i += 2) {
            request.parameter(more[i], more[i + 1]);
        }
        FakeHttp.Response response = new FakeHttp.Response();
        client.callbackHandler().handle(request.build(), response.response);
        return response;
    }

    /** Connects loom in {@link #session}; @return the tokens stored */
    private TokenSet connected() throws IOException {
        String state = query(connect("/shop/app/").headers.get("Location")).get("state");
        FakeHttp.Response response = callback(loom, state, "code", "loom-code");
        assertEquals(302, response.status, response.body());
        return loom.store().tokensOrNull(session.session);
    }

    private void signedInWithDefault() {
        context.signIn().store().storeTokens(session.session, TokenSet.from(new TokenResponse("AT-default", "Bearer",
                Optional.of(Instant.now().plusSeconds(300)), Optional.empty(), Optional.of("RT-default"),
                Optional.empty()), "", Instant.now()));
    }

    @Test
    void aConnectionStartsThatClientsAuthorizationWithItsOwnRedirectUriStateAndPkce() throws IOException {
        FakeHttp.Response response = connect("/shop/app/orders?page=2");

        assertEquals(302, response.status);
        String location = response.headers.get("Location");
        assertTrue(location.startsWith("https://auth.loom.example/authorize?"), location);
        Map<String, String> authorize = query(location);
        assertEquals("shop-at-loom", authorize.get("client_id"));
        assertEquals("https://app.example/shop/oauth/callback/loom", authorize.get("redirect_uri"));
        assertEquals("S256", authorize.get("code_challenge_method"));
        assertEquals("https://api.loom.example", authorize.get("audience"));
        assertNotNull(authorize.get("state"));
        assertEquals(1, loom.store().pendingLogins(session.session).logins().size());
        assertTrue(context.signIn().store().pendingLogins(session.session).isEmpty(), "not the default client's");
        assertEquals("/shop/app/orders?page=2", loom.store().pendingLogins(session.session).logins().get(0).returnPath());
    }

    @Test
    void aReturnPathOutsideTheApplicationReturnsToItsRoot() throws IOException {
        for (String bad : new String[] {"//evil.example/x", "https://evil.example/", "/other/app", "/shop/\\evil",
                "/shopping", "javascript:alert(1)"}) {
            session = new FakeHttp.Session("S-" + bad.hashCode());
            connect(bad);
            assertEquals("/shop/", loom.store().pendingLogins(session.session).logins().get(0).returnPath(), bad);
        }
        session = new FakeHttp.Session("S-none");
        connect(null);
        assertEquals("/shop/", loom.store().pendingLogins(session.session).logins().get(0).returnPath());
    }

    @Test
    void anUnknownConnectionIs404() throws IOException {
        for (String pathInfo : new String[] {"/billing", "/", null, "/loom/x"}) {
            FakeHttp.Response response = new FakeHttp.Response();
            context.connections().connect(request("/oauth/connect", pathInfo).build(), response.response);
            assertEquals(404, response.status, String.valueOf(pathInfo));
        }
    }

    @Test
    void theCallbackStoresTheConnectionBesideTheSignInWithANewSessionId() throws IOException {
        signedInWithDefault();
        TokenSet before = context.signIn().store().tokensOrNull(session.session);

        TokenSet tokens = connected();

        assertNotNull(tokens);
        assertTrue(tokens.accessToken().startsWith("AT-shop-at-loom"), "loom's token endpoint, its client");
        assertEquals("loom-secret", requests.get(0).get("client_secret"), "client_secret_post");
        assertEquals("https://api.loom.example", requests.get(0).get("audience"));
        assertEquals("https://app.example/shop/oauth/callback/loom", requests.get(0).get("redirect_uri"));
        assertEquals(before, context.signIn().store().tokensOrNull(session.session), "the sign-in is untouched");
        assertEquals("S1'", session.id, "a new session id (session fixation)");
        LoginSucceeded event = assertInstanceOf(LoginSucceeded.class, cdi.events.get(0));
        assertEquals(Optional.of("loom"), event.client());
    }

    @Test
    void aStateOfAnotherClientIsUnknownAtThisClientsCallbackAndNoTokenIsAskedFor() throws IOException {
        // the default client's login: its state, delivered at loom's callback (a mix-up, RFC 9700 §4.4)
        FakeHttp.Request start = request("/app", "/orders");
        start.createsSession = true;
        start.fakeSession = session;
        FakeHttp.Response started = new FakeHttp.Response();
        context.loginStarter().unauthenticated(start.build(), started.response);
        String defaultState = query(started.headers.get("Location")).get("state");

        FakeHttp.Response response = callback(loom, defaultState, "code", "code-of-the-default-server");

        assertEquals(400, response.status);
        assertTrue(response.body().contains("Unknown sign-in response"), response.body());
        assertTrue(requests.isEmpty(), "no token request");
        assertEquals(1, context.signIn().store().pendingLogins(session.session).logins().size(),
                "the default client's login still waits for its own callback");
    }

    @Test
    void aDeclinedConnectionShowsAPageAndLeavesTheSignInAlone() throws IOException {
        signedInWithDefault();
        TokenSet before = context.signIn().store().tokensOrNull(session.session);
        String state = query(connect("/shop/app/").headers.get("Location")).get("state");
        cdi.events.clear();

        FakeHttp.Response response = callback(loom, state, "error", "access_denied");

        assertEquals(403, response.status);
        assertTrue(response.body().contains("Connecting loom was declined"), response.body());
        assertEquals(before, context.signIn().store().tokensOrNull(session.session));
        assertNull(loom.store().tokensOrNull(session.session));
        LoginFailed event = assertInstanceOf(LoginFailed.class, cdi.events.get(0));
        assertEquals(Optional.of("loom"), event.client());
    }

    @Test
    void aDueTokenIsRefreshedWhenTheApplicationAsksForIt() throws IOException {
        expiresIn = 40; // due after 20 s: refresh-skew 30 s, at most half the lifetime
        TokenSet first = connected();
        expiresIn = 300;
        TokenSet fresh = TokenSet.from(new TokenResponse(first.accessToken(), "Bearer",
                Optional.of(Instant.now().plusSeconds(10)), Optional.empty(), first.refreshToken(),
                Optional.empty()), "", Instant.now().minusSeconds(30));
        loom.store().storeTokens(session.session, fresh);
        cdi.events.clear();

        TokenSet current = loom.currentTokens(request("/app", "/x").build());

        assertNotNull(current);
        assertNotEquals(first.accessToken(), current.accessToken());
        assertEquals("refresh_token", requests.get(requests.size() - 1).get("grant_type"));
        assertEquals("https://api.loom.example", requests.get(requests.size() - 1).get("audience"));
        assertEquals(current, loom.store().tokensOrNull(session.session));
        assertEquals(Optional.of("loom"), assertInstanceOf(TokenRefreshed.class, cdi.events.get(0)).client());
    }

    @Test
    void notConnectedIsAbsentAndNothingIsAsked() {
        assertNull(loom.currentTokens(request("/app", "/x").build()));
        FakeHttp.Request noSession = request("/app", "/x");
        noSession.fakeSession = null;
        noSession.session = null;
        assertNull(loom.currentTokens(noSession.build()));
        assertTrue(requests.isEmpty());
    }

    @Test
    void aSameOriginDisconnectRevokesAndDropsThatClientsTokensOnly() throws IOException {
        signedInWithDefault();
        TokenSet tokens = connected();
        requests.clear();
        cdi.events.clear();
        FakeHttp.Request request = request("/oauth/disconnect", "/loom").parameter("return", "/shop/app/");
        request.method = "POST";
        request.header("Origin", "https://app.example").header("Sec-Fetch-Site", "same-origin");
        FakeHttp.Response response = new FakeHttp.Response();

        context.connections().disconnect(request.build(), response.response);

        assertEquals(303, response.status);
        assertEquals("/shop/app/", response.headers.get("Location"));
        assertNull(loom.store().tokensOrNull(session.session));
        assertNotNull(context.signIn().store().tokensOrNull(session.session), "still signed in");
        assertEquals(List.of(tokens.refreshToken().orElseThrow(), tokens.accessToken()),
                requests.stream().map(r -> r.get("token")).toList(), "the refresh token, then the access token");
        assertTrue(requests.stream().allMatch(r -> "shop-at-loom".equals(r.get("client_id"))));
        assertEquals(List.of(new LoggedOut(Optional.of("loom"))), cdi.events);
    }

    @Test
    void aCrossOriginDisconnectIsRefused() throws IOException {
        connected();
        requests.clear();
        FakeHttp.Request request = request("/oauth/disconnect", "/loom");
        request.method = "POST";
        request.header("Origin", "https://evil.example").header("Sec-Fetch-Site", "cross-site");
        FakeHttp.Response response = new FakeHttp.Response();

        context.connections().disconnect(request.build(), response.response);

        assertEquals(403, response.status);
        assertNotNull(loom.store().tokensOrNull(session.session));
        assertTrue(requests.isEmpty());
    }

    @Test
    void aDisconnectLinkFromElsewhereAsksFirst() throws IOException {
        connected();
        requests.clear();
        FakeHttp.Request request = request("/oauth/disconnect", "/loom");
        request.queryString = "return=%2Fshop%2Fapp%2F";
        request.header("Sec-Fetch-Site", "cross-site"); // a link on another site, a top-level navigation
        FakeHttp.Response response = new FakeHttp.Response();

        context.connections().disconnect(request.build(), response.response);

        assertEquals(200, response.status);
        assertTrue(response.body().contains("<h1>Disconnect loom</h1>"), response.body());
        assertTrue(response.body().contains("<form method=\"post\" action=\"/shop/oauth/disconnect/loom?return=%2Fshop"
                + "%2Fapp%2F\">"), response.body());
        assertNotNull(loom.store().tokensOrNull(session.session), "nothing changed yet");
        assertTrue(requests.isEmpty());
    }

    @Test
    void logoutRevokesEveryClientsTokens() throws IOException {
        signedInWithDefault();
        TokenSet loomTokens = connected();
        requests.clear();
        cdi.events.clear();
        FakeHttp.Request request = request("/oauth/logout", null);
        request.method = "POST";
        request.header("Origin", "https://app.example").header("Sec-Fetch-Site", "same-origin");

        context.logoutHandler().handle(request.build(), new FakeHttp.Response().response);

        assertTrue(session.invalidated);
        assertEquals(List.of("RT-default", "AT-default", loomTokens.refreshToken().orElseThrow(),
                loomTokens.accessToken()), requests.stream().map(r -> r.get("token")).toList());
        assertEquals(List.of(new LoggedOut(Optional.empty()), new LoggedOut(Optional.of("loom"))), cdi.events);
    }

    @Test
    void theFilterOfAClientsProtectedPathsStartsItsConnectionAndPassesItsToken() throws Exception {
        PkceFilter filter = FakeHttp.initializedFilter(context, "loom");
        FakeHttp.Request page = request("/loom", "/projects");
        page.createsSession = true;
        FakeHttp.Response response = new FakeHttp.Response();
        filter.doFilter(page.build(), response.response, (req, res) -> {
            throw new AssertionError("not connected: the chain is not called");
        });
        assertEquals(302, response.status);
        assertTrue(response.headers.get("Location").startsWith("https://auth.loom.example/authorize?"));

        // a loom user verified from loom's ID token: still not the container's user
        loom.store().storeTokens(session.session, TokenSet.from(new TokenResponse("AT-loom", "Bearer",
                Optional.of(Instant.now().plusSeconds(300)), Optional.empty(), Optional.empty(), Optional.empty()),
                "", Instant.now(), new dev.pkcefilter.impl.session.VerifiedUser("loom-user", "someone", List.of())));
        ServletRequest[] passed = new ServletRequest[1];
        FilterChain chain = (req, res) -> passed[0] = req;
        FakeHttp.Request again = request("/loom", "/projects");
        filter.doFilter(again.build(), new FakeHttp.Response().response, chain);
        assertNotNull(passed[0]);
        assertFalse(passed[0] instanceof SignedInRequest, "the container's user is the default client's alone");
        assertInstanceOf(TokenSet.class, again.attributes.get(loom.requestAttribute()));
        assertNull(again.attributes.get(PkceFilter.TOKENS_ATTRIBUTE));

        FakeHttp.Request ownEndpoint = request("/oauth/callback/loom", null);
        ServletRequest[] through = new ServletRequest[1];
        filter.doFilter(ownEndpoint.build(), new FakeHttp.Response().response, (req, res) -> through[0] = req);
        assertNotNull(through[0], "pkce-filter's own endpoints are never guarded");
    }
}
