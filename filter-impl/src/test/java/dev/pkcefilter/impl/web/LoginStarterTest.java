package dev.pkcefilter.impl.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import dev.pkcefilter.impl.config.ClientConfiguration;
import dev.pkcefilter.impl.config.ConfigSources;
import dev.pkcefilter.impl.config.ConfigurationLoader;

class LoginStarterTest {

    private static ClientConfiguration config(String... keysAndValues) {
        Map<String, String> params = new HashMap<>();
        params.put("pkce.issuer", "https://login.example.com/realms/shop");
        params.put("pkce.client-id", "shop");
        for (int i = 0; i < keysAndValues.length; i += 2) {
            params.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return ConfigurationLoader.load(new ConfigSources(name -> Optional.empty(), name -> null, params::get,
                Map.of()));
    }

    private static URI redirectUri(String scheme, String host, int port, String contextPath,
                                   ClientConfiguration config) {
        FakeHttp.Request request = new FakeHttp.Request();
        request.scheme = scheme;
        request.serverName = host;
        request.serverPort = port;
        request.contextPath = contextPath;
        return LoginStarter.redirectUri(request.build(), config);
    }

    @ParameterizedTest
    @CsvSource({
            "http,  80,   http://app.example/shop/oauth/callback",
            "https, 443,  https://app.example/shop/oauth/callback",
            "http,  8080, http://app.example:8080/shop/oauth/callback",
            "https, 8443, https://app.example:8443/shop/oauth/callback",
            "http,  443,  http://app.example:443/shop/oauth/callback",
            "https, 80,   https://app.example:80/shop/oauth/callback"})
    void omitsOnlyTheDefaultPortOfTheScheme(String scheme, int port, String expected) {
        assertEquals(URI.create(expected), redirectUri(scheme, "app.example", port, "/shop", config()));
    }

    @Test
    void bracketsAnIpv6Literal() {
        assertEquals(URI.create("http://[::1]:8080/shop/oauth/callback"),
                redirectUri("http", "::1", 8080, "/shop", config()));
        assertEquals(URI.create("https://[2001:db8::7]/shop/oauth/callback"),
                redirectUri("https", "[2001:db8::7]", 443, "/shop", config()));
    }

    @Test
    void usesTheRootContextAndTheConfiguredCallbackPath() {
        assertEquals(URI.create("https://app.example/login/cb"),
                redirectUri("https", "app.example", 443, "", config("pkce.callback-path", "/login/cb")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"evil.example//shop", "evil.example/x", "app.example@evil.example", "evil.example?x=",
            "evil.example#x", "evil.example\\x", "evil example", "", "evil.example:80:80", "evil.example%2F"})
    void refusesAHostThatMakesNoValidRedirectUri(String host) {
        assertThrows(IllegalArgumentException.class, () -> redirectUri("http", host, 8080, "/shop", config()));
    }

    @Test
    void acceptsAHostNameWithAnUnderscore() {
        assertEquals(URI.create("http://shop_web_1:8080/shop/oauth/callback"),
                redirectUri("http", "shop_web_1", 8080, "/shop", config()));
    }

    @Test
    void ignoresTheRequestsHostWhenTheRedirectUriIsConfigured() {
        ClientConfiguration config = config("pkce.redirect-uri", "https://shop.example.com/oauth/callback");

        assertEquals(URI.create("https://shop.example.com/oauth/callback"),
                redirectUri("http", "evil.example//shop", 80, "/shop", config));
    }

    @Test
    void prefersTheConfiguredRedirectUri() {
        ClientConfiguration config = config("pkce.redirect-uri", "https://shop.example.com/oauth/callback");

        assertEquals(URI.create("https://shop.example.com/oauth/callback"),
                redirectUri("http", "10.0.0.7", 8080, "/internal", config));
    }

    /** A page navigation without a usable token, in {@code session} or, when {@code null}, without a session. */
    private static FakeHttp.Request navigation(FakeHttp.Session session, String queryString) {
        FakeHttp.Request request = new FakeHttp.Request().header("Accept", "text/html");
        request.fakeSession = session;
        request.createsSession = true;
        request.queryString = queryString;
        return request;
    }

    private static void start(FakeHttp.Request request, ClientConfiguration config) throws java.io.IOException {
        FakeHttp.Response response = new FakeHttp.Response();
        try (PkceContext context = new PkceContext(config, java.time.Clock.systemUTC(), false)) {
            context.loginStarter().unauthenticated(request.build(), response.response);
        }
        assertEquals(302, response.status, response.body());
    }

    private static ClientConfiguration withEndpoints() {
        return config("pkce.authorization-endpoint", "https://login.example.com/authorize",
                "pkce.token-endpoint", "https://login.example.com/token", "pkce.login-timeout", "PT5M",
                "pkce.protected-paths", "/app/*");
    }

    @Test
    void aSessionMadeForTheLoginLivesForTheLoginTimeout() throws java.io.IOException {
        FakeHttp.Request request = navigation(null, "page=2");

        start(request, withEndpoints());

        assertEquals(1, request.created.size());
        FakeHttp.Session made = request.created.get(0);
        assertEquals(300, made.maxInactiveInterval, "pkce.login-timeout");
        assertEquals(new dev.pkcefilter.impl.session.PreLoginSession(1800),
                made.attributes.get("dev.pkcefilter.pre-login"));
    }

    @Test
    void theApplicationsOwnSessionKeepsItsTimeout() throws java.io.IOException {
        FakeHttp.Session existing = new FakeHttp.Session("S1");
        existing.attributes.put("cart", "3 books");

        start(navigation(existing, null), withEndpoints());

        assertEquals(1800, existing.maxInactiveInterval);
        assertEquals(null, existing.attributes.get("dev.pkcefilter.pre-login"));
    }

    @Test
    void anOverlongReturnPathIsNotKept() throws java.io.IOException {
        FakeHttp.Session existing = new FakeHttp.Session("S1");

        start(navigation(existing, "q=" + "x".repeat(8 * 1024)), withEndpoints());

        dev.pkcefilter.impl.session.PendingLogins pending =
                (dev.pkcefilter.impl.session.PendingLogins) existing.attributes.get("dev.pkcefilter.pending-logins");
        assertEquals("/shop/app/", pending.logins().get(0).returnPath());
    }
}
