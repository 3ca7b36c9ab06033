package dev.pkcefilter.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.pkcefilter.it.support.AgainstFakeServer;
import dev.pkcefilter.it.support.BrowserlessClient;
import dev.pkcefilter.it.support.FakeAuthorizationServer;
import dev.pkcefilter.it.support.FakeAuthorizationServer.Recorded;
import dev.pkcefilter.it.support.TestWars;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Pushed authorization requests (RFC 9126) against the fake server, which requires them
 * ({@code require_pushed_authorization_requests}): with {@code pkce.par} at its default ({@code auto}) a confidential
 * client pushes every parameter with its Basic credentials, the browser carries only {@code client_id} and
 * {@code request_uri}, and refresh and logout work as before; a PAR endpoint that fails or is slow gives a 502 or 504
 * page; a further client with {@code pkce.<name>.par=never} is refused by the server, which the user sees.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ParIT extends AgainstFakeServer {

    private static final String SECRET = "p4r-s3cr3t:/+ &%";

    ParIT() {
        super("par");
    }

    @Deployment(testable = false)
    static WebArchive app() throws Exception {
        fake = new FakeAuthorizationServer();
        fake.requireClientSecret(SECRET).requirePar(true);
        return TestWars.tokenApp("par.war", Map.ofEntries(
                Map.entry("pkce.issuer", fake.issuer()),
                Map.entry("pkce.client-id", "par app"),
                Map.entry("pkce.client-secret", SECRET),
                Map.entry("pkce.scope", "openid"),
                Map.entry("pkce.authorize-params", "prompt=login"),
                Map.entry("pkce.protected-paths", "/app/*"),
                Map.entry("pkce.refresh-skew", "PT5S"),
                Map.entry("pkce.http-timeout", "PT2S"),
                Map.entry("pkce.clients", "legacy"),
                Map.entry("pkce.legacy.issuer", fake.issuer()),
                Map.entry("pkce.legacy.client-id", "legacy-app"),
                Map.entry("pkce.legacy.client-secret", SECRET),
                Map.entry("pkce.legacy.par", "never")));
    }

    @BeforeEach
    void resetFake() {
        fake.reset();
    }

    @Test
    void signsInThroughAPushedRequestThenRefreshesAndLogsOutAsBefore() throws Exception {
        BrowserlessClient browser = new BrowserlessClient();
        fake.tokensExpireIn(2); // due for refresh after half its lifetime, a second
        BrowserlessClient.Result login = browser.navigate(base + "app/servlet");
        assertEquals(200, login.status(), login.hops() + "\n" + login.body());
        assertTrue(login.body().startsWith("{\"present\":true"), login.body());

        List<Recorded> pushes = fake.requests("/par");
        assertEquals(1, pushes.size());
        Recorded push = pushes.get(0);
        assertEquals("POST", push.method());
        assertEquals("application/x-www-form-urlencoded", push.header("Content-Type"));
        assertEquals("Basic " + Base64.getEncoder().encodeToString(
                "par+app:p4r-s3cr3t%3A%2F%2B+%26%25".getBytes(StandardCharsets.UTF_8)), push.header("Authorization"));
        Map<String, String> pushed = push.form();
        assertEquals(List.of("response_type", "client_id", "redirect_uri", "scope", "state", "code_challenge",
                "code_challenge_method", "nonce", "prompt"), List.copyOf(pushed.keySet()));
        assertEquals("code", pushed.get("response_type"));
        assertEquals("par app", pushed.get("client_id"));
        assertEquals(base + "oauth/callback", pushed.get("redirect_uri"));
        assertEquals("S256", pushed.get("code_challenge_method"));
        assertFalse(push.body().contains("p4r-s3cr3t"), "Basic keeps the secret out of the body");

        List<Recorded> authorize = fake.requests("/authorize");
        assertEquals(1, authorize.size());
        Map<String, String> query = authorize.get(0).queryParameters();
        assertEquals(Set.of("client_id", "request_uri"), query.keySet(), "RFC 9126 §4: nothing else in the URL");
        assertEquals("par app", query.get("client_id"));
        assertTrue(query.get("request_uri").startsWith("urn:ietf:params:oauth:request_uri:"), query.toString());

        Recorded token = fake.requests("/token").get(0);
        assertEquals(pushed.get("code_challenge"), FakeAuthorizationServer.s256(token.form().get("code_verifier")));
        assertEquals(pushed.get("redirect_uri"), token.form().get("redirect_uri"));

        // the request_uri is spent: the same authorization URL again is refused by the server
        URI authorizeUrl = login.hops().get(1).uri();
        assertTrue(authorizeUrl.toString().startsWith(fake.issuer() + "/authorize?"), login.hops().toString());
        HttpResponse<String> again = browser.get(authorizeUrl.toString(), BrowserlessClient.NAVIGATION);
        assertEquals(400, again.statusCode(), again.body());

        // refresh, unchanged
        String before = login.body();
        Thread.sleep(1_200); // the token comes due: a refresh needs the clock to move, nothing to await
        fake.tokensExpireIn(300);
        HttpResponse<String> refreshed = browser.get(base + "app/servlet", BrowserlessClient.XHR);
        assertEquals(200, refreshed.statusCode(), refreshed.body());
        assertEquals(1, fake.refreshGrants());
        assertNotEquals(before, refreshed.body(), "a new access token");
        assertEquals(1, fake.requests("/par").size(), "a refresh pushes nothing");

        // logout, unchanged
        HttpResponse<String> logout = browser.postForm(base + "oauth/logout", Map.of(),
                Map.of("Accept", "text/html", "Origin", base.getProtocol() + "://" + base.getHost() + ":"
                        + base.getPort()));
        assertEquals(302, logout.statusCode(), logout.body());
        assertTrue(BrowserlessClient.location(logout).startsWith(fake.issuer() + "/end-session?"));
        assertEquals(2, fake.revocations().size());
        assertEquals(401, browser.get(base + "app/servlet", BrowserlessClient.XHR).statusCode(), "signed out");
    }

    @Test
    void aPushTheServerRefusesIsA502PageAndTheBrowserNeverGoesThere() {
        fake.answerParWith(400, "{\"error\":\"invalid_request\",\"error_description\":\"redirect_uri not allowed\"}");
        BrowserlessClient browser = new BrowserlessClient();

        BrowserlessClient.Result page = browser.navigate(base + "app/servlet");

        assertEquals(502, page.status(), page.body());
        assertTrue(page.body().contains("Sign-in could not be started"), page.body());
        assertTrue(page.body().contains("invalid_request: redirect_uri not allowed"), page.body());
        assertEquals(List.of(), fake.requests("/authorize"));
        assertEquals(1, fake.requests("/par").size());
        for (String secret : fake.secrets()) {
            assertFalse(page.body().contains(secret), "no secret on the page");
        }
    }

    @Test
    void aPushThatFailsOrIsSlowIsA502Or504Page() {
        BrowserlessClient browser = new BrowserlessClient();
        fake.answerParWith(500, "<html><body>down</body></html>");
        assertEquals(502, browser.navigate(base + "app/servlet").status());
        fake.answerParWith(0, null).parTakes(3_000); // pkce.http-timeout is PT2S
        BrowserlessClient.Result slow = browser.navigate(base + "app/servlet");
        assertEquals(504, slow.status(), slow.body());
        assertTrue(slow.body().contains("did not answer in time"), slow.body());
        assertEquals(List.of(), fake.requests("/authorize"));
        fake.parTakes(0);
        assertEquals(200, browser.navigate(base + "app/servlet").status(), "the next login goes through");
    }

    @Test
    void aClientWithParNeverIsRefusedByAServerThatRequiresIt() {
        BrowserlessClient browser = new BrowserlessClient();

        BrowserlessClient.Result connect = browser.navigate(base + "oauth/connect/legacy?return=/par/app/servlet");

        assertEquals(401, connect.status(), connect.hops() + "\n" + connect.body());
        assertTrue(connect.body().contains("invalid_request: Pushed authorization request required"),
                connect.body());
        assertEquals(List.of(), fake.requests("/par"));
        Map<String, String> query = fake.requests("/authorize").get(0).queryParameters();
        assertTrue(query.containsKey("code_challenge") && !query.containsKey("request_uri"), query.toString());
        assertEquals(List.of(), fake.requests("/token"));
    }
}
