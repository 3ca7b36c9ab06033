package dev.pkcefilter.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.pkcefilter.it.support.BrowserlessClient;
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

    /** pkce.refresh-skew of the deployment: a token is refreshed this long before it expires. */
    private static final int SKEW_SECONDS = 5;

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
        fake.tokensExpireIn(SKEW_SECONDS + 1); // due for refresh a second after login
        BrowserlessClient browser = signedIn();
        String before = tokenHash(browser);
        Thread.sleep(1_500);
        fake.tokensExpireIn(300);
        fake.refreshesTake(500); // the others arrive while the first refresh is under way

        List<HttpResponse<String>> answers = concurrently(concurrent,
                () -> browser.get(base + "app/servlet", BrowserlessClient.XHR));

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
        fake.tokensExpireIn(SKEW_SECONDS + 1);
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
     * A first refusal may be a race lost to another node of a cluster (TokenRefresher): the tokens are kept and the
     * still valid token used; refused again after the grace (5 s), the tokens are dropped and the user signs in again.
     */
    @Test
    void aRefusedRefreshSignsTheUserOutWhenRefusedAgainAfterTheGrace() throws Exception {
        fake.tokensExpireIn(SKEW_SECONDS + 1);
        BrowserlessClient browser = signedIn();
        Thread.sleep(1_200);
        fake.refuseRefreshesWith("invalid_grant");

        HttpResponse<String> first = browser.get(base + "app/servlet", BrowserlessClient.XHR);
        assertEquals(200, first.statusCode(), "the still valid token: " + first.body());
        assertEquals(200, browser.get(base + "app/servlet", BrowserlessClient.XHR).statusCode());
        assertEquals(1, fake.refreshGrants(), "not asked again during the grace");
        Thread.sleep(5_200);
        assertEquals(401, browser.get(base + "app/servlet", BrowserlessClient.XHR).statusCode());
        assertEquals(2, fake.refreshGrants());
        HttpResponse<String> page = browser.get(base + "app/servlet", BrowserlessClient.NAVIGATION);
        assertEquals(302, page.statusCode(), "a navigation starts a new login");
        assertTrue(BrowserlessClient.location(page).startsWith(fake.issuer() + "/authorize?"));
        assertEquals(2, fake.refreshGrants(), "the dropped tokens are not refreshed again");
        assertTrue(browser.get(base + "public/events", Map.of()).body().endsWith("RefreshFailed refused=true"));
    }

    @Test
    void aServerThatIsDownLeavesAValidTokenInUse() throws Exception {
        fake.tokensExpireIn(SKEW_SECONDS + 3); // due for refresh, still valid for a few seconds
        BrowserlessClient browser = signedIn();
        String before = tokenHash(browser);
        Thread.sleep(1_200);
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

    private static <T> List<T> concurrently(int count, Callable<T> call) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(count);
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                futures.add(pool.submit(call));
            }
            List<T> results = new ArrayList<>();
            for (Future<T> future : futures) {
                results.add(future.get(30, TimeUnit.SECONDS));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }
}
