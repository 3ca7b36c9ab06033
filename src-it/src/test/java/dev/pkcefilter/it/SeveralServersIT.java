package dev.pkcefilter.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.pkcefilter.it.app.TokenBean;
import dev.pkcefilter.it.several.ConnectionsServlet;
import dev.pkcefilter.it.support.AppUrl;
import dev.pkcefilter.it.support.Await;
import dev.pkcefilter.it.support.BrowserlessClient;
import dev.pkcefilter.it.support.Concurrently;
import dev.pkcefilter.it.support.BrowserlessClient.Result;
import dev.pkcefilter.it.support.FakeAuthorizationServer;
import dev.pkcefilter.it.support.FakeAuthorizationServer.Recorded;
import dev.pkcefilter.it.support.FakeAuthorizationServer.Revocation;
import dev.pkcefilter.it.support.KeycloakServer;
import dev.pkcefilter.it.support.TestWars;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Several authorization servers in one application (issue 15): users sign in with the real Keycloak (the default
 * client) and connect two vendors' servers, both {@link FakeAuthorizationServer}s, in the same session:
 * <ul>
 *   <li>{@code loom}, Loom-style (fake A): an Auth0-style {@code audience} required on every token request,
 *       {@code client_secret_post}, the lifetime in {@code expiry}, {@code iss} in its authorization responses
 *       (RFC 9207), and its own protected paths ({@code /loom/*});</li>
 *   <li>{@code jsonapi} (fake B): a public client whose server takes JSON token requests.</li>
 * </ul>
 * Each has its own redirect URI, state, PKCE and tokens; each refreshes on its own, once per session under
 * concurrency; a response of one server is refused at the other's callback (the RFC 9700 §4.4 mix-up defence); a
 * declined connection leaves the sign-in alone; logout revokes every client's tokens and disconnect one client's.
 *
 * <p>Deployed at {@code /example}: the realm's client {@code pkce-example} allows redirect URIs under
 * {@code /example/} only (the realm is the example's, and not changed for this test).
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class SeveralServersIT {

    /** The context root the realm's redirect URIs allow. */
    private static final String CONTEXT_ROOT = "example";
    private static final String LOOM_CLIENT_ID = "loom-app";
    /** Characters that a form body must carry intact. */
    private static final String LOOM_SECRET = "loom-s3cret:/+ &%";
    private static final String LOOM_AUDIENCE = "https://api.loom.example";
    private static final String JSONAPI_CLIENT_ID = "jsonapi-app";
    /** A token lifetime that comes due (half of it) a second after it is issued. */
    private static final int SHORT_LIFETIME = 2;

    /** Fake A, the Loom-style vendor. */
    private static FakeAuthorizationServer loom;
    /** Fake B, the vendor that takes JSON token requests. */
    private static FakeAuthorizationServer jsonapi;

    private final URL base = AppUrl.of(CONTEXT_ROOT);

    @Deployment(testable = false)
    static WebArchive app() throws IOException {
        loom = new FakeAuthorizationServer()
                .requireClientSecret(LOOM_SECRET)
                .requireAudience(LOOM_AUDIENCE)
                .lifetimeMember("expiry")
                .sendIssInAuthorizationResponse(true);
        jsonapi = new FakeAuthorizationServer();
        Map<String, String> params = new LinkedHashMap<>();
        params.put("pkce.issuer", KeycloakServer.forTests().issuer());
        params.put("pkce.client-id", "pkce-example");
        params.put("pkce.scope", "openid profile email");
        params.put("pkce.protected-paths", "/app/*");
        params.put("pkce.clients", "loom,jsonapi");
        params.put("pkce.loom.issuer", loom.issuer());
        params.put("pkce.loom.client-id", LOOM_CLIENT_ID);
        params.put("pkce.loom.client-secret", LOOM_SECRET);
        params.put("pkce.loom.client-auth", "client_secret_post");
        params.put("pkce.loom.audience", LOOM_AUDIENCE);
        params.put("pkce.loom.scope", "openid recordings:read");
        params.put("pkce.loom.protected-paths", "/loom/*");
        params.put("pkce.jsonapi.issuer", jsonapi.issuer());
        params.put("pkce.jsonapi.client-id", JSONAPI_CLIENT_ID);
        params.put("pkce.jsonapi.token-request-format", "json");
        params.put("pkce.jsonapi.scope", "contacts:read");
        return TestWars.tokenApp(CONTEXT_ROOT + ".war", params).addPackage(ConnectionsServlet.class.getPackage());
    }

    @AfterAll
    static void stopFakes() {
        for (FakeAuthorizationServer fake : new FakeAuthorizationServer[] {loom, jsonapi}) {
            if (fake != null) {
                fake.close();
            }
        }
        loom = null;
        jsonapi = null;
    }

    @BeforeEach
    void resetFakes() {
        loom.reset();
        jsonapi.reset();
        events(new BrowserlessClient()); // forget earlier tests' events
    }

    @Test
    void signsInWithKeycloakAndConnectsBothVendorsEachWithItsOwnRequests() {
        BrowserlessClient browser = signedIn();
        Connections before = connections(browser);
        loom.tokensExpireIn(120);

        Instant loomStarted = Instant.now();
        Result loomConnected = connect(browser, "loom", "/" + CONTEXT_ROOT + "/app/connections");
        Instant loomDone = Instant.now();
        Result jsonapiConnected = connect(browser, "jsonapi", "/" + CONTEXT_ROOT + "/app/connections");

        // the authorize requests: each client's own redirect URI, state, PKCE S256, and loom's audience and nonce
        Map<String, String> loomAuthorize = single(loom.requests("/authorize")).queryParameters();
        assertEquals(LOOM_CLIENT_ID, loomAuthorize.get("client_id"));
        assertEquals(base + "oauth/callback/loom", loomAuthorize.get("redirect_uri"));
        assertEquals("code", loomAuthorize.get("response_type"));
        assertEquals("S256", loomAuthorize.get("code_challenge_method"));
        assertEquals(LOOM_AUDIENCE, loomAuthorize.get("audience"));
        assertEquals("openid recordings:read", loomAuthorize.get("scope"));
        assertTrue(loomAuthorize.getOrDefault("nonce", "").length() >= 22, "a nonce, since loom's scope has openid");
        Map<String, String> jsonAuthorize = single(jsonapi.requests("/authorize")).queryParameters();
        assertEquals(JSONAPI_CLIENT_ID, jsonAuthorize.get("client_id"));
        assertEquals(base + "oauth/callback/jsonapi", jsonAuthorize.get("redirect_uri"));
        assertEquals("S256", jsonAuthorize.get("code_challenge_method"));
        assertEquals("contacts:read", jsonAuthorize.get("scope"));
        assertNull(jsonAuthorize.get("audience"), "jsonapi has no audience (nothing inherited from loom or the default)");
        assertNull(jsonAuthorize.get("nonce"), "no nonce without openid in jsonapi's scope");
        for (Map<String, String> authorize : List.of(loomAuthorize, jsonAuthorize)) {
            assertTrue(authorize.getOrDefault("state", "").length() >= 22, "a state of at least 128 bits: " + authorize.keySet());
            assertTrue(authorize.getOrDefault("code_challenge", "").length() == 43, "an S256 challenge");
        }
        assertNotEquals(loomAuthorize.get("state"), jsonAuthorize.get("state"));
        assertNotEquals(loomAuthorize.get("code_challenge"), jsonAuthorize.get("code_challenge"));

        // loom's token request: a form, the audience, client_secret_post, its own redirect URI and verifier
        Recorded loomToken = single(loom.requests("/token"));
        Map<String, String> loomForm = loomToken.parameters();
        assertTrue(loomToken.header("Content-Type").startsWith("application/x-www-form-urlencoded"),
                loomToken.header("Content-Type"));
        assertEquals("authorization_code", loomForm.get("grant_type"));
        assertEquals(codeIn(loomConnected), loomForm.get("code"));
        assertEquals(loomAuthorize.get("redirect_uri"), loomForm.get("redirect_uri"));
        assertEquals(loomAuthorize.get("code_challenge"), FakeAuthorizationServer.s256(loomForm.get("code_verifier")));
        assertEquals(LOOM_AUDIENCE, loomForm.get("audience"));
        assertEquals("client_secret_post", loomToken.clientAuthentication());
        assertEquals(LOOM_CLIENT_ID, loomForm.get("client_id"));
        assertEquals(LOOM_SECRET, loomForm.get("client_secret"));
        assertNull(loomToken.header("Authorization"), "no Basic credentials with client_secret_post");

        // jsonapi's token request: JSON, a public client's client_id, no audience, no secret
        Recorded jsonToken = single(jsonapi.requests("/token"));
        Map<String, String> json = jsonToken.parameters();
        assertTrue(jsonToken.header("Content-Type").startsWith("application/json"), jsonToken.header("Content-Type"));
        assertEquals("authorization_code", json.get("grant_type"));
        assertEquals(codeIn(jsonapiConnected), json.get("code"));
        assertEquals(jsonAuthorize.get("redirect_uri"), json.get("redirect_uri"));
        assertEquals(jsonAuthorize.get("code_challenge"), FakeAuthorizationServer.s256(json.get("code_verifier")));
        assertEquals(JSONAPI_CLIENT_ID, json.get("client_id"));
        assertEquals("none", jsonToken.clientAuthentication());
        assertFalse(json.containsKey("audience"), json.keySet()::toString);

        // both connected, the sign-in untouched, loom's lifetime read from expiry
        Connections after = connections(browser);
        assertTrue(after.loom().present() && after.jsonapi().present(), after::toString);
        assertEquals(before.signIn(), after.signIn(), "connecting leaves the Keycloak sign-in as it was");
        Instant loomExpires = Instant.parse(after.loom().expiresAt());
        assertFalse(loomExpires.isBefore(loomStarted.plusSeconds(120 - 2)) || loomExpires.isAfter(loomDone.plusSeconds(120 + 2)),
                () -> "loom's token expires 120 s after it was issued, as its expiry said: " + loomExpires
                        + " (connected between " + loomStarted + " and " + loomDone + ")");
        assertEquals(List.of("LoginSucceeded default", "LoginSucceeded loom", "LoginSucceeded jsonapi"), events(browser),
                "the events name their client");
    }

    @Test
    void anUnknownClientNameIs404() {
        BrowserlessClient browser = signedIn();
        HttpResponse<String> unknown = browser.get(base + "oauth/connect/nope?return=/" + CONTEXT_ROOT + "/app/",
                BrowserlessClient.NAVIGATION);
        assertEquals(404, unknown.statusCode(), unknown.body());
        assertEquals(List.of(), loom.requests("/authorize"));
        assertEquals(List.of(), jsonapi.requests("/authorize"));
    }

    @Test
    void fiftyConcurrentRequestsAfterBothTokensExpiredRefreshEachClientExactlyOnce() throws Exception {
        BrowserlessClient browser = signedIn();
        loom.tokensExpireIn(SHORT_LIFETIME);
        jsonapi.tokensExpireIn(SHORT_LIFETIME);
        connect(browser, "loom", "/" + CONTEXT_ROOT + "/public/session-info"); // a page that reads no token
        connect(browser, "jsonapi", "/" + CONTEXT_ROOT + "/public/session-info");
        Instant issued = Instant.now(); // both token responses came before this
        String loomBefore = TokenBean.sha256(loom.lastAccessToken());
        String jsonBefore = TokenBean.sha256(jsonapi.lastAccessToken());
        loom.reset(); // refreshed tokens last 300 s; counts from here
        jsonapi.reset();
        loom.refreshesTake(500); // the other requests arrive while the refreshes are under way
        jsonapi.refreshesTake(500);
        Instant expired = awaitExpiry(issued.plusSeconds(SHORT_LIFETIME));
        events(browser);

        List<HttpResponse<String>> answers = Concurrently.run(50,
                i -> browser.get(base + "app/connections", BrowserlessClient.XHR));

        Set<String> loomTokens = new HashSet<>();
        Set<String> jsonTokens = new HashSet<>();
        for (HttpResponse<String> answer : answers) {
            assertEquals(200, answer.statusCode(), answer.body());
            Connections seen = Connections.parse(answer.body());
            assertTrue(seen.signIn().present() && seen.loom().present() && seen.jsonapi().present(), answer.body());
            assertTrue(Instant.parse(seen.loom().expiresAt()).isAfter(expired), "a refreshed loom token: " + answer.body());
            assertTrue(Instant.parse(seen.jsonapi().expiresAt()).isAfter(expired), "a refreshed jsonapi token: " + answer.body());
            loomTokens.add(seen.loom().tokenSha256());
            jsonTokens.add(seen.jsonapi().tokenSha256());
        }
        System.out.println("SeveralServersIT: 50 concurrent requests of one session after both vendors' tokens"
                + " expired: refresh grants at loom " + loom.refreshGrants() + ", at jsonapi " + jsonapi.refreshGrants());
        assertEquals(1, loom.refreshGrants(), "loom's refresh grants for 50 concurrent requests of one session");
        assertEquals(1, jsonapi.refreshGrants(), "jsonapi's refresh grants for 50 concurrent requests of one session");
        assertEquals(1, loomTokens.size(), "every request used the one refreshed loom token");
        assertEquals(1, jsonTokens.size(), "every request used the one refreshed jsonapi token");
        assertFalse(loomTokens.contains(loomBefore) || jsonTokens.contains(jsonBefore), "new tokens");

        // the refresh grants: loom's with its audience and client_secret_post, jsonapi's as JSON
        Map<String, String> loomRefresh = single(loom.requests("/token")).parameters();
        assertEquals("refresh_token", loomRefresh.get("grant_type"));
        assertEquals(LOOM_AUDIENCE, loomRefresh.get("audience"));
        assertEquals("client_secret_post", single(loom.requests("/token")).clientAuthentication());
        Recorded jsonRefresh = single(jsonapi.requests("/token"));
        assertTrue(jsonRefresh.header("Content-Type").startsWith("application/json"), jsonRefresh.header("Content-Type"));
        assertEquals("refresh_token", jsonRefresh.parameters().get("grant_type"));

        // the session kept both refreshed tokens: one client's write did not undo the other's
        Connections later = connections(browser);
        assertEquals(loomTokens, Set.of(later.loom().tokenSha256()));
        assertEquals(jsonTokens, Set.of(later.jsonapi().tokenSha256()));
        assertEquals(1, loom.refreshGrants());
        assertEquals(1, jsonapi.refreshGrants());
        assertEquals(0, loom.refusedRefreshes() + jsonapi.refusedRefreshes(), "no rotated refresh token sent again");
        List<String> events = events(browser);
        assertEquals(1, events.stream().filter("TokenRefreshed loom"::equals).count(), events::toString);
        assertEquals(1, events.stream().filter("TokenRefreshed jsonapi"::equals).count(), events::toString);
        assertFalse(events.contains("TokenRefreshed default"), events::toString);
    }

    /** One client due, the other not: only the due one refreshes, and the other's token and the sign-in stay. */
    @Test
    void eachClientRefreshesOnItsOwn() {
        for (String due : List.of("loom", "jsonapi")) {
            String other = due.equals("loom") ? "jsonapi" : "loom";
            FakeAuthorizationServer dueServer = due.equals("loom") ? loom : jsonapi;
            FakeAuthorizationServer otherServer = due.equals("loom") ? jsonapi : loom;
            BrowserlessClient browser = signedIn();
            connect(browser, other, "/" + CONTEXT_ROOT + "/app/connections");
            Connections before = connections(browser);
            dueServer.tokensExpireIn(SHORT_LIFETIME);
            connect(browser, due, "/" + CONTEXT_ROOT + "/public/session-info"); // a page that reads no token
            Instant issued = Instant.now();
            String dueBefore = TokenBean.sha256(dueServer.lastAccessToken());
            dueServer.reset(); // its refreshed tokens last 300 s; counts from here
            otherServer.reset();
            awaitExpiry(issued.plusSeconds(SHORT_LIFETIME));

            Connections after = connections(browser);

            assertEquals(1, dueServer.refreshGrants(), due + " came due and refreshed");
            assertEquals(0, otherServer.refreshGrants(), other + ", not due, did not refresh when " + due + " did");
            assertTrue(after.get(due).present(), after::toString);
            assertNotEquals(dueBefore, after.get(due).tokenSha256(), due + "'s token was refreshed");
            assertEquals(before.get(other), after.get(other), other + "'s token is the same");
            assertEquals(before.signIn(), after.signIn(), "the sign-in's token is the same");
            assertEquals(after, connections(browser), "nothing refreshed again");
            assertEquals(List.of("TokenRefreshed " + due), events(browser).stream()
                    .filter(e -> e.startsWith("TokenRefreshed")).toList());
        }
    }

    /** RFC 9700 §4.4.2: a response of server A delivered at B's redirect URI is refused before any token request. */
    @Test
    void aCodeAndStateOfLoomAreRefusedAtJsonapisCallbackBeforeAnyTokenRequest() {
        BrowserlessClient browser = signedIn();
        HttpResponse<String> jsonStart = browser.get(base + "oauth/connect/jsonapi", BrowserlessClient.NAVIGATION);
        assertEquals(302, jsonStart.statusCode(), "jsonapi has a login pending too");
        URI loomCallback = callbackOf(browser, "loom");

        URI atJsonapi = URI.create(base + "oauth/callback/jsonapi?" + loomCallback.getRawQuery());
        HttpResponse<String> refused = browser.get(atJsonapi.toString(), BrowserlessClient.NAVIGATION);

        assertEquals(400, refused.statusCode(), refused.body());
        assertTrue(refused.body().contains("Unknown sign-in response"), refused.body());
        assertEquals("no-store", refused.headers().firstValue("Cache-Control").orElse(""));
        assertEquals(List.of(), loom.requests("/token"), "no token request at loom");
        assertEquals(List.of(), jsonapi.requests("/token"), "no token request at jsonapi");
        for (String secret : loom.secrets()) {
            assertFalse(refused.body().contains(secret), "no code or token on the page");
        }
        Connections connections = connections(browser);
        assertFalse(connections.loom().present() || connections.jsonapi().present(), connections::toString);

        // the refusal left loom's pending login alone: delivered where it belongs, the response completes
        HttpResponse<String> delivered = browser.get(loomCallback.toString(), BrowserlessClient.NAVIGATION);
        assertEquals(302, delivered.statusCode(), delivered.body());
        assertEquals(1, loom.requests("/token").size());
        assertTrue(connections(browser).loom().present());
    }

    /** RFC 9207 §2.4: an {@code iss} that names another server at a named client's callback is refused. */
    @Test
    void aWrongIssAtLoomsCallbackIsRefused() {
        BrowserlessClient browser = signedIn();
        URI callback = callbackOf(browser, "loom");
        Map<String, String> query = FakeAuthorizationServer.parseQuery(callback.getRawQuery());
        assertEquals(loom.issuer(), query.get("iss"), "fake A sends its iss");

        String wrongIss = callback.toString().replace("iss=" + enc(loom.issuer()), "iss=" + enc(jsonapi.issuer()));
        assertNotEquals(callback.toString(), wrongIss);
        HttpResponse<String> refused = browser.get(wrongIss, BrowserlessClient.NAVIGATION);

        assertEquals(400, refused.statusCode(), refused.body());
        assertEquals(List.of(), loom.requests("/token"), "no token request at loom");
        assertEquals(List.of(), jsonapi.requests("/token"), "no token request at jsonapi");
        Connections connections = connections(browser);
        assertFalse(connections.loom().present(), connections::toString);
        assertTrue(connections.signIn().present(), "still signed in");
    }

    @Test
    void aDeclinedConnectionShowsA403PageAndLeavesTheSignInIntact() {
        BrowserlessClient browser = signedIn();
        connect(browser, "loom", "/" + CONTEXT_ROOT + "/app/connections");
        Connections before = connections(browser);
        jsonapi.denyAuthorization("access_denied").authorizationErrorDescription("The user said no");

        Result declined = browser.navigate(base + "oauth/connect/jsonapi?return=" + enc("/" + CONTEXT_ROOT + "/app/connections"));

        assertEquals(403, declined.status(), () -> declined.hops() + "\n" + declined.body());
        assertTrue(declined.uri().getPath().endsWith("/oauth/callback/jsonapi"), declined.uri()::toString);
        assertTrue(declined.body().contains("declined"), declined.body());
        assertEquals("no-store", declined.response().headers().firstValue("Cache-Control").orElse(""));
        assertEquals(List.of(), jsonapi.requests("/token"));
        Connections after = connections(browser);
        assertEquals(before.signIn(), after.signIn(), "the Keycloak sign-in is intact");
        assertEquals(before.loom(), after.loom(), "loom stays connected");
        assertFalse(after.jsonapi().present(), after::toString);
        assertTrue(events(browser).contains("LoginFailed jsonapi"), "the failure names its client");
    }

    /** A page under {@code pkce.loom.protected-paths} starts loom's connection for a page, 401 for a script. */
    @Test
    void loomsProtectedPathsStartItsAuthorization() {
        BrowserlessClient browser = signedIn();

        HttpResponse<String> script = browser.get(base + "loom/page", BrowserlessClient.XHR);
        assertEquals(401, script.statusCode(), script.body());

        HttpResponse<String> page = browser.get(base + "loom/page", BrowserlessClient.NAVIGATION);
        assertEquals(302, page.statusCode(), page.body());
        String location = BrowserlessClient.location(page);
        assertTrue(location.startsWith(loom.issuer() + "/authorize?"), location);
        assertEquals(base + "oauth/callback/loom",
                FakeAuthorizationServer.parseQuery(URI.create(location).getRawQuery()).get("redirect_uri"));
        Result back = browser.follow(page, BrowserlessClient.NAVIGATION, new ArrayList<>());
        assertEquals(200, back.status(), () -> back.hops() + "\n" + back.body());
        assertEquals(base + "loom/page", back.uri().toString(), "back at the page first asked for");
        assertTrue(back.body().startsWith("{\"present\":true"), back.body());
        assertEquals(connections(browser).loom().tokenSha256(), Connections.token(back.body()).tokenSha256());
        assertEquals(200, browser.get(base + "loom/page", BrowserlessClient.XHR).statusCode(), "connected now");
    }

    /** {@code new BearerTokenFilter("loom")} sends loom's token, and only to loom's origins. */
    @Test
    void loomsBearerTokenFilterSendsLoomsTokenToLoomOnly() {
        BrowserlessClient browser = signedIn();
        connect(browser, "loom", "/" + CONTEXT_ROOT + "/app/connections");
        Connections connections = connections(browser);

        HttpResponse<String> api = browser.get(base + "app/rest/loom-api?url=" + enc(loom.issuer() + "/userinfo"),
                Map.of("Accept", "text/plain"));
        assertEquals(200, api.statusCode(), api.body());
        assertTrue(api.body().startsWith("200 "), api.body());
        String bearer = single(loom.requests("/userinfo")).header("Authorization");
        assertTrue(bearer.startsWith("Bearer "), bearer);
        assertEquals(connections.loom().tokenSha256(), TokenBean.sha256(bearer.substring(7)), "loom's token");

        HttpResponse<String> elsewhere = browser.get(base + "app/rest/loom-api?url="
                + enc(jsonapi.issuer() + "/userinfo"), Map.of("Accept", "text/plain"));
        assertTrue(elsewhere.body().startsWith("refused "), elsewhere.body());
        assertTrue(elsewhere.body().contains("pkce.loom.api-origins"), elsewhere.body());
        assertEquals(List.of(), jsonapi.requests("/userinfo"), "loom's token did not go to jsonapi");

        HttpResponse<String> signInToken = browser.get(base + "app/rest/api?url=" + enc(loom.issuer() + "/userinfo"),
                Map.of("Accept", "text/plain"));
        assertTrue(signInToken.body().startsWith("refused "), "the Keycloak token does not go to loom: "
                + signInToken.body());
        assertEquals(1, loom.requests("/userinfo").size());
    }

    @Test
    void logoutRevokesEveryClientsTokensAndEndsKeycloaksSessionOnly() {
        BrowserlessClient browser = signedInAndConnected();
        Connections connected = connections(browser);
        loom.reset();
        jsonapi.reset();

        HttpResponse<String> logout = browser.postForm(base + "oauth/logout", Map.of(),
                Map.of("Accept", "text/html", "Origin", origin()));

        assertEquals(302, logout.statusCode(), logout.body());
        String endSession = BrowserlessClient.location(logout);
        assertTrue(endSession.startsWith(KeycloakServer.forTests().issuer() + "/"), endSession);
        assertRevoked(loom, connected.loom(), LOOM_CLIENT_ID);
        assertRevoked(jsonapi, connected.jsonapi(), JSONAPI_CLIENT_ID);
        for (Recorded revocation : loom.requests("/revoke")) {
            assertEquals("client_secret_post", revocation.clientAuthentication(), "loom authenticates as at its token endpoint");
        }
        assertEquals(List.of(), loom.requests("/end-session"), "only the default client's server session ends");
        assertEquals(List.of(), jsonapi.requests("/end-session"));
        assertEquals(401, browser.get(base + "app/connections", BrowserlessClient.XHR).statusCode(), "signed out");
    }

    @Test
    void disconnectRevokesAndDropsOneClientAndACrossOriginDisconnectIsRefused() {
        BrowserlessClient browser = signedInAndConnected();
        Connections connected = connections(browser);
        loom.reset();
        jsonapi.reset();
        String disconnectLoom = base + "oauth/disconnect/loom?return=" + enc("/" + CONTEXT_ROOT + "/app/connections");

        HttpResponse<String> crossOrigin = browser.postForm(disconnectLoom, Map.of(),
                Map.of("Accept", "text/html", "Origin", "https://evil.example"));
        assertEquals(403, crossOrigin.statusCode(), crossOrigin.body());
        assertEquals(List.of(), loom.revocations());
        assertEquals(connected, connections(browser), "nothing changed");

        HttpResponse<String> disconnected = browser.postForm(disconnectLoom, Map.of(),
                Map.of("Accept", "text/html", "Origin", origin()));
        assertEquals(303, disconnected.statusCode(), disconnected.body());
        assertEquals("/" + CONTEXT_ROOT + "/app/connections",
                URI.create(base.toString()).resolve(BrowserlessClient.location(disconnected)).getPath());
        assertRevoked(loom, connected.loom(), LOOM_CLIENT_ID);
        assertEquals(List.of(), jsonapi.revocations(), "jsonapi's tokens stay");
        Connections after = connections(browser);
        assertFalse(after.loom().present(), after::toString);
        assertEquals(connected.jsonapi(), after.jsonapi());
        assertEquals(connected.signIn(), after.signIn());

        HttpResponse<String> toRoot = browser.postForm(base + "oauth/disconnect/jsonapi", Map.of(),
                Map.of("Accept", "text/html", "Origin", origin()));
        assertEquals(303, toRoot.statusCode(), toRoot.body());
        assertEquals(base.getPath(), URI.create(base.toString()).resolve(BrowserlessClient.location(toRoot)).getPath(),
                "no return: the context root");
        assertRevoked(jsonapi, connected.jsonapi(), JSONAPI_CLIENT_ID);
        assertTrue(connections(browser).signIn().present(), "still signed in");
    }

    /** Issue 15: the closing note gives the session size with two clients connected besides the sign-in. */
    @Test
    void theSessionWithTheSignInAndBothClientsConnected() {
        BrowserlessClient browser = signedIn();
        int signedIn = sessionBytes(browser);
        connect(browser, "loom", "/" + CONTEXT_ROOT + "/app/connections");
        connect(browser, "jsonapi", "/" + CONTEXT_ROOT + "/app/connections");
        int connected = sessionBytes(browser);

        System.out.println("SeveralServersIT: pkce-filter's session attributes: " + signedIn + " bytes signed in with"
                + " Keycloak (openid profile email, verified user), " + connected + " bytes with loom and jsonapi"
                + " (the fake's tokens and verified ID tokens) connected as well");
        assertTrue(connected > signedIn, "the connections are kept in the session");
        assertTrue(connected < 8192, connected + " bytes");
    }

    // ---- helpers

    private BrowserlessClient signedIn() {
        BrowserlessClient browser = new BrowserlessClient();
        Result page = browser.loginAtKeycloak(base + "app/connections", KeycloakServer.USER, KeycloakServer.PASSWORD);
        assertEquals(200, page.status(), () -> page.hops() + "\n" + page.body());
        Connections connections = Connections.parse(page.body());
        assertTrue(connections.signIn().present(), page.body());
        assertFalse(connections.loom().present() || connections.jsonapi().present(), page.body());
        return browser;
    }

    private BrowserlessClient signedInAndConnected() {
        BrowserlessClient browser = signedIn();
        connect(browser, "loom", "/" + CONTEXT_ROOT + "/app/connections");
        connect(browser, "jsonapi", "/" + CONTEXT_ROOT + "/app/connections");
        Connections connections = connections(browser);
        assertTrue(connections.loom().present() && connections.jsonapi().present(), connections::toString);
        return browser;
    }

    /**
     * Connects a client as a link on a page would: {@code GET /oauth/connect/<client>?return=…}, the fake's authorize
     * endpoint (which redirects straight back), the client's callback, and the return path, which must answer 200.
     */
    private Result connect(BrowserlessClient browser, String client, String returnPath) {
        Result result = browser.navigate(base + "oauth/connect/" + client + "?return=" + enc(returnPath));
        assertEquals(200, result.status(), () -> result.hops() + "\n" + result.body());
        assertEquals(base.getProtocol() + "://" + base.getAuthority() + returnPath, result.uri().toString(),
                () -> "back at the return path: " + result.hops());
        assertEquals(base.getPath() + "oauth/callback/" + client, result.hops().get(2).uri().getPath(),
                () -> "through the client's own callback: " + result.hops());
        return result;
    }

    /** The code that the fake's authorize endpoint sent to the callback in a {@link #connect}. */
    private static String codeIn(Result connected) {
        return FakeAuthorizationServer.parseQuery(connected.hops().get(2).uri().getRawQuery()).get("code");
    }

    /**
     * Starts a client's connection and lets its fake answer, but does not follow the fake's redirect: the callback
     * URL, with an unspent code and its state, as an attacker who took it would hold it.
     */
    private URI callbackOf(BrowserlessClient browser, String client) {
        HttpResponse<String> start = browser.get(base + "oauth/connect/" + client + "?return="
                + enc("/" + CONTEXT_ROOT + "/app/connections"), BrowserlessClient.NAVIGATION);
        assertEquals(302, start.statusCode(), start.body());
        HttpResponse<String> authorized = browser.follow(start);
        assertEquals(302, authorized.statusCode(), authorized.body());
        URI callback = authorized.uri().resolve(BrowserlessClient.location(authorized));
        assertEquals(base.getPath() + "oauth/callback/" + client, callback.getPath());
        return callback;
    }

    private Connections connections(BrowserlessClient browser) {
        HttpResponse<String> answer = browser.get(base + "app/connections", BrowserlessClient.XHR);
        assertEquals(200, answer.statusCode(), answer.body());
        return Connections.parse(answer.body());
    }

    private List<String> events(BrowserlessClient browser) {
        String body = browser.get(base + "public/client-events", Map.of()).body();
        return body.isEmpty() ? List.of() : List.of(body.split("\n"));
    }

    private int sessionBytes(BrowserlessClient browser) {
        String size = browser.get(base + "public/session-size", BrowserlessClient.XHR).body();
        Matcher bytes = Pattern.compile("\"bytes\":(\\d+)").matcher(size);
        assertTrue(bytes.find(), size);
        return Integer.parseInt(bytes.group(1));
    }

    /** The fake received exactly the revocation of the client's live refresh token and of its access token (RFC 7009). */
    private static void assertRevoked(FakeAuthorizationServer fake, Token token, String clientId) {
        List<Revocation> revocations = fake.revocations();
        assertEquals(2, revocations.size(), revocations::toString);
        Revocation refresh = revocations.stream().filter(r -> "refresh_token".equals(r.hint())).findFirst()
                .orElseThrow(() -> new AssertionError("no refresh token revoked: " + revocations));
        Revocation access = revocations.stream().filter(r -> "access_token".equals(r.hint())).findFirst()
                .orElseThrow(() -> new AssertionError("no access token revoked: " + revocations));
        assertTrue(refresh.token().startsWith("rt-") && refresh.wasLive(), "the live refresh token");
        assertTrue(access.wasLive(), "the live access token");
        assertEquals(token.tokenSha256(), TokenBean.sha256(access.token()), "the client's own access token");
        assertEquals(clientId, refresh.clientId());
        assertEquals(clientId, access.clientId());
    }

    /**
     * Waits until the clock passed {@code expiry} (application and test share the machine's clock), instead of
     * sleeping a guessed time.
     *
     * @return the first instant seen after it
     */
    private static Instant awaitExpiry(Instant expiry) {
        return Await.until("the tokens expired at " + expiry, Duration.ofSeconds(SHORT_LIFETIME + 10), Instant::now,
                now -> now.isAfter(expiry.plusMillis(50)));
    }

    private String origin() {
        return base.getProtocol() + "://" + base.getAuthority();
    }

    private static Recorded single(List<Recorded> requests) {
        assertEquals(1, requests.size(), () -> requests.size() + " requests: "
                + requests.stream().map(r -> r.method() + " " + r.path()).toList());
        return requests.get(0);
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }


    /** What {@code /app/connections} says of one token. */
    record Token(boolean present, String tokenSha256, String expiresAt) {
    }

    /** What {@code /app/connections} answered. */
    record Connections(Token signIn, Token loom, Token jsonapi) {

        private static final Pattern TOKEN = Pattern.compile(
                "\\{\"present\":(true|false),\"tokenSha256\":\"([0-9a-f]*)\",\"expiresAt\":\"([^\"]*)\"}");

        Token get(String client) {
            return switch (client) {
                case "loom" -> loom;
                case "jsonapi" -> jsonapi;
                default -> throw new IllegalArgumentException(client);
            };
        }

        static Connections parse(String json) {
            return new Connections(member(json, "signIn"), member(json, "loom"), member(json, "jsonapi"));
        }

        /** @return the token facts of a {@code {"present":…}} object */
        static Token token(String json) {
            Matcher m = TOKEN.matcher(json);
            if (!m.lookingAt()) {
                throw new AssertionError("not token facts: " + json);
            }
            return new Token(Boolean.parseBoolean(m.group(1)), m.group(2), m.group(3));
        }

        private static Token member(String json, String name) {
            int at = json.indexOf("\"" + name + "\":{");
            if (at < 0) {
                throw new AssertionError("no " + name + " in " + json);
            }
            return token(json.substring(at + name.length() + 3));
        }
    }
}
