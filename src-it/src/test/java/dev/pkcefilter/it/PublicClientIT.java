package dev.pkcefilter.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import dev.pkcefilter.it.support.BrowserlessClient;
import dev.pkcefilter.it.support.AgainstFakeServer;
import dev.pkcefilter.it.support.FakeAuthorizationServer;
import dev.pkcefilter.it.support.FakeAuthorizationServer.Recorded;
import dev.pkcefilter.it.support.FakeAuthorizationServer.TokenMode;
import dev.pkcefilter.it.support.TestWars;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A public client (PKCE only, form token requests) on Payara Micro and WildFly against the in-process fake
 * authorization server: exactly what the client sends, the token in servlets, CDI beans and JAX-RS, and every
 * failure of the callback and the token endpoint with its status.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class PublicClientIT extends AgainstFakeServer {

    PublicClientIT() {
        super("public");
    }

    @Deployment(testable = false)
    static WebArchive app() throws Exception {
        fake = new FakeAuthorizationServer();
        return TestWars.tokenApp("public.war", Map.of(
                "pkce.issuer", fake.issuer(),
                "pkce.client-id", "public-app",
                "pkce.scope", "openid profile",
                "pkce.protected-paths", "/app/*",
                "pkce.login-timeout", "PT3S",
                "pkce.http-timeout", "PT2S"));
    }

    @BeforeEach
    void resetFake() {
        fake.reset();
    }

    @Test
    void navigationIsRedirectedToAuthorizeWithStateAndS256Challenge() {
        HttpResponse<String> response = new BrowserlessClient().get(url("app/servlet"), BrowserlessClient.NAVIGATION);

        assertEquals(302, response.statusCode());
        assertEquals("no-store", response.headers().firstValue("Cache-Control").orElse(""));
        URI location = URI.create(BrowserlessClient.location(response));
        assertEquals(fake.issuer() + "/authorize", location.getScheme() + "://" + location.getAuthority() + location.getPath());
        Map<String, String> q = query(location);
        assertEquals(List.of("response_type", "client_id", "redirect_uri", "scope", "state", "code_challenge",
                "code_challenge_method", "nonce"), List.copyOf(q.keySet()));
        assertEquals("code", q.get("response_type"));
        assertEquals("public-app", q.get("client_id"));
        assertEquals(url("oauth/callback"), q.get("redirect_uri"));
        assertEquals("openid profile", q.get("scope"));
        assertTrue(q.get("state").matches("[A-Za-z0-9_-]{43}"), q.get("state"));
        assertTrue(q.get("code_challenge").matches("[A-Za-z0-9_-]{43}"), q.get("code_challenge"));
        assertEquals("S256", q.get("code_challenge_method"));
        assertTrue(q.get("nonce").matches("[A-Za-z0-9_-]{43}"), "openid in the scope: a nonce, " + q.get("nonce"));
    }

    @Test
    void scriptsAndApiClientsGet401InsteadOfARedirect() {
        BrowserlessClient client = new BrowserlessClient();
        for (Map<String, String> headers : List.of(
                Map.of("Accept", "application/json"),
                Map.of("Accept", "text/html", "X-Requested-With", "XMLHttpRequest"),
                Map.of("Accept", "text/html", "Sec-Fetch-Mode", "cors"),
                Map.<String, String>of())) {
            HttpResponse<String> response = client.get(url("app/servlet"), headers);
            assertEquals(401, response.statusCode(), headers.toString());
            assertEquals("Bearer", response.headers().firstValue("WWW-Authenticate").orElse(""), headers.toString());
        }
        assertTrue(fake.requests().isEmpty(), "no request may reach the authorization server");
    }

    @Test
    void loginSendsTheVerifierOfTheChallengeAndTheSameRedirectUri() {
        BrowserlessClient browser = new BrowserlessClient();
        String requested = url("app/servlet?a=1&b=%2F");
        HttpResponse<String> toAuthorize = browser.get(requested, BrowserlessClient.NAVIGATION);
        String sessionBefore = browser.sessionId();
        HttpResponse<String> toCallback = browser.follow(toAuthorize);
        HttpResponse<String> callback = browser.follow(toCallback);

        assertEquals(302, callback.statusCode(), callback.body());
        assertEquals(requested.substring(requested.indexOf("/", 8)), BrowserlessClient.location(callback),
                "back to the same path and query, as a same-origin path");
        assertEquals("no-store", callback.headers().firstValue("Cache-Control").orElse(""));
        assertEquals("no-referrer", callback.headers().firstValue("Referrer-Policy").orElse(""));
        assertNotEquals(sessionBefore, browser.sessionId(), "the session id changes at login");

        Map<String, String> authorize = fake.requests("/authorize").get(0).queryParameters();
        Recorded tokenRequest = fake.requests("/token").get(0);
        Map<String, String> form = tokenRequest.form();
        assertEquals(List.of("grant_type", "code", "redirect_uri", "code_verifier", "client_id"), List.copyOf(form.keySet()));
        assertEquals("authorization_code", form.get("grant_type"));
        assertEquals(authorize.get("code_challenge"), FakeAuthorizationServer.s256(form.get("code_verifier")));
        assertEquals(authorize.get("redirect_uri"), form.get("redirect_uri"));
        assertEquals("public-app", form.get("client_id"));
        assertEquals(null, tokenRequest.header("Authorization"), "a public client sends no credentials");
        assertTrue(tokenRequest.header("Content-Type").startsWith("application/x-www-form-urlencoded"));

        HttpResponse<String> page = browser.get(url("app/servlet?a=1&b=%2F"), BrowserlessClient.NAVIGATION);
        assertEquals(200, page.statusCode(), page.body());
        assertTrue(page.body().startsWith("{\"present\":true"), page.body());
    }

    @Test
    void theTokenIsInjectedInServletsCdiBeansAndJaxRsButOnlyOnProtectedPaths() {
        BrowserlessClient browser = new BrowserlessClient();
        HttpResponse<String> servlet = browser.navigate(url("app/servlet")).response();
        assertEquals(200, servlet.statusCode(), servlet.body());
        String hash = field(servlet.body(), "servlet");
        assertEquals(64, hash.length(), servlet.body());
        assertEquals(hash, field(servlet.body(), "bean"));
        assertFalse(field(servlet.body(), "toString").contains("at-"), "toString() must not show the token");
        assertTrue(field(servlet.body(), "toString").startsWith("AccessToken[type=Bearer"), servlet.body());

        HttpResponse<String> rest = browser.get(url("app/rest/token"), Map.of("Accept", "text/plain"));
        assertEquals(200, rest.statusCode(), rest.body());
        assertEquals(hash, rest.body());

        HttpResponse<String> open = browser.get(url("public/servlet"), BrowserlessClient.NAVIGATION);
        assertEquals(200, open.statusCode(), open.body());
        assertEquals("{\"present\":false,\"servlet\":\"\",\"bean\":\"\",\"toString\":\"AccessToken[absent]\"}", open.body());
    }

    @Test
    void theJaxRsClientFilterSendsTheBearerTokenAndEventsReportTheLogin() {
        new BrowserlessClient().get(url("public/events"), Map.of()); // forget earlier tests' events
        BrowserlessClient browser = new BrowserlessClient();
        String hash = field(browser.navigate(url("app/servlet")).response().body(), "servlet");

        HttpResponse<String> api = browser.get(url("app/rest/api?url=" + fake.issuer() + "/userinfo"),
                Map.of("Accept", "text/plain"));
        assertEquals(200, api.statusCode(), api.body());
        assertEquals("200 {\"sub\":\"fake-user\",\"preferred_username\":\"fake-user\"}", api.body());
        String sent = fake.requests("/userinfo").get(0).header("Authorization");
        assertTrue(sent.startsWith("Bearer at-"), sent);
        assertEquals(hash, dev.pkcefilter.it.app.TokenBean.sha256(sent.substring("Bearer ".length())));

        assertEquals("LoginSucceeded " + hash, browser.get(url("public/events"), Map.of()).body());
        fake.denyAuthorization("access_denied");
        new BrowserlessClient().navigate(url("app/servlet"));
        assertEquals("LoginFailed 403 access_denied", browser.get(url("public/events"), Map.of()).body());
    }

    @Test
    void callbackWithoutStateIsRefused() {
        HttpResponse<String> response = new BrowserlessClient().get(url("oauth/callback?code=abc"), BrowserlessClient.NAVIGATION);
        assertErrorPage(response, 400, "Invalid sign-in response");
    }

    @Test
    void callbackWithUnknownStateIsRefused() {
        BrowserlessClient browser = new BrowserlessClient();
        browser.get(url("app/servlet"), BrowserlessClient.NAVIGATION); // a session with a pending login
        HttpResponse<String> response = browser.get(url("oauth/callback?code=abc&state=not-the-state"),
                BrowserlessClient.NAVIGATION);
        assertErrorPage(response, 400, "Unknown sign-in response");
        assertTrue(fake.requests("/token").isEmpty(), "no code exchange for an unknown state");
    }

    @Test
    void reusedCallbackIsRefused() {
        BrowserlessClient browser = new BrowserlessClient();
        HttpResponse<String> toAuthorize = browser.get(url("app/servlet"), BrowserlessClient.NAVIGATION);
        HttpResponse<String> toCallback = browser.follow(toAuthorize);
        String callbackUrl = BrowserlessClient.location(toCallback);
        assertEquals(302, browser.get(callbackUrl, BrowserlessClient.NAVIGATION).statusCode());

        HttpResponse<String> again = browser.get(callbackUrl, BrowserlessClient.NAVIGATION);
        assertErrorPage(again, 400, "Unknown sign-in response");
        assertEquals(1, fake.requests("/token").size(), "the code is exchanged once");
        assertEquals(200, browser.get(url("app/servlet"), BrowserlessClient.XHR).statusCode(),
                "the refused replay leaves the session signed in");
    }

    @Test
    void expiredLoginIsRefusedAndLeavesASignedInSessionAsItWas() throws InterruptedException {
        BrowserlessClient browser = new BrowserlessClient();
        String[] callbacks = new String[2];
        for (int i = 0; i < 2; i++) { // two tabs: one signs in now, the other after the login timeout
            HttpResponse<String> toAuthorize = browser.get(url("app/servlet"), BrowserlessClient.NAVIGATION);
            callbacks[i] = BrowserlessClient.location(browser.follow(toAuthorize));
        }
        assertEquals(302, browser.get(callbacks[0], BrowserlessClient.NAVIGATION).statusCode());
        String session = browser.sessionId();
        String token = field(browser.get(url("app/servlet"), BrowserlessClient.XHR).body(), "servlet");
        fake.reset();
        Thread.sleep(3_500); // pkce.login-timeout is PT3S here
        HttpResponse<String> response = browser.get(callbacks[1], BrowserlessClient.NAVIGATION);
        assertErrorPage(response, 400, "Sign-in expired");
        assertTrue(fake.requests("/token").isEmpty());
        assertEquals(session, browser.sessionId(), "the same session");
        assertEquals(token, field(browser.get(url("app/servlet"), BrowserlessClient.XHR).body(), "servlet"),
                "still signed in with the same token");
    }

    @Test
    void accessDeniedGives403AndOtherErrorsGive401WithTheDescriptionEscaped() {
        fake.denyAuthorization("access_denied");
        HttpResponse<String> denied = new BrowserlessClient().navigate(url("app/servlet")).response();
        assertErrorPage(denied, 403, "Sign-in was declined");
        assertTrue(denied.body().contains("access_denied"), denied.body());

        fake.denyAuthorization("invalid_scope");
        fake.authorizationErrorDescription("<script>alert(1)</script>");
        HttpResponse<String> failed = new BrowserlessClient().navigate(url("app/servlet")).response();
        assertErrorPage(failed, 401, "Sign-in failed");
        assertTrue(failed.body().contains("invalid_scope: &lt;script&gt;alert(1)&lt;/script&gt;"), failed.body());
        assertFalse(failed.body().contains("<script>"), failed.body());
    }

    @Test
    void callbackFromAnotherIssuerIsRefused() {
        // RFC 9207: an iss that is not this application's issuer means a mix-up; the code is never sent anywhere
        BrowserlessClient browser = new BrowserlessClient();
        HttpResponse<String> toAuthorize = browser.get(url("app/servlet"), BrowserlessClient.NAVIGATION);
        String state = query(URI.create(BrowserlessClient.location(toAuthorize))).get("state");
        HttpResponse<String> response = browser.get(url("oauth/callback?code=abc&state=" + state
                + "&iss=https%3A%2F%2Fattacker.example"), BrowserlessClient.NAVIGATION);
        assertErrorPage(response, 400, "Invalid sign-in response");
        assertTrue(response.body().contains("another authorization server"), response.body());
        assertTrue(fake.requests("/token").isEmpty(), "no code exchange after a mix-up");
    }

    @Test
    void callbackWithARepeatedParameterIsRefused() {
        BrowserlessClient browser = new BrowserlessClient();
        HttpResponse<String> toAuthorize = browser.get(url("app/servlet"), BrowserlessClient.NAVIGATION);
        String state = query(URI.create(BrowserlessClient.location(toAuthorize))).get("state");
        HttpResponse<String> response = browser.get(url("oauth/callback?code=abc&code=def&state=" + state),
                BrowserlessClient.NAVIGATION);
        assertErrorPage(response, 400, "Invalid sign-in response");
        assertTrue(response.body().contains("<code>code</code>"), response.body());
        assertTrue(fake.requests("/token").isEmpty(), "no code exchange for an ambiguous callback");
    }

    @Test
    void callbackWithNeitherCodeNorErrorIsRefused() {
        BrowserlessClient browser = new BrowserlessClient();
        HttpResponse<String> toAuthorize = browser.get(url("app/servlet"), BrowserlessClient.NAVIGATION);
        String state = query(URI.create(BrowserlessClient.location(toAuthorize))).get("state");
        HttpResponse<String> response = browser.get(url("oauth/callback?state=" + state), BrowserlessClient.NAVIGATION);
        assertErrorPage(response, 400, "Invalid sign-in response");
    }

    @Test
    void tokenEndpointFailuresGive502Or504AndLeaveTheSessionSignedOut() throws Exception {
        assertTokenFailure(TokenMode.INVALID_GRANT, 502, "invalid_grant");
        assertTokenFailure(TokenMode.SERVER_ERROR_HTML, 502, null);
        assertTokenFailure(TokenMode.NOT_JSON, 502, null);
        assertTokenFailure(TokenMode.NO_ACCESS_TOKEN, 502, null);
        fake.slowAnswersTake(4_000); // pkce.http-timeout is PT2S here
        assertTokenFailure(TokenMode.SLOW, 504, null);
    }

    @Test
    void tokenEndpointRefusingConnectionsGives502() throws Exception {
        BrowserlessClient browser = new BrowserlessClient();
        HttpResponse<String> toAuthorize = browser.get(url("app/servlet"), BrowserlessClient.NAVIGATION);
        HttpResponse<String> toCallback = browser.follow(toAuthorize);
        fake.pause();
        try {
            HttpResponse<String> response = browser.follow(toCallback);
            assertErrorPage(response, 502, "Sign-in could not be completed");
        } finally {
            fake.resume();
        }
        assertEquals(401, browser.get(url("app/servlet"), BrowserlessClient.XHR).statusCode());
    }

    private void assertTokenFailure(TokenMode mode, int status, String shownError) {
        fake.answerTokenRequests(mode);
        BrowserlessClient browser = new BrowserlessClient();
        HttpResponse<String> response = browser.navigate(url("app/servlet")).response();
        assertErrorPage(response, status, "Sign-in could not be completed");
        if (shownError != null) {
            assertTrue(response.body().contains(shownError), response.body());
        }
        assertEquals(401, browser.get(url("app/servlet"), BrowserlessClient.XHR).statusCode(),
                mode + ": a failed exchange signs nobody in");
    }

    private static void assertErrorPage(HttpResponse<String> response, int status, String title) {
        assertEquals(status, response.statusCode(), response.body());
        assertTrue(response.body().contains("<h1>" + title + "</h1>"), response.body());
        assertEquals("no-store", response.headers().firstValue("Cache-Control").orElse(""));
        assertEquals("no-referrer", response.headers().firstValue("Referrer-Policy").orElse(""));
        assertFalse(response.body().contains("Exception"), "no stack trace: " + response.body());
    }

    private String url(String path) {
        return base.toString() + path;
    }

    private static Map<String, String> query(URI uri) {
        return FakeAuthorizationServer.parseQuery(uri.getRawQuery());
    }

    private static String field(String json, String name) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"" + name + "\":\"([^\"]*)\"").matcher(json);
        return m.find() ? m.group(1) : "";
    }
}
