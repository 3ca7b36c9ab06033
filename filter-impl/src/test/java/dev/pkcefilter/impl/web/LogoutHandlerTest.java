package dev.pkcefilter.impl.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.pkcefilter.impl.config.ClientConfiguration;
import dev.pkcefilter.impl.config.ConfigSources;
import dev.pkcefilter.impl.config.ConfigurationLoader;
import dev.pkcefilter.impl.protocol.TokenResponse;
import dev.pkcefilter.impl.session.TokenSet;
import jakarta.servlet.http.HttpSession;

class LogoutHandlerTest {

    private static final String ID_TOKEN = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJhbGljZSJ9.";
    private static final TokenSet TOKENS = TokenSet.from(new TokenResponse("AT-SECRET", "Bearer", Optional.empty(),
            Optional.empty(), Optional.of("RT-SECRET"), Optional.of(ID_TOKEN)), "openid");

    private static ClientConfiguration config(String... keysAndValues) {
        Map<String, String> params = new HashMap<>();
        params.put("pkce.client-id", "shop");
        params.put("pkce.authorization-endpoint", "https://login.example.com/authorize");
        params.put("pkce.token-endpoint", "https://login.example.com/token");
        for (int i = 0; i < keysAndValues.length; i += 2) {
            params.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return ConfigurationLoader.load(new ConfigSources(name -> Optional.empty(), name -> null, params::get,
                Map.of()));
    }

    /** A session that knows attributes and whether it was invalidated. */
    private static final class Session {
        final Map<String, Object> attributes = new ConcurrentHashMap<>();
        boolean invalidated;
        final HttpSession session = (HttpSession) Proxy.newProxyInstance(HttpSession.class.getClassLoader(),
                new Class<?>[] {HttpSession.class}, (proxy, m, args) -> switch (m.getName()) {
                    case "getId" -> "S1";
                    case "getAttribute" -> attributes.get((String) args[0]);
                    case "setAttribute" -> attributes.put((String) args[0], args[1]);
                    case "invalidate" -> {
                        invalidated = true;
                        attributes.clear();
                        yield null;
                    }
                    default -> throw new UnsupportedOperationException(m.getName());
                });

        Session signedIn() {
            session.setAttribute("dev.pkcefilter.tokens", TOKENS);
            return this;
        }
    }

    private static FakeHttp.Request request(String method, Session session, String... headers) {
        FakeHttp.Request request = new FakeHttp.Request();
        request.method = method;
        request.requestURI = "/shop/oauth/logout";
        request.session = session == null ? null : session.session;
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return request;
    }

    private static FakeHttp.Response handle(ClientConfiguration config, FakeHttp.Request request) throws IOException {
        FakeHttp.Response response = new FakeHttp.Response();
        try (PkceContext context = new PkceContext(config, Clock.systemUTC(), false)) {
            context.logoutHandler().handle(request.build(), response.response);
        }
        return response;
    }

    @Test
    void derivesThePostLogoutRedirectUriLikeTheRedirectUri() {
        FakeHttp.Request request = new FakeHttp.Request(); // https://app.example, context /shop

        assertEquals(URI.create("https://app.example/shop/"), LogoutHandler.postLogoutRedirectUri(request.build(),
                config()));
        assertEquals(URI.create("https://app.example/shop/bye?x=1"), LogoutHandler.postLogoutRedirectUri(
                request.build(), config("pkce.post-logout-redirect", "/bye?x=1")));
        assertEquals(URI.create("https://www.example.com/"), LogoutHandler.postLogoutRedirectUri(request.build(),
                config("pkce.post-logout-redirect", "https://www.example.com/")));
        assertEquals(URI.create("https://public.example/shop/"), LogoutHandler.postLogoutRedirectUri(
                request.build(), config("pkce.redirect-uri", "https://public.example/shop/oauth/callback")));
        request.scheme = "http";
        request.serverPort = 8080;
        assertEquals(URI.create("http://app.example:8080/shop/"), LogoutHandler.postLogoutRedirectUri(
                request.build(), config()));
    }

    @Test
    void goesToThePostLogoutRedirectInsideTheContextWithoutAnEndSessionEndpoint() {
        FakeHttp.Request request = new FakeHttp.Request();

        assertEquals("/shop/", LogoutHandler.postLogoutTarget(request.build(), config()));
        assertEquals("/shop/bye", LogoutHandler.postLogoutTarget(request.build(),
                config("pkce.post-logout-redirect", "/bye")));
        assertEquals("https://www.example.com/", LogoutHandler.postLogoutTarget(request.build(),
                config("pkce.post-logout-redirect", "https://www.example.com/")));
    }

    @Test
    void ownOriginsAreTheRequestsAndTheConfiguredRedirectUris() {
        assertEquals(List.of("https://app.example"),
                List.copyOf(LogoutHandler.ownOrigins(new FakeHttp.Request().build(), config())));
        assertEquals(List.of("https://app.example", "https://public.example:8443"),
                List.copyOf(LogoutHandler.ownOrigins(new FakeHttp.Request().build(),
                        config("pkce.redirect-uri", "https://PUBLIC.example:8443/shop/oauth/callback"))));
    }

    @Test
    void refusesAPostFromAnotherSiteAndKeepsTheSession() throws IOException {
        Session session = new Session().signedIn();

        FakeHttp.Response response = handle(config(), request("POST", session, "Origin", "https://evil.example"));

        assertEquals(403, response.status);
        assertEquals("no-store", response.headers.get("Cache-Control"));
        assertFalse(session.invalidated);
        assertNotNull(session.attributes.get("dev.pkcefilter.tokens"));
    }

    @Test
    void aGetWithoutSameOriginEvidenceShowsASignOutButtonInstead() throws IOException {
        Session session = new Session().signedIn();

        FakeHttp.Response response = handle(config(), request("GET", session, "Accept", "text/html"));

        assertEquals(200, response.status);
        assertEquals("no-store", response.headers.get("Cache-Control"));
        assertEquals("same-origin", response.headers.get("Referrer-Policy"));
        assertTrue(response.body().contains("<form method=\"post\" action=\"/shop/oauth/logout\">"
                + "<button type=\"submit\">Sign out</button></form>"), response.body());
        assertFalse(session.invalidated);
    }

    @Test
    void aGetFromAnotherSiteAndAHeadNeverLogOut() throws IOException {
        Session session = new Session().signedIn();

        assertEquals(200, handle(config(), request("GET", session, "Sec-Fetch-Site", "cross-site")).status);
        assertEquals(200, handle(config(), request("HEAD", session, "Sec-Fetch-Site", "same-origin")).status);
        assertFalse(session.invalidated);
    }

    @Test
    void aSameOriginTopLevelNavigationLogsOutToThePostLogoutRedirectWithoutEndSessionEndpoint() throws IOException {
        Session session = new Session().signedIn();

        FakeHttp.Response response = handle(config(), request("GET", session, "Sec-Fetch-Site", "same-origin",
                "Sec-Fetch-Mode", "navigate", "Sec-Fetch-Dest", "document"));

        assertEquals(302, response.status);
        assertEquals("/shop/", response.headers.get("Location"));
        assertEquals("no-store", response.headers.get("Cache-Control"));
        assertEquals("no-referrer", response.headers.get("Referrer-Policy"));
        assertTrue(session.invalidated);
    }

    @Test
    void anImageOfTheLogoutPathGets403AndKeepsTheSession() throws IOException {
        Session session = new Session().signedIn();

        FakeHttp.Response response = handle(config(), request("GET", session, "Sec-Fetch-Site", "same-origin",
                "Sec-Fetch-Mode", "no-cors", "Sec-Fetch-Dest", "image", "Referer", "https://app.example/shop/forum"));

        assertEquals(403, response.status);
        assertEquals("no-store", response.headers.get("Cache-Control"));
        assertTrue(response.body().contains("<h1>Sign-out refused</h1>"), response.body());
        assertFalse(session.invalidated);
        assertNotNull(session.attributes.get("dev.pkcefilter.tokens"));
    }

    @Test
    void aPrerenderOfTheLogoutPathGetsTheConfirmationPageAndKeepsTheSession() throws IOException {
        Session session = new Session().signedIn();

        FakeHttp.Response response = handle(config(), request("GET", session, "Sec-Fetch-Site", "same-origin",
                "Sec-Fetch-Mode", "navigate", "Sec-Fetch-Dest", "document", "Sec-Purpose", "prefetch;prerender"));

        assertEquals(200, response.status);
        assertTrue(response.body().contains(">Sign out</button>"), response.body());
        assertFalse(session.invalidated);
    }

    /** Headers as {@code Name=value} pairs separated by {@code |}; {@code -} for none. */
    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource(delimiter = '~', value = {
            // top-level navigations from the application's own page
            "GET~ Sec-Fetch-Site=same-origin|Sec-Fetch-Mode=navigate|Sec-Fetch-Dest=document~ LOG_OUT",
            "GET~ Sec-Fetch-Site=same-origin|Sec-Fetch-Mode=navigate|Sec-Fetch-Dest=document|Sec-Fetch-User=?1~ LOG_OUT",
            "GET~ Sec-Fetch-Site=SAME-ORIGIN|Sec-Fetch-Mode=Navigate|Sec-Fetch-Dest=Document~ LOG_OUT",
            // ... but speculative: prefetch, prerender, previews
            "GET~ Sec-Fetch-Site=same-origin|Sec-Fetch-Mode=navigate|Sec-Fetch-Dest=document|Sec-Purpose=prefetch~ CONFIRM",
            "GET~ Sec-Fetch-Site=same-origin|Sec-Fetch-Mode=navigate|Sec-Fetch-Dest=document|Sec-Purpose=prefetch;prerender~ CONFIRM",
            "GET~ Sec-Fetch-Site=same-origin|Sec-Fetch-Mode=navigate|Sec-Fetch-Dest=document|Purpose=prefetch~ CONFIRM",
            "GET~ Sec-Fetch-Site=same-origin|Sec-Fetch-Mode=navigate|Sec-Fetch-Dest=document|X-Purpose=preview~ CONFIRM",
            "GET~ Referer=https://app.example/shop/|Purpose=prefetch~ CONFIRM",
            "GET~ Referer=https://app.example/shop/|X-Moz=prefetch~ CONFIRM",
            // navigations that are not top-level, or not from the application
            "GET~ Sec-Fetch-Site=same-origin|Sec-Fetch-Mode=navigate|Sec-Fetch-Dest=iframe~ CONFIRM",
            "GET~ Sec-Fetch-Site=same-origin|Sec-Fetch-Mode=navigate~ CONFIRM",
            "GET~ Sec-Fetch-Site=same-origin~ CONFIRM",
            "GET~ Sec-Fetch-Site=cross-site|Sec-Fetch-Mode=navigate|Sec-Fetch-Dest=document~ CONFIRM",
            "GET~ Sec-Fetch-Site=same-site|Sec-Fetch-Mode=navigate|Sec-Fetch-Dest=document~ CONFIRM",
            "GET~ Sec-Fetch-Site=none|Sec-Fetch-Mode=navigate|Sec-Fetch-Dest=document~ CONFIRM",
            "GET~ Sec-Fetch-Site=cross-site|Sec-Fetch-Mode=navigate|Sec-Fetch-Dest=document|Referer=https://app.example/~ CONFIRM",
            // subresources and scripts: 403, same-origin or not
            "GET~ Sec-Fetch-Site=same-origin|Sec-Fetch-Mode=no-cors|Sec-Fetch-Dest=image~ FORBIDDEN",
            "GET~ Sec-Fetch-Site=same-origin|Sec-Fetch-Mode=cors|Sec-Fetch-Dest=empty|Origin=https://app.example~ FORBIDDEN",
            "GET~ Sec-Fetch-Site=same-origin|Sec-Fetch-Mode=same-origin|Sec-Fetch-Dest=empty~ FORBIDDEN",
            "GET~ Sec-Fetch-Site=same-origin|Sec-Fetch-Mode=no-cors|Sec-Fetch-Dest=empty|Sec-Purpose=prefetch~ FORBIDDEN",
            "GET~ Sec-Fetch-Site=cross-site|Sec-Fetch-Mode=no-cors|Sec-Fetch-Dest=image~ FORBIDDEN",
            "HEAD~ Sec-Fetch-Site=same-origin|Sec-Fetch-Mode=cors|Sec-Fetch-Dest=empty~ FORBIDDEN",
            // no Fetch Metadata (an older browser): the Origin/Referer rule as before
            "GET~ Referer=https://app.example/shop/app/~ LOG_OUT",
            "GET~ Origin=https://app.example~ LOG_OUT",
            "GET~ Referer=https://evil.example/~ CONFIRM",
            "GET~ -~ CONFIRM",
            "HEAD~ Referer=https://app.example/shop/app/~ CONFIRM",
            // a POST: refused only when cross-origin
            "POST~ Origin=https://app.example~ LOG_OUT",
            "POST~ Origin=https://evil.example|Sec-Fetch-Site=same-origin~ FORBIDDEN",
            "POST~ Origin=null|Sec-Fetch-Site=same-origin~ LOG_OUT",
            "POST~ Origin=null~ FORBIDDEN",
            "POST~ Origin=null|Sec-Fetch-Site=cross-site~ FORBIDDEN",
            "POST~ Origin=null|Referer=https://app.example/shop/~ FORBIDDEN",
            "POST~ Sec-Fetch-Site=same-site~ FORBIDDEN",
            "POST~ -~ LOG_OUT"})
    void signsOutOnlyForTheUsersOwnRequest(String method, String headers, LogoutHandler.Answer expected) {
        FakeHttp.Request request = request(method, null);
        if (!headers.equals("-")) {
            for (String header : headers.split("\\|")) {
                int eq = header.indexOf('=');
                request.header(header.substring(0, eq), header.substring(eq + 1));
            }
        }
        assertEquals(expected, LogoutHandler.answer(request.build(), Set.of("https://app.example")));
    }

    @Test
    void aPostLogsOutEvenWhenRevocationIsDownAndGoesToTheEndSessionEndpoint() throws IOException {
        Session session = new Session().signedIn();
        ClientConfiguration config = config("pkce.revocation-endpoint", closedPort("/revoke"),
                "pkce.end-session-endpoint", "https://login.example.com/logout", "pkce.http-timeout", "PT2S");

        FakeHttp.Response response = handle(config, request("POST", session, "Origin", "https://app.example"));

        assertEquals(302, response.status);
        assertEquals("https://login.example.com/logout?post_logout_redirect_uri=https%3A%2F%2Fapp.example%2Fshop%2F"
                + "&client_id=shop&id_token_hint=" + ID_TOKEN, response.headers.get("Location"));
        assertEquals("no-referrer", response.headers.get("Referrer-Policy"));
        assertTrue(session.invalidated);
    }

    @Test
    void aPostWithoutSessionStillGoesToTheEndSessionEndpointWithoutHint() throws IOException {
        FakeHttp.Response response = handle(config("pkce.end-session-endpoint", "https://login.example.com/logout"),
                request("POST", null));

        assertEquals(302, response.status);
        assertEquals("https://login.example.com/logout?post_logout_redirect_uri=https%3A%2F%2Fapp.example%2Fshop%2F"
                + "&client_id=shop", response.headers.get("Location"));
    }

    private static String closedPort(String path) throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return "http://127.0.0.1:" + socket.getLocalPort() + path;
        }
    }
}
