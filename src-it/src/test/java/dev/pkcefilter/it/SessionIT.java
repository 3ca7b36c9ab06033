package dev.pkcefilter.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.pkcefilter.it.support.AgainstFakeServer;
import dev.pkcefilter.it.support.BrowserlessClient;
import dev.pkcefilter.it.support.FakeAuthorizationServer;
import dev.pkcefilter.it.support.TestWars;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The session and its cookie: the pending-login store stays bounded (10 entries, a small serialized size) however
 * many logins one session starts, and the session cookie carries the attributes README.md recommends
 * ({@code Secure; HttpOnly; SameSite=Lax}, set by {@link TestWars#SESSION_CONFIG}). The session id's change at
 * login is asserted by {@code PublicClientIT.loginSendsTheVerifierOfTheChallengeAndTheSameRedirectUri}.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class SessionIT extends AgainstFakeServer {

    SessionIT() {
        super("session");
    }

    private static final int LOGINS = 10_000;
    private static final int MAX_PENDING = 10;
    private static final Pattern BYTES = Pattern.compile("\\{\"bytes\":(\\d+),\"attributes\":(\\d+)}");

    @Deployment(testable = false)
    static WebArchive app() throws Exception {
        fake = new FakeAuthorizationServer();
        return TestWars.tokenApp("session.war", Map.of(
                "pkce.issuer", fake.issuer(),
                "pkce.client-id", "session-app",
                "pkce.scope", "openid profile",
                "pkce.protected-paths", "/app/*"));
    }

    @BeforeEach
    void resetFake() {
        fake.reset();
    }

    @Test
    @Timeout(value = 15, unit = TimeUnit.MINUTES) // a bound, not a measurement
    void tenThousandLoginsInOneSessionKeepTheTenMostRecentAndASmallSession() {
        BrowserlessClient browser = new BrowserlessClient();
        List<String> authorizeUrls = new ArrayList<>(LOGINS);
        long started = System.nanoTime();
        for (int i = 0; i < LOGINS; i++) {
            HttpResponse<String> response = browser.get(base + "app/servlet?n=" + i, BrowserlessClient.NAVIGATION);
            assertEquals(302, response.statusCode(), response.body());
            authorizeUrls.add(BrowserlessClient.location(response));
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        int bytesAfterTenThousand = pkceSessionBytes(browser);
        System.out.printf(Locale.ROOT, "SessionIT: %d logins started in one session in %.1f s; serialized pkce session"
                + " attributes afterwards: %d bytes%n", LOGINS, seconds, bytesAfterTenThousand);

        for (int older : List.of(0, 1, LOGINS / 2, LOGINS - MAX_PENDING - 1)) {
            HttpResponse<String> callback = callbackOf(browser, authorizeUrls.get(older));
            assertEquals(400, callback.statusCode(), "login " + older + ": " + callback.body());
            assertTrue(callback.body().contains("Unknown sign-in response"), callback.body());
        }
        assertEquals(bytesAfterTenThousand, pkceSessionBytes(browser), "a refused callback leaves the session as it was");
        assertTrue(fake.requests("/token").isEmpty(), "no code of an older login was exchanged");

        int bytesSignedInWithPending = 0;
        for (int recent = LOGINS - MAX_PENDING; recent < LOGINS; recent++) {
            HttpResponse<String> callback = callbackOf(browser, authorizeUrls.get(recent));
            assertEquals(302, callback.statusCode(), "login " + recent + ": " + callback.body());
            assertEquals(base.getPath() + "app/servlet?n=" + recent, BrowserlessClient.location(callback));
            bytesSignedInWithPending = Math.max(bytesSignedInWithPending, pkceSessionBytes(browser));
        }
        assertEquals(MAX_PENDING, fake.requests("/token").size(), "each of the ten most recent logins completed");

        BrowserlessClient ten = new BrowserlessClient();
        for (int i = 0; i < MAX_PENDING; i++) {
            ten.get(base + "app/servlet?n=" + (LOGINS - MAX_PENDING + i), BrowserlessClient.NAVIGATION);
        }
        int bytesAfterTen = pkceSessionBytes(ten);
        System.out.printf(Locale.ROOT, "SessionIT: serialized pkce session attributes: %d bytes after %d logins started,"
                + " %d after %d, at most %d while signed in with logins still pending%n",
                bytesAfterTen, MAX_PENDING, bytesAfterTenThousand, LOGINS, bytesSignedInWithPending);
        assertTrue(bytesAfterTenThousand <= bytesAfterTen + 64,
                "10,000 logins take no more room than 10: " + bytesAfterTenThousand + " vs " + bytesAfterTen);
        assertTrue(bytesAfterTenThousand < 8 * 1024, bytesAfterTenThousand + " bytes");
    }

    @Test
    void theSessionOfASignedInUserIsSmallWithAndWithoutARefreshToken() {
        BrowserlessClient withRefresh = signedIn();
        int bytesWithRefresh = pkceSessionBytes(withRefresh);
        fake.issueRefreshTokens(false);
        BrowserlessClient withoutRefresh = signedIn();
        int bytesWithoutRefresh = pkceSessionBytes(withoutRefresh);
        System.out.printf(Locale.ROOT, "SessionIT: serialized pkce session attributes of a signed-in session: %d bytes"
                + " with a refresh token, %d without%n", bytesWithRefresh, bytesWithoutRefresh);
        assertTrue(bytesWithoutRefresh < bytesWithRefresh, "the refresh token is kept only when there is one");
        assertTrue(bytesWithRefresh < 8 * 1024, bytesWithRefresh + " bytes");
    }

    @Test
    void theSessionCookieIsSecureHttpOnlyAndSameSiteLaxBeforeAndAfterLogin() {
        BrowserlessClient browser = new BrowserlessClient();
        HttpResponse<String> toAuthorize = browser.get(base + "app/servlet", BrowserlessClient.NAVIGATION);
        assertSessionCookie(toAuthorize, "the session a login starts");
        assertTrue(BrowserlessClient.location(toAuthorize).startsWith(fake.issuer() + "/authorize?"));
        HttpResponse<String> callback = callbackOf(browser, BrowserlessClient.location(toAuthorize));
        assertEquals(302, callback.statusCode(), callback.body());
        assertSessionCookie(callback, "the new session id of the login");
        assertEquals(200, browser.get(base + "app/servlet", BrowserlessClient.XHR).statusCode(),
                "the client sends the Secure cookie back to http://" + base.getHost() + ", as a browser does on loopback");
    }

    private static void assertSessionCookie(HttpResponse<String> response, String what) {
        List<String> cookies = response.headers().allValues("Set-Cookie").stream()
                .filter(c -> c.startsWith("JSESSIONID=")).toList();
        assertEquals(1, cookies.size(), what + ": " + response.headers().allValues("Set-Cookie"));
        List<String> attributes = List.of(cookies.get(0).split("\\s*;\\s*")).stream()
                .map(a -> a.toLowerCase(Locale.ROOT)).toList();
        System.out.println("SessionIT: " + what + ": Set-Cookie attributes " + attributes.subList(1, attributes.size()));
        assertTrue(attributes.contains("secure"), what + ": " + cookies);
        assertTrue(attributes.contains("httponly"), what + ": " + cookies);
        assertTrue(attributes.contains("samesite=lax"), what + ": " + cookies);
    }

    /** Lets the fake approve a login and brings its answer to the application's callback. */
    private static HttpResponse<String> callbackOf(BrowserlessClient browser, String authorizeUrl) {
        HttpResponse<String> toCallback = browser.get(authorizeUrl, BrowserlessClient.NAVIGATION);
        assertEquals(302, toCallback.statusCode(), toCallback.body());
        return browser.follow(toCallback);
    }

    private BrowserlessClient signedIn() {
        BrowserlessClient browser = new BrowserlessClient();
        HttpResponse<String> page = browser.navigate(base + "app/servlet").response();
        assertEquals(200, page.statusCode(), page.body());
        return browser;
    }

    /** The serialized size of pkce-filter's session attributes. */
    private int pkceSessionBytes(BrowserlessClient browser) {
        HttpResponse<String> response = browser.get(base + "public/session-size", Map.of());
        Matcher m = BYTES.matcher(response.body());
        assertTrue(m.matches(), response.body());
        assertTrue(Integer.parseInt(m.group(2)) > 0, "pkce-filter's attributes are there: " + response.body());
        return Integer.parseInt(m.group(1));
    }
}
