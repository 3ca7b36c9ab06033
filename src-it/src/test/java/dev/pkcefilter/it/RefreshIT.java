package dev.pkcefilter.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import dev.pkcefilter.it.support.BrowserlessClient;
import dev.pkcefilter.it.support.Concurrently;
import dev.pkcefilter.it.support.AgainstFakeServer;
import dev.pkcefilter.it.support.FakeAuthorizationServer;
import dev.pkcefilter.it.support.TestWars;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Token refresh against the fake server, which rotates refresh tokens (an old one is refused) and counts grants:
 * once per session under concurrency, rotation, refusal, and a server that is down.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class RefreshIT extends AgainstFakeServer {

    RefreshIT() {
        super("refresh");
    }

    /**
     * pkce.refresh-skew of the deployment: a token is refreshed this long before it expires, or half its lifetime
     * before when that is shorter.
     */
    private static final int SKEW_SECONDS = 5;

    /** A lifetime whose token is due for refresh a second after it is issued (half of it), and valid for two. */
    private static final int DUE_AFTER_A_SECOND = 2;

    @Deployment(testable = false)
    static WebArchive app() throws Exception {
        fake = new FakeAuthorizationServer();
        return TestWars.tokenApp("refresh.war", Map.of(
                "pkce.issuer", fake.issuer(),
                "pkce.client-id", "refresh-app",
                "pkce.protected-paths", "/app/*",
                "pkce.refresh-skew", "PT" + SKEW_SECONDS + "S",
                "pkce.http-timeout", "PT2S"));
    }

    @BeforeEach
    void resetFake() {
        fake.reset();
        new BrowserlessClient().get(base + "public/events", Map.of()); // forget earlier tests' events
    }

    @Test
    void fiftyConcurrentRequestsOfOneSessionMakeExactlyOneRefreshRequest() throws Exception {
        assertOneRefreshFor(50);
    }

    @Test
    void twoHundredConcurrentRequestsOfOneSessionMakeExactlyOneRefreshRequest() throws Exception {
        assertOneRefreshFor(200);
    }

    private void assertOneRefreshFor(int concurrent) throws Exception {
        fake.tokensExpireIn(DUE_AFTER_A_SECOND);
        BrowserlessClient browser = signedIn();
        String before = tokenHash(browser);
        Thread.sleep(1_200);
        fake.tokensExpireIn(300);
        fake.refreshesTake(500); // the others arrive while the first refresh is under way

        List<HttpResponse<String>> answers = Concurrently.run(concurrent,
                i -> browser.get(base + "app/servlet", BrowserlessClient.XHR));

        for (HttpResponse<String> answer : answers) {
            assertEquals(200, answer.statusCode(), answer.body());
        }
        System.out.println("RefreshIT: " + concurrent + " concurrent requests of one session, refresh requests: "
                + fake.refreshGrants());
        assertEquals(1, fake.refreshGrants(), "refresh requests for " + concurrent + " concurrent requests of one session");
        String after = tokenHash(browser);
        assertNotEquals(before, after, "a new access token after the refresh");
        answers.forEach(a -> assertTrue(a.body().contains(after), "every request used the new token"));
    }

    @Test
    void aRotatedRefreshTokenIsUsedAndTheOldOneNeverAgain() throws Exception {
        fake.tokensExpireIn(DUE_AFTER_A_SECOND);
        BrowserlessClient browser = signedIn();
        for (int round = 1; round <= 3; round++) {
            Thread.sleep(1_200);
            assertEquals(200, browser.get(base + "app/servlet", BrowserlessClient.XHR).statusCode());
            assertEquals(round, fake.refreshGrants());
        }
        assertEquals(0, fake.refusedRefreshes(), "an old (rotated) refresh token was sent again");
        String events = browser.get(base + "public/events", Map.of()).body();
        assertEquals(3, events.lines().filter(l -> l.startsWith("TokenRefreshed ")).count(), events);
    }

    /**
     * The server ended the user's session (a logout elsewhere, an SSO timeout, an admin): on a server that is not
     * part of a cluster (this WAR is not distributable) the refused refresh is final at once. A script gets 401, the
     * next page navigation a new login, never a 503.
     */
    @Test
    void aRefusedRefreshSignsTheUserOutAtOnce() throws Exception {
        fake.tokensExpireIn(DUE_AFTER_A_SECOND);
        BrowserlessClient browser = signedIn();
        Thread.sleep(1_200);
        fake.refuseRefreshesWith("invalid_grant");

        HttpResponse<String> script = browser.get(base + "app/servlet", BrowserlessClient.XHR);
        assertEquals(401, script.statusCode(), script.body());
        assertEquals(1, fake.refreshGrants());
        HttpResponse<String> page = browser.get(base + "app/servlet", BrowserlessClient.NAVIGATION);
        assertEquals(302, page.statusCode(), "a navigation starts a new login");
        assertTrue(BrowserlessClient.location(page).startsWith(fake.issuer() + "/authorize?"));
        assertEquals(1, fake.refreshGrants(), "the dropped tokens are not refreshed again");
        assertTrue(browser.get(base + "public/events", Map.of()).body().endsWith("RefreshFailed refused=true"));
    }

    @Test
    void aRefusedRefreshSendsAPageNavigationToSignInAtOnce() throws Exception {
        fake.tokensExpireIn(1);
        BrowserlessClient browser = signedIn();
        Thread.sleep(1_200); // expired
        fake.refuseRefreshesWith("invalid_grant");

        HttpResponse<String> page = browser.get(base + "app/servlet", BrowserlessClient.NAVIGATION);
        assertEquals(302, page.statusCode(), page.body());
        assertTrue(BrowserlessClient.location(page).startsWith(fake.issuer() + "/authorize?"));
        assertEquals(1, fake.refreshGrants());
    }

    @Test
    void aServerThatIsDownLeavesAValidTokenInUse() throws Exception {
        fake.tokensExpireIn(2 * SKEW_SECONDS); // due for refresh after 5 s, still valid for 5 more
        BrowserlessClient browser = signedIn();
        String before = tokenHash(browser);
        Thread.sleep(SKEW_SECONDS * 1_000 + 200);
        fake.pause();
        try {
            HttpResponse<String> answer = browser.get(base + "app/servlet", BrowserlessClient.XHR);
            assertEquals(200, answer.statusCode(), answer.body());
            assertTrue(answer.body().contains(before), "the old, still valid token");
        } finally {
            fake.resume();
        }
    }

    @Test
    void aServerThatIsDownWithAnExpiredTokenGives503ToScriptsAndALoginToPages() throws Exception {
        fake.tokensExpireIn(1);
        BrowserlessClient browser = signedIn();
        Thread.sleep(1_500);
        fake.pause();
        try {
            HttpResponse<String> script = browser.get(base + "app/servlet", BrowserlessClient.XHR);
            assertEquals(503, script.statusCode(), script.body());
            HttpResponse<String> page = browser.get(base + "app/servlet", BrowserlessClient.NAVIGATION);
            assertEquals(302, page.statusCode());
            assertTrue(BrowserlessClient.location(page).startsWith(fake.issuer() + "/authorize?"));
        } finally {
            fake.resume();
        }
    }

    private BrowserlessClient signedIn() {
        BrowserlessClient browser = new BrowserlessClient();
        HttpResponse<String> page = browser.navigate(base + "app/servlet").response();
        assertEquals(200, page.statusCode(), page.body());
        return browser;
    }

    private String tokenHash(BrowserlessClient browser) {
        String body = browser.get(base + "app/rest/token", Map.of("Accept", "text/plain")).body();
        assertEquals(64, body.length(), body);
        return body;
    }

}
