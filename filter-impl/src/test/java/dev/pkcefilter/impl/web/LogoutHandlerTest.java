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
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.Test;

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
            new LogoutHandler(context).handle(request.build(), response.response);
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
    void aSameOriginGetLogsOutToThePostLogoutRedirectWithoutEndSessionEndpoint() throws IOException {
        Session session = new Session().signedIn();

        FakeHttp.Response response = handle(config(), request("GET", session, "Sec-Fetch-Site", "same-origin"));

        assertEquals(302, response.status);
        assertEquals("/shop/", response.headers.get("Location"));
        assertEquals("no-store", response.headers.get("Cache-Control"));
        assertEquals("no-referrer", response.headers.get("Referrer-Policy"));
        assertTrue(session.invalidated);
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
