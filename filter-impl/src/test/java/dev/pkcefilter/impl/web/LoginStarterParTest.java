package dev.pkcefilter.impl.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.logging.Level;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpServer;
import dev.pkcefilter.event.LoginFailed;
import dev.pkcefilter.impl.config.ConfigSources;
import dev.pkcefilter.impl.config.ConfigurationLoader;
import dev.pkcefilter.impl.protocol.CodeVerifier;
import dev.pkcefilter.impl.session.PendingLogin;
import dev.pkcefilter.impl.session.PendingLogins;
import dev.pkcefilter.impl.testing.LogCapture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link LoginStarter} with pushed authorization requests (RFC 9126), against an authorization server on loopback
 * that publishes its metadata and a PAR endpoint: what is pushed, with which client authentication, the redirect that
 * follows (§4), when {@code pkce.par} pushes, and each failure of the push with its status, its {@code LoginFailed}
 * event, its log line and nothing stored.
 */
class LoginStarterParTest {

    private static final String SECRET = "s3cr3t:/+ &%";
    private static final String REQUEST_URI = "urn:ietf:params:oauth:request_uri:6esc_11ACC5bwc014ltc14eY22c";
    private static RecordingCdi cdi;

    /** A request as the server received it. */
    private record Pushed(String path, Headers headers, String body) {
        Map<String, String> form() {
            Map<String, String> form = new LinkedHashMap<>();
            for (String pair : body.split("&")) {
                int eq = pair.indexOf('=');
                form.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
            return form;
        }
    }

    private final List<Pushed> pushes = new CopyOnWriteArrayList<>();
    private final CountDownLatch hang = new CountDownLatch(1);
    private volatile int parStatus;
    private volatile String parBody;
    private volatile boolean parHangs;
    /** The members of the discovery document after the endpoints. */
    private volatile String metadataExtra;
    private HttpServer server;
    private String issuer;
    private PkceContext context;

    @BeforeAll
    static void recordEvents() {
        cdi = RecordingCdi.install();
    }

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 10);
        server.setExecutor(Executors.newCachedThreadPool());
        issuer = "http://127.0.0.1:" + server.getAddress().getPort();
        server.createContext("/.well-known/openid-configuration", exchange -> send(exchange, 200, """
                {"issuer":"%1$s","authorization_endpoint":"%1$s/authorize?realm=x","token_endpoint":"%1$s/token"%2$s}
                """.formatted(issuer, metadataExtra)));
        server.createContext("/par", exchange -> {
            pushes.add(new Pushed(exchange.getRequestURI().getPath(), exchange.getRequestHeaders(),
                    new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
            if (parHangs) {
                try {
                    hang.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            send(exchange, parStatus, parBody);
        });
        server.start();
        metadata(true, true);
        answer(201, "{\"request_uri\":\"" + REQUEST_URI + "\",\"expires_in\":60}");
        cdi.events.clear();
    }

    @AfterEach
    void stop() {
        hang.countDown();
        server.stop(0);
        ((ExecutorService) server.getExecutor()).shutdownNow();
        if (context != null) {
            context.close();
        }
    }

    private static void send(com.sun.net.httpserver.HttpExchange exchange, int status, String body)
            throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** The discovery document names {@code /par} or not, and requires pushed requests or not (RFC 9126 §5). */
    private void metadata(boolean endpoint, boolean required) {
        metadataExtra = (endpoint ? ",\"pushed_authorization_request_endpoint\":\"" + issuer + "/par\"" : "")
                + (required ? ",\"require_pushed_authorization_requests\":true" : "");
    }

    private void answer(int status, String body) {
        parStatus = status;
        parBody = body;
    }

    private Map<String, String> keys(String... keysAndValues) {
        Map<String, String> params = new HashMap<>();
        params.put("pkce.issuer", issuer);
        params.put("pkce.client-id", "shop app");
        params.put("pkce.client-secret", SECRET);
        params.put("pkce.scope", "openid profile");
        params.put("pkce.audience", "https://api.example.com");
        params.put("pkce.authorize-params", "prompt=login&ui_locales=en%20de");
        params.put("pkce.protected-paths", "/app/*");
        params.put("pkce.http-timeout", "PT1S");
        for (int i = 0; i < keysAndValues.length; i += 2) {
            if (keysAndValues[i + 1] == null) {
                params.remove(keysAndValues[i]);
            } else {
                params.put(keysAndValues[i], keysAndValues[i + 1]);
            }
        }
        return params;
    }

    private PkceContext context(String... keysAndValues) {
        Map<String, String> params = keys(keysAndValues);
        context = new PkceContext(ConfigurationLoader.loadAll(new ConfigSources(name -> Optional.empty(),
                name -> null, params::get, Map.of())), Clock.systemUTC(), false);
        return context;
    }

    /** A page navigation in {@code session}, or without a session when it is {@code null}. */
    private static FakeHttp.Request navigation(FakeHttp.Session session) {
        FakeHttp.Request request = new FakeHttp.Request().header("Accept", "text/html");
        request.fakeSession = session;
        request.createsSession = true;
        return request;
    }

    private FakeHttp.Response start(FakeHttp.Request request, String... keysAndValues) throws IOException {
        FakeHttp.Response response = new FakeHttp.Response();
        context(keysAndValues).loginStarter().unauthenticated(request.build(), response.response);
        return response;
    }

    private static Map<String, String> query(String location) {
        Map<String, String> params = new LinkedHashMap<>();
        for (String pair : location.substring(location.indexOf('?') + 1).split("&")) {
            int eq = pair.indexOf('=');
            params.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return params;
    }

    private static PendingLogin onlyPending(FakeHttp.Session session) {
        PendingLogins pending = (PendingLogins) session.attributes.get("dev.pkcefilter.pending-logins");
        assertEquals(1, pending.logins().size());
        return pending.logins().get(0);
    }

    // what is pushed, and the redirect

    @Test
    void pushesEveryAuthorizationParameterWithBasicAuthenticationAndRedirectsWithTheRequestUriOnly()
            throws IOException {
        FakeHttp.Session session = new FakeHttp.Session("S1");

        FakeHttp.Response response = start(navigation(session));

        assertEquals(302, response.status, response.body());
        assertEquals(1, pushes.size());
        Pushed push = pushes.get(0);
        assertEquals("application/x-www-form-urlencoded", push.headers().getFirst("Content-Type"));
        assertEquals("application/json", push.headers().getFirst("Accept"));
        assertEquals("Basic " + Base64.getEncoder().encodeToString(
                "shop+app:s3cr3t%3A%2F%2B+%26%25".getBytes(StandardCharsets.UTF_8)),
                push.headers().getFirst("Authorization"));
        PendingLogin login = onlyPending(session);
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("response_type", "code");
        expected.put("client_id", "shop app");
        expected.put("redirect_uri", "https://app.example/shop/oauth/callback");
        expected.put("scope", "openid profile");
        expected.put("state", login.state().value());
        expected.put("code_challenge", login.verifier().challenge());
        expected.put("code_challenge_method", "S256");
        expected.put("audience", "https://api.example.com");
        expected.put("nonce", login.sentNonce().orElseThrow().value());
        expected.put("prompt", "login");
        expected.put("ui_locales", "en de");
        assertEquals(expected, push.form());
        assertEquals(List.copyOf(expected.keySet()), List.copyOf(push.form().keySet()), "in this order");
        assertFalse(push.body().contains("s3cr3t"), "client_secret_basic keeps the secret out of the body");
        // RFC 9126 §4: the authorization endpoint's own query, then client_id and request_uri, nothing else
        assertEquals(issuer + "/authorize?realm=x&client_id=shop+app&request_uri="
                + "urn%3Aietf%3Aparams%3Aoauth%3Arequest_uri%3A6esc_11ACC5bwc014ltc14eY22c",
                response.headers.get("Location"));
        assertEquals("/shop/app/orders", login.returnPath());
        assertEquals(List.of(), cdi.events);
    }

    @Test
    void sendsClientSecretPostCredentialsInTheBody() throws IOException {
        start(navigation(new FakeHttp.Session("S1")), "pkce.client-auth", "client_secret_post");

        Pushed push = pushes.get(0);
        assertNull(push.headers().getFirst("Authorization"));
        assertEquals(List.of("response_type", "client_id", "redirect_uri", "scope", "state", "code_challenge",
                "code_challenge_method", "audience", "nonce", "prompt", "ui_locales", "client_secret"),
                List.copyOf(push.form().keySet()));
        assertEquals(SECRET, push.form().get("client_secret"));
    }

    @Test
    void aPublicClientPushesItsClientIdAlone() throws IOException {
        FakeHttp.Response response = start(navigation(new FakeHttp.Session("S1")), "pkce.client-secret", null,
                "pkce.scope", null, "pkce.audience", null, "pkce.authorize-params", null);

        Pushed push = pushes.get(0);
        assertNull(push.headers().getFirst("Authorization"));
        assertEquals(List.of("response_type", "client_id", "redirect_uri", "state", "code_challenge",
                "code_challenge_method"), List.copyOf(push.form().keySet()));
        assertEquals(Map.of("realm", "x", "client_id", "shop app", "request_uri", REQUEST_URI),
                query(response.headers.get("Location")));
    }

    @Test
    void theCallbackOfAPushedLoginFindsItsPendingLogin() throws IOException {
        FakeHttp.Session session = new FakeHttp.Session("S1");
        start(navigation(session));
        String state = pushes.get(0).form().get("state");

        PendingLogins.Taken taken = context.store().takePendingLogin(session.session, state, java.time.Instant.now());

        assertEquals(PendingLogins.Outcome.FOUND, taken.outcome());
        CodeVerifier verifier = taken.login().orElseThrow().verifier();
        assertEquals(pushes.get(0).form().get("code_challenge"), verifier.challenge());
    }

    // when pkce.par pushes

    @ParameterizedTest(name = "pkce.par={0}, endpoint={1}, required={2}: {3}")
    @CsvSource({
            "auto,   true,  true,  pushed",
            "auto,   true,  false, redirect",
            "auto,   false, false, redirect",
            "auto,   false, true,  502",
            "always, true,  false, pushed",
            "always, true,  true,  pushed",
            "always, false, false, 502",
            "never,  true,  true,  redirect",
            "never,  true,  false, redirect",
            ",       true,  true,  pushed",
            ",       true,  false, redirect"})
    void pushesAsPkceParAndTheMetadataSay(String mode, boolean endpoint, boolean required, String outcome)
            throws IOException {
        metadata(endpoint, required);
        FakeHttp.Session session = new FakeHttp.Session("S1");

        FakeHttp.Response response;
        try (LogCapture log = LogCapture.of(LoginStarter.class)) {
            response = start(navigation(session), "pkce.par", mode);
            if (outcome.equals("502")) {
                assertEquals(1, log.messages(Level.WARNING).size(), log.lines()::toString);
                String warning = log.messages(Level.WARNING).get(0);
                assertTrue(warning.contains("pkce.par") && warning.contains("pushed_authorization_request_endpoint"),
                        warning);
            }
        }

        switch (outcome) {
            case "pushed" -> {
                assertEquals(302, response.status, response.body());
                assertEquals(1, pushes.size());
                assertEquals(Map.of("realm", "x", "client_id", "shop app", "request_uri", REQUEST_URI),
                        query(response.headers.get("Location")));
            }
            case "redirect" -> {
                assertEquals(302, response.status, response.body());
                assertEquals(List.of(), pushes);
                Map<String, String> query = query(response.headers.get("Location"));
                assertEquals(onlyPending(session).state().value(), query.get("state"));
                assertEquals("S256", query.get("code_challenge_method"));
                assertFalse(query.containsKey("request_uri"));
            }
            default -> {
                assertPage(response, 502);
                assertTrue(response.body().contains("does not take pushed sign-in requests"), response.body());
                assertEquals(List.of(), pushes);
                assertNothingStored(session);
                assertEquals(502, loginFailed().status());
            }
        }
    }

    @Test
    void aFurtherClientPushesAsItsOwnKeySays() throws IOException {
        metadata(true, false);
        context("pkce.clients", "partner", "pkce.partner.client-id", "partner-app",
                "pkce.partner.issuer", issuer, "pkce.partner.par", "always");
        FakeHttp.Session session = new FakeHttp.Session("S1");

        FakeHttp.Response signIn = new FakeHttp.Response();
        context.loginStarter().unauthenticated(navigation(session).build(), signIn.response);
        assertEquals(302, signIn.status, signIn.body());
        assertEquals(List.of(), pushes, "the default client's pkce.par is auto, and the server does not require it");

        FakeHttp.Response connect = new FakeHttp.Response();
        context.further("partner").orElseThrow().loginStarter().start(navigation(session).build(), connect.response,
                "/shop/app/");
        assertEquals(302, connect.status, connect.body());
        assertEquals(1, pushes.size());
        assertEquals("partner-app", pushes.get(0).form().get("client_id"));
        assertEquals("https://app.example/shop/oauth/callback/partner", pushes.get(0).form().get("redirect_uri"));
        assertNull(pushes.get(0).headers().getFirst("Authorization"), "a public client");
        assertEquals(Map.of("realm", "x", "client_id", "partner-app", "request_uri", REQUEST_URI),
                query(connect.headers.get("Location")));
    }

    @Test
    void aFurtherClientsWarningNamesItsKey() throws IOException {
        metadata(false, false);
        context("pkce.clients", "partner", "pkce.partner.client-id", "partner-app",
                "pkce.partner.issuer", issuer, "pkce.partner.par", "always");

        FakeHttp.Response connect = new FakeHttp.Response();
        try (LogCapture log = LogCapture.of(LoginStarter.class)) {
            context.further("partner").orElseThrow().loginStarter().start(navigation(null).build(),
                    connect.response, "/shop/app/");
            assertTrue(log.messages(Level.WARNING).get(0).startsWith("pkce.partner.par is always"),
                    log.lines()::toString);
        }
        assertPage(connect, 502);
    }

    // a failed push

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
            "400 | {\"error\":\"invalid_request\",\"error_description\":\"redirect_uri not registered\"}",
            "401 | {\"error\":\"invalid_client\"}",
            "401 | ''",
            "500 | <html>oops</html>",
            "503 | {\"error\":\"temporarily_unavailable\"}",
            "200 | {\"request_uri\":\"" + REQUEST_URI + "\",\"expires_in\":60}",
            "201 | not json",
            "201 | {\"expires_in\":60}",
            "201 | {\"request_uri\":42,\"expires_in\":60}",
            "201 | {\"request_uri\":\"not a uri\",\"expires_in\":60}",
            "201 | {\"request_uri\":\"relative/path\",\"expires_in\":60}",
            "201 | {\"request_uri\":\"\",\"expires_in\":60}",
            "201 | {\"request_uri\":\"" + REQUEST_URI + "\"}",
            "201 | {\"request_uri\":\"" + REQUEST_URI + "\",\"expires_in\":0}",
            "201 | {\"request_uri\":\"" + REQUEST_URI + "\",\"expires_in\":\"soon\"}"})
    void aFailedPushIsA502AndStoresNothing(int status, String body) throws IOException {
        answer(status, body);
        FakeHttp.Request request = navigation(null);

        FakeHttp.Response response;
        try (LogCapture log = LogCapture.of(LoginStarter.class)) {
            response = start(request);
            List<String> warnings = log.messages(Level.WARNING);
            assertEquals(1, warnings.size(), log.lines()::toString);
            assertTrue(warnings.get(0).startsWith("The pushed authorization request endpoint 127.0.0.1 "),
                    warnings.get(0));
            assertNoSecret(String.join("\n", log.lines()));
        }

        assertPage(response, 502);
        assertEquals(1, pushes.size());
        assertEquals(List.of(), request.created, "no session was made");
        LoginFailed failed = loginFailed();
        assertEquals(502, failed.status());
        assertNoSecret(response.body());
    }

    @Test
    void showsTheServersErrorAndFiresItInLoginFailed() throws IOException {
        answer(400, "{\"error\":\"invalid_request\",\"error_description\":\"<b>redirect_uri</b> not registered\"}");
        FakeHttp.Session session = new FakeHttp.Session("S1");

        FakeHttp.Response response = start(navigation(session));

        assertPage(response, 502);
        assertTrue(response.body().contains("invalid_request: &lt;b&gt;redirect_uri&lt;/b&gt; not registered"),
                response.body());
        assertTrue(response.body().contains("href=\"/shop/\""), response.body());
        LoginFailed failed = loginFailed();
        assertEquals(Optional.of("invalid_request"), failed.error());
        assertEquals(Optional.of("<b>redirect_uri</b> not registered"), failed.errorDescription());
        assertNothingStored(session);
    }

    @Test
    void aPushThatTimesOutIsA504() throws IOException {
        parHangs = true;
        FakeHttp.Session session = new FakeHttp.Session("S1");

        FakeHttp.Response response = start(navigation(session));

        assertPage(response, 504);
        assertTrue(response.body().contains("did not answer in time"), response.body());
        assertEquals(504, loginFailed().status());
        assertNothingStored(session);
    }

    @Test
    void aPushEndpointThatRefusesConnectionsIsA502() throws IOException {
        int closed;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            closed = socket.getLocalPort();
        }
        metadataExtra = ",\"pushed_authorization_request_endpoint\":\"http://127.0.0.1:" + closed + "/par\","
                + "\"require_pushed_authorization_requests\":true";
        FakeHttp.Session session = new FakeHttp.Session("S1");

        FakeHttp.Response response;
        try (LogCapture log = LogCapture.of(LoginStarter.class)) {
            response = start(navigation(session));
            assertTrue(log.messages(Level.WARNING).get(0).contains("could not be reached"), log.lines()::toString);
        }

        assertPage(response, 502);
        assertEquals(502, loginFailed().status());
        assertNothingStored(session);
    }

    private static void assertPage(FakeHttp.Response response, int status) {
        assertEquals(status, response.status, response.body());
        assertTrue(response.body().contains("<h1>Sign-in could not be started</h1>"), response.body());
        assertEquals("no-store", response.headers.get("Cache-Control"));
        assertEquals("no-referrer", response.headers.get("Referrer-Policy"));
        assertNull(response.headers.get("Location"));
    }

    /** Neither a pending login nor a pre-login mark: no later callback can use this attempt. */
    private static void assertNothingStored(FakeHttp.Session session) {
        assertEquals(Map.of(), session.attributes);
        assertEquals(1800, session.maxInactiveInterval);
    }

    private LoginFailed loginFailed() {
        assertEquals(1, cdi.events.size(), cdi.events::toString);
        assertTrue(cdi.events.get(0) instanceof LoginFailed, cdi.events::toString);
        return (LoginFailed) cdi.events.get(0);
    }

    /** The client secret, and the state, challenge and nonce of what was pushed, appear nowhere in {@code text}. */
    private void assertNoSecret(String text) {
        assertFalse(text.contains("s3cr3t"), text);
        assertFalse(text.contains(REQUEST_URI), text);
        for (Pushed push : pushes) {
            for (String name : List.of("state", "code_challenge", "nonce")) {
                String value = push.form().get(name);
                if (value != null) {
                    assertFalse(text.contains(value), name + " in " + text);
                }
            }
        }
    }
}
