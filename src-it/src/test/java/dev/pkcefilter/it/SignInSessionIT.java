package dev.pkcefilter.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Map;
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
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The session a login runs and ends in (issue 12 items 7 and 9): a session that pkce-filter made for a cookieless
 * navigation lives for {@code pkce.login-timeout} until the sign-in completes, then for the application's session
 * timeout; a person who signs in after someone else in the same browser gets a fresh session, without the previous
 * person's application state, while a session in which nobody signed in yet keeps its attributes.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class SignInSessionIT extends AgainstFakeServer {

    SignInSessionIT() {
        super("signin");
    }

    private static final int LOGIN_TIMEOUT_SECONDS = 120;
    private static final Pattern INFO = Pattern.compile("\\{\"session\":(true|false),\"cart\":(null|\"[^\"]*\"),"
            + "\"maxInactiveInterval\":(-?\\d+),\"applicationTimeout\":(-?\\d+)}");

    @Deployment(testable = false)
    static WebArchive app() throws Exception {
        fake = new FakeAuthorizationServer();
        return TestWars.tokenApp("signin.war", Map.of(
                "pkce.issuer", fake.issuer(),
                "pkce.client-id", "signin-app",
                "pkce.protected-paths", "/app/*",
                "pkce.login-timeout", "PT2M"));
    }

    @BeforeEach
    void resetFake() {
        fake.reset();
    }

    /** What the application sees of its session. */
    private record Info(boolean session, String cart, int maxInactiveInterval, int applicationTimeout) {
    }

    private Info info(BrowserlessClient browser, String query) {
        HttpResponse<String> response = browser.get(base + "public/session-info" + query, BrowserlessClient.XHR);
        assertEquals(200, response.statusCode(), response.body());
        Matcher m = INFO.matcher(response.body());
        assertTrue(m.matches(), response.body());
        return new Info(Boolean.parseBoolean(m.group(1)), m.group(2).equals("null") ? null
                : m.group(2).substring(1, m.group(2).length() - 1), Integer.parseInt(m.group(3)),
                Integer.parseInt(m.group(4)));
    }

    @Test
    void aSessionMadeForAPendingLoginLivesForTheLoginTimeoutThenForTheApplicationsTimeout() {
        BrowserlessClient browser = new BrowserlessClient();

        HttpResponse<String> toAuthorize = browser.get(base + "app/servlet", BrowserlessClient.NAVIGATION);
        assertEquals(302, toAuthorize.statusCode(), toAuthorize.body());
        Info pending = info(browser, "");
        assertTrue(pending.session(), "the navigation made a session for its pending login");
        assertEquals(LOGIN_TIMEOUT_SECONDS, pending.maxInactiveInterval(), "pkce.login-timeout while it is pending");
        assertTrue(pending.applicationTimeout() > LOGIN_TIMEOUT_SECONDS, "the application's timeout differs: "
                + pending);

        BrowserlessClient.Result signedIn = browser.follow(toAuthorize, BrowserlessClient.NAVIGATION, new ArrayList<>());
        assertEquals(200, signedIn.status(), signedIn.hops()::toString);
        Info after = info(browser, "");
        assertEquals(after.applicationTimeout(), after.maxInactiveInterval(), "the application's timeout after sign-in");
    }

    @Test
    void theApplicationsOwnSessionKeepsItsTimeoutAndItsAttributesAcrossSignIn() {
        BrowserlessClient browser = new BrowserlessClient();
        Info before = info(browser, "?cart=three-books"); // the application made the session
        String sessionBefore = browser.sessionId();

        HttpResponse<String> toAuthorize = browser.get(base + "app/servlet", BrowserlessClient.NAVIGATION);
        assertEquals(before.applicationTimeout(), info(browser, "").maxInactiveInterval(),
                "not shortened while the login is pending: the application made this session");
        BrowserlessClient.Result signedIn = browser.follow(toAuthorize, BrowserlessClient.NAVIGATION, new ArrayList<>());
        assertEquals(200, signedIn.status(), signedIn.hops()::toString);

        Info after = info(browser, "");
        assertEquals("three-books", after.cart(), "a shopping cart survives sign-in");
        assertEquals(after.applicationTimeout(), after.maxInactiveInterval());
        assertNotEquals(sessionBefore, browser.sessionId(), "a new session id at login");
    }

    @Test
    void anotherPersonSigningInAfterTheFirstOnesTokensWereDroppedDoesNotSeeTheirState() throws Exception {
        BrowserlessClient browser = new BrowserlessClient();
        fake.tokensExpireIn(2); // due for refresh a second after sign-in (half its lifetime)
        signIn(browser, "alice");
        assertEquals("alices-books", info(browser, "?cart=alices-books").cart());

        fake.refuseRefreshesWith("invalid_grant"); // the server ended alice's session: her tokens are dropped
        Thread.sleep(1_200); // the token's own clock: due for refresh now
        assertEquals(401, browser.get(base + "app/servlet", BrowserlessClient.XHR).statusCode(),
                "the refused refresh dropped the tokens at once (the application is not distributable)");
        assertEquals("alices-books", info(browser, "").cart(), "dropping the tokens keeps the session");
        String alicesSession = browser.sessionId();

        fake.refuseRefreshesWith(null);
        fake.tokensExpireIn(300);
        signIn(browser, "bob");

        Info bobs = info(browser, "");
        assertEquals(null, bobs.cart(), "bob does not see alice's cart");
        assertNotEquals(alicesSession, browser.sessionId());
        assertEquals(200, browser.get(base + "app/servlet", BrowserlessClient.XHR).statusCode(), "bob is signed in");
    }

    /** Signs in as {@code user}: the fake signs in whoever {@code login_hint} names. */
    private void signIn(BrowserlessClient browser, String user) {
        HttpResponse<String> toAuthorize = browser.get(base + "app/servlet", BrowserlessClient.NAVIGATION);
        assertEquals(302, toAuthorize.statusCode(), toAuthorize.body());
        String authorize = BrowserlessClient.location(toAuthorize) + "&login_hint=" + user;
        BrowserlessClient.Result page = browser.getFollowing(authorize, BrowserlessClient.NAVIGATION);
        assertEquals(200, page.status(), page.hops()::toString);
    }
}
