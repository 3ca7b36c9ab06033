package dev.pkcefilter.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.pkcefilter.it.support.BrowserlessClient;
import dev.pkcefilter.it.support.AgainstFakeServer;
import dev.pkcefilter.it.support.FakeAuthorizationServer;
import dev.pkcefilter.it.support.FakeAuthorizationServer.Revocation;
import dev.pkcefilter.it.support.RawHttp;
import dev.pkcefilter.it.support.TestWars;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The logout endpoint against the fake server, which offers revocation and end-session endpoints: tokens revoked
 * (refresh first), the session gone, the browser sent to end the server's session; a revocation endpoint that fails
 * or is down does not stop the logout; another site can neither GET nor POST a logout, and neither can an image,
 * a script or a prefetch of the application's own pages.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class LogoutIT extends AgainstFakeServer {

    LogoutIT() {
        super("logout");
    }

    @Deployment(testable = false)
    static WebArchive app() throws Exception {
        fake = new FakeAuthorizationServer();
        return TestWars.tokenApp("logout.war", Map.of(
                "pkce.issuer", fake.issuer(),
                "pkce.client-id", "logout-app",
                "pkce.protected-paths", "/app/*",
                "pkce.http-timeout", "PT2S"));
    }

    @BeforeEach
    void resetFake() {
        fake.reset();
    }

    @Test
    void aPostRevokesBothTokensEndsTheSessionAndGoesToTheEndSessionEndpoint() {
        BrowserlessClient browser = signedIn();
        String idToken = fake.lastIdToken();
        browser.get(base + "public/events", Map.of()); // forget the login's events

        HttpResponse<String> logout = postLogout(browser, origin());

        assertEquals(302, logout.statusCode(), logout.body());
        assertEquals("no-store", logout.headers().firstValue("Cache-Control").orElse(""));
        assertEquals("no-referrer", logout.headers().firstValue("Referrer-Policy").orElse(""));
        URI location = URI.create(BrowserlessClient.location(logout));
        assertEquals(fake.uri("/end-session"), URI.create(location.toString().replaceFirst("\\?.*", "")));
        assertEquals(Map.of("post_logout_redirect_uri", base.toString(), "client_id", "logout-app",
                "id_token_hint", idToken), FakeAuthorizationServer.parseQuery(location.getRawQuery()));

        List<Revocation> revocations = fake.revocations();
        assertEquals(2, revocations.size(), revocations::toString);
        assertEquals("refresh_token", revocations.get(0).hint());
        assertTrue(revocations.get(0).token().startsWith("rt-") && revocations.get(0).wasLive(), "the live refresh token");
        assertEquals("access_token", revocations.get(1).hint());
        assertTrue(revocations.get(1).token().startsWith("at-") && revocations.get(1).wasLive(), "the live access token");
        assertEquals("logout-app", revocations.get(1).clientId());

        assertEquals(401, browser.get(base + "app/servlet", BrowserlessClient.XHR).statusCode(), "the session is gone");
        assertEquals("LoggedOut", browser.get(base + "public/events", Map.of()).body(), "the LoggedOut event");
        BrowserlessClient.Result after = browser.follow(logout, BrowserlessClient.NAVIGATION, new ArrayList<>());
        assertEquals(base.toString(), after.uri().toString(), () -> "back at the application's root after the"
                + " end-session endpoint: " + after.hops());
    }

    @Test
    void aFailingRevocationEndpointDoesNotStopTheLogout() {
        BrowserlessClient browser = signedIn();
        fake.answerRevocationsWith(500);

        HttpResponse<String> logout = postLogout(browser, origin());

        assertEquals(302, logout.statusCode(), logout.body());
        assertTrue(BrowserlessClient.location(logout).startsWith(fake.issuer() + "/end-session?"));
        assertEquals(2, fake.revocations().size(), "both tokens were tried");
        assertEquals(401, browser.get(base + "app/servlet", BrowserlessClient.XHR).statusCode(), "the session is gone");
    }

    @Test
    void aRevocationEndpointThatIsDownDoesNotStopTheLogout() throws Exception {
        BrowserlessClient browser = signedIn();
        fake.pause();
        HttpResponse<String> logout;
        try {
            logout = postLogout(browser, origin());
        } finally {
            fake.resume();
        }

        assertEquals(302, logout.statusCode(), logout.body());
        assertTrue(BrowserlessClient.location(logout).startsWith(fake.issuer() + "/end-session?"));
        assertEquals(401, browser.get(base + "app/servlet", BrowserlessClient.XHR).statusCode(), "the session is gone");
    }

    @Test
    void aGetWithoutSameOriginEvidenceShowsASignOutButtonAndKeepsTheSession() {
        BrowserlessClient browser = signedIn();

        HttpResponse<String> page = browser.get(base + "oauth/logout", BrowserlessClient.NAVIGATION);

        assertEquals(200, page.statusCode(), page.body());
        assertEquals("no-store", page.headers().firstValue("Cache-Control").orElse(""));
        assertTrue(page.body().contains("<form method=\"post\" action=\"" + base.getPath() + "oauth/logout\">"),
                page.body());
        assertTrue(page.body().contains(">Sign out</button>"), page.body());
        assertEquals(List.of(), fake.revocations());
        assertEquals(200, browser.get(base + "app/servlet", BrowserlessClient.XHR).statusCode(), "still signed in");
    }

    @Test
    void aSameOriginTopLevelNavigationLogsOut() {
        BrowserlessClient browser = signedIn();

        HttpResponse<String> logout = browser.get(base + "oauth/logout", Map.of("Accept", "text/html",
                "Sec-Fetch-Site", "same-origin", "Sec-Fetch-Mode", "navigate", "Sec-Fetch-Dest", "document",
                "Sec-Fetch-User", "?1"));

        assertEquals(302, logout.statusCode(), logout.body());
        assertEquals(2, fake.revocations().size());
        assertEquals(401, browser.get(base + "app/servlet", BrowserlessClient.XHR).statusCode(), "the session is gone");
    }

    @Test
    void aSameOriginGetWithoutFetchMetadataStillLogsOutByItsReferer() {
        BrowserlessClient browser = signedIn();

        RawHttp.Response logout = rawLogout("GET", browser, Map.of("Accept", "text/html",
                "Referer", base + "app/servlet"));

        assertEquals(302, logout.status(), logout.body());
        assertEquals(401, browser.get(base + "app/servlet", BrowserlessClient.XHR).statusCode(), "the session is gone");
    }

    @Test
    void subresourcesAndScriptsOfTheSameOriginGet403AndKeepTheSession() {
        BrowserlessClient browser = signedIn();
        Map<String, Map<String, String>> requests = Map.of(
                "an <img> in same-origin user content", Map.of("Accept", "image/avif,image/webp,*/*",
                        "Sec-Fetch-Site", "same-origin", "Sec-Fetch-Mode", "no-cors", "Sec-Fetch-Dest", "image",
                        "Referer", base + "app/servlet"),
                "a fetch()", Map.of("Accept", "*/*", "Sec-Fetch-Site", "same-origin", "Sec-Fetch-Mode", "cors",
                        "Sec-Fetch-Dest", "empty", "Origin", origin(), "Referer", base + "app/servlet"),
                "a <link rel=prefetch>", Map.of("Accept", "*/*", "Sec-Fetch-Site", "same-origin",
                        "Sec-Fetch-Mode", "no-cors", "Sec-Fetch-Dest", "empty", "Sec-Purpose", "prefetch",
                        "Referer", base + "app/servlet"));

        requests.forEach((what, headers) -> {
            RawHttp.Response response = rawLogout("GET", browser, headers);
            assertEquals(403, response.status(), what + ": " + response.body());
            assertEquals("no-store", response.header("Cache-Control").orElse(""), what);
        });
        assertEquals(List.of(), fake.revocations());
        assertEquals(200, browser.get(base + "app/servlet", BrowserlessClient.XHR).statusCode(), "still signed in");
    }

    @Test
    void aPrefetchOrPrerenderOfTheLogoutPageShowsTheSignOutButtonAndKeepsTheSession() {
        BrowserlessClient browser = signedIn();
        Map<String, String> navigation = Map.of("Accept", "text/html", "Sec-Fetch-Site", "same-origin",
                "Sec-Fetch-Mode", "navigate", "Sec-Fetch-Dest", "document", "Referer", base + "app/servlet");

        for (Map.Entry<String, String> purpose : List.of(Map.entry("Sec-Purpose", "prefetch"),
                Map.entry("Sec-Purpose", "prefetch;prerender"), Map.entry("Purpose", "prefetch"))) {
            Map<String, String> headers = new java.util.HashMap<>(navigation);
            headers.put(purpose.getKey(), purpose.getValue());
            RawHttp.Response page = rawLogout("GET", browser, headers);
            assertEquals(200, page.status(), purpose + ": " + page.body());
            assertTrue(page.body().contains(">Sign out</button>"), purpose + ": " + page.body());
        }
        assertEquals(List.of(), fake.revocations());
        assertEquals(200, browser.get(base + "app/servlet", BrowserlessClient.XHR).statusCode(), "still signed in");
    }

    @Test
    void aPostWithOriginNullIsCrossOriginUnlessFetchMetadataSaysSameOrigin() {
        BrowserlessClient browser = signedIn();

        RawHttp.Response refused = rawLogout("POST", browser, Map.of("Accept", "text/html", "Origin", "null",
                "Referer", base + "app/servlet"));
        assertEquals(403, refused.status(), refused.body());
        assertEquals(200, browser.get(base + "app/servlet", BrowserlessClient.XHR).statusCode(), "still signed in");

        RawHttp.Response loggedOut = rawLogout("POST", browser, Map.of("Accept", "text/html", "Origin", "null",
                "Sec-Fetch-Site", "same-origin", "Sec-Fetch-Mode", "navigate", "Sec-Fetch-Dest", "document"));
        assertEquals(302, loggedOut.status(), loggedOut.body());
        assertEquals(401, browser.get(base + "app/servlet", BrowserlessClient.XHR).statusCode(), "the session is gone");
    }

    @Test
    void aPostFromAnotherSiteIsRefusedAndKeepsTheSession() {
        BrowserlessClient browser = signedIn();

        HttpResponse<String> logout = postLogout(browser, "https://evil.example");

        assertEquals(403, logout.statusCode(), logout.body());
        assertEquals("no-store", logout.headers().firstValue("Cache-Control").orElse(""));
        assertEquals(List.of(), fake.revocations());
        assertEquals(200, browser.get(base + "app/servlet", BrowserlessClient.XHR).statusCode(), "still signed in");
    }

    private BrowserlessClient signedIn() {
        BrowserlessClient browser = new BrowserlessClient();
        HttpResponse<String> page = browser.navigate(base + "app/servlet").response();
        assertEquals(200, page.statusCode(), page.body());
        return browser;
    }

    /** One request of the logout path, its headers exactly as given, with the browser's session cookie. */
    private RawHttp.Response rawLogout(String method, BrowserlessClient browser, Map<String, String> headers) {
        Map<String, String> all = new java.util.LinkedHashMap<>(headers);
        all.put("Cookie", "JSESSIONID=" + browser.sessionId());
        return RawHttp.send(base, method, base.getPath() + "oauth/logout", all);
    }

    private HttpResponse<String> postLogout(BrowserlessClient browser, String origin) {
        return browser.postForm(base + "oauth/logout", Map.of(),
                Map.of("Accept", "text/html", "Origin", origin));
    }

    /** The application's origin, as a browser sends it in {@code Origin}. */
    private String origin() {
        return base.getProtocol() + "://" + base.getHost() + ":" + base.getPort();
    }
}
