package dev.pkcefilter.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpResponse;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import dev.pkcefilter.it.support.AgainstFakeServer;
import dev.pkcefilter.it.support.BrowserlessClient;
import dev.pkcefilter.it.support.FakeAuthorizationServer;
import dev.pkcefilter.it.support.FakeAuthorizationServer.Forgery;
import dev.pkcefilter.it.support.Leaks;
import dev.pkcefilter.it.support.TestWars;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * ID token validation (OpenID Connect Core 1.0 §3.1.3.7) against the fake, which signs its ID tokens RS256 and
 * publishes its key at {@code jwks_uri}: an honest login sends a nonce and signs in, the keys are fetched once for
 * many logins, and every forged ID token at login (a bad signature, {@code alg: none}, HS256 with the public key,
 * an unknown {@code kid} after one more fetch of the keys, a wrong {@code iss} or {@code aud}, expired, {@code iat}
 * in the future beyond the default skew of 60 s, a missing or wrong nonce, a wrong {@code at_hash}) ends at the
 * callback in a clean 502 page with nothing stored; a refreshed ID token of another {@code sub} (§12.2) signs the
 * user out. Key rotation and keys that cannot be fetched have deployments of their own
 * ({@link IdTokenKeyRotationIT}, {@link IdTokenKeysDownIT}), since they depend on what the deployment fetched before.
 *
 * <p>Of the tests here only {@link #anUnknownKeyIdMakesOneMoreFetchOfTheKeysThenA502} makes the deployment fetch the
 * keys once more, so that no rate limit on those fetches can make two tests depend on each other's timing.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class IdTokenIT extends AgainstFakeServer {

    IdTokenIT() {
        super("idtoken");
    }

    static final String CLIENT_ID = "idtoken-app";

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
        return TestWars.tokenApp("idtoken.war", config(fake));
    }

    /** The configuration of each ID token test's deployment: scope {@code openid}, so that a nonce is sent. */
    static Map<String, String> config(FakeAuthorizationServer fake) {
        return Map.of(
                "pkce.issuer", fake.issuer(),
                "pkce.client-id", CLIENT_ID,
                "pkce.scope", "openid profile",
                "pkce.protected-paths", "/app/*",
                "pkce.refresh-skew", "PT" + SKEW_SECONDS + "S",
                "pkce.http-timeout", "PT2S");
    }

    @BeforeEach
    void resetFake() {
        fake.reset();
        events(base); // forget earlier tests' events
    }

    @Test
    void everyLoginSendsANonceOfItsOwnAndAnHonestIdTokenSignsIn() throws Exception {
        BrowserlessClient browser = new BrowserlessClient();
        HttpResponse<String> toAuthorize = browser.get(base + "app/servlet", BrowserlessClient.NAVIGATION);
        String nonce = nonceOf(toAuthorize);
        String otherTab = nonceOf(browser.get(base + "app/servlet?tab=2", BrowserlessClient.NAVIGATION));
        String otherBrowser = nonceOf(new BrowserlessClient().get(base + "app/servlet", BrowserlessClient.NAVIGATION));
        assertEquals(3, List.of(nonce, otherTab, otherBrowser).stream().distinct().count(), "each login its own nonce");

        HttpResponse<String> callback = browser.follow(browser.follow(toAuthorize));

        assertEquals(302, callback.statusCode(), callback.body());
        assertEquals(base.getPath() + "app/servlet", BrowserlessClient.location(callback), "back to the page asked for");
        assertEquals(nonce, claims(fake.lastIdToken()).getStringClaim("nonce"), "the ID token carried the nonce");
        HttpResponse<String> page = browser.follow(callback);
        assertEquals(200, page.statusCode(), page.body());
        assertTrue(page.body().contains("\"present\":true"), page.body());
        assertTrue(events(base).startsWith("LoginSucceeded "), "the LoginSucceeded event");
    }

    @Test
    void theKeysAreFetchedOnceForManyLogins() {
        int before = fake.jwksRequests();
        for (int i = 0; i < 3; i++) {
            signedIn(base);
        }
        assertTrue(fake.jwksRequests() >= 1, "the keys were fetched from jwks_uri");
        assertTrue(fake.jwksRequests() - before <= 1,
                "at most one fetch for three logins (cached): " + (fake.jwksRequests() - before));
    }

    @Test
    void aBadSignatureIsRefusedWith502() {
        assertLoginRefused(Forgery.BAD_SIGNATURE);
    }

    @Test
    void algNoneIsRefusedWith502() {
        assertLoginRefused(Forgery.ALG_NONE);
    }

    @Test
    void hs256WithThePublicKeyAsSecretIsRefusedWith502() {
        assertLoginRefused(Forgery.HS256_WITH_PUBLIC_KEY);
    }

    @Test
    void anUnknownKeyIdMakesOneMoreFetchOfTheKeysThenA502() {
        signedIn(base); // the keys are known: fetched at this login or an earlier one
        int before = fake.jwksRequests();

        assertLoginRefused(Forgery.UNKNOWN_KID);

        assertEquals(before + 1, fake.jwksRequests(), "exactly one more fetch of the keys for the unknown kid");
    }

    @Test
    void aWrongIssuerIsRefusedWith502() {
        assertLoginRefused(Forgery.WRONG_ISS);
    }

    @Test
    void aWrongAudienceIsRefusedWith502() {
        assertLoginRefused(Forgery.WRONG_AUD);
    }

    @Test
    void anExpiredIdTokenIsRefusedWith502() {
        assertLoginRefused(Forgery.EXPIRED);
    }

    @Test
    void anIatTenMinutesInTheFutureIsRefusedWith502() {
        assertLoginRefused(Forgery.IAT_IN_FUTURE);
    }

    @Test
    void aMissingNonceIsRefusedWith502() {
        assertLoginRefused(Forgery.NO_NONCE);
    }

    @Test
    void aWrongNonceIsRefusedWith502() {
        assertLoginRefused(Forgery.WRONG_NONCE);
    }

    @Test
    void aWrongAtHashIsRefusedWith502() {
        assertLoginRefused(Forgery.WRONG_AT_HASH);
    }

    @Test
    void aRefreshResponseWithAnIdTokenOfAnotherSubjectSendsTheNextPageToSignInAgain() throws Exception {
        fake.tokensExpireIn(DUE_AFTER_A_SECOND);
        BrowserlessClient browser = signedIn(base);
        Thread.sleep(1_200); // due for refresh
        fake.forgeIdTokens(Forgery.REFRESH_OTHER_SUB);

        HttpResponse<String> page = browser.get(base + "app/servlet", BrowserlessClient.NAVIGATION);

        assertEquals(1, fake.refreshGrants(), "the refresh was made");
        assertEquals(302, page.statusCode(), page.body());
        assertTrue(BrowserlessClient.location(page).startsWith(fake.issuer() + "/authorize?"),
                "a new login: " + BrowserlessClient.location(page));
        assertEquals(401, browser.get(base + "app/servlet", BrowserlessClient.XHR).statusCode(),
                "the tokens are gone");
        assertEquals(1, fake.refreshGrants(), "the dropped tokens are not refreshed again");
    }

    @Test
    void aRefreshResponseWithAnIdTokenOfAnotherSubjectGivesAScript401() throws Exception {
        fake.tokensExpireIn(DUE_AFTER_A_SECOND);
        BrowserlessClient browser = signedIn(base);
        Thread.sleep(1_200); // due for refresh
        fake.forgeIdTokens(Forgery.REFRESH_OTHER_SUB);

        HttpResponse<String> script = browser.get(base + "app/servlet", BrowserlessClient.XHR);

        assertEquals(1, fake.refreshGrants(), "the refresh was made");
        assertEquals(401, script.statusCode(), script.body());
        assertFalse(script.body().contains(FakeAuthorizationServer.OTHER_SUBJECT), script.body());
        HttpResponse<String> page = browser.get(base + "app/servlet", BrowserlessClient.NAVIGATION);
        assertEquals(302, page.statusCode(), page.body());
        assertTrue(BrowserlessClient.location(page).startsWith(fake.issuer() + "/authorize?"));
        assertEquals(1, fake.refreshGrants(), "the dropped tokens are not refreshed again");
    }

    /** A new browser's login with this forgery in the token response: refused at the callback with a clean 502. */
    private void assertLoginRefused(Forgery forgery) {
        fake.forgeIdTokens(forgery);
        assertLoginRefused(base, fake, 502, forgery.toString());
    }

    /**
     * A new browser signs in and the callback refuses the login: {@code status} with a clean page (pkce-filter's,
     * no stack trace, no secret, {@code Cache-Control: no-store}), the session id as it was, a {@code LoginFailed}
     * event, and the browser not signed in afterwards (a page is sent to sign in, a script gets 401).
     */
    static void assertLoginRefused(URL base, FakeAuthorizationServer fake, int status, String what) {
        BrowserlessClient browser = new BrowserlessClient();
        HttpResponse<String> toAuthorize = browser.get(base + "app/servlet", BrowserlessClient.NAVIGATION);
        String callbackUrl = BrowserlessClient.location(browser.follow(toAuthorize));
        assertTrue(callbackUrl.startsWith(base + "oauth/callback?"), what + ": " + callbackUrl);
        String session = browser.sessionId();
        int exchanges = fake.requests("/token").size();
        events(base); // forget earlier events

        HttpResponse<String> callback = browser.get(callbackUrl, BrowserlessClient.NAVIGATION);

        assertCleanErrorPage(callback, status, what, fake);
        assertEquals(exchanges + 1, fake.requests("/token").size(), what + ": one exchange, no loop");
        assertEquals(session, browser.sessionId(), what + ": no new session id (no login)");
        String events = events(base);
        assertTrue(events.startsWith("LoginFailed " + status), what + ": the LoginFailed event, not: " + events);
        assertFalse(events.contains("LoginSucceeded"), what + ": " + events);
        assertEquals(401, browser.get(base + "app/servlet", BrowserlessClient.XHR).statusCode(),
                what + ": nothing stored");
        HttpResponse<String> page = browser.get(base + "app/servlet", BrowserlessClient.NAVIGATION);
        assertEquals(302, page.statusCode(), what + ": " + page.body());
        assertTrue(BrowserlessClient.location(page).startsWith(fake.issuer() + "/authorize?"),
                what + ": sent to sign in again");
    }

    /** pkce-filter's error page with this status, without a stack trace or any secret the fake issued. */
    static void assertCleanErrorPage(HttpResponse<String> response, int status, String what,
                                     FakeAuthorizationServer fake) {
        String body = response.body();
        assertEquals(status, response.statusCode(), what + ": " + abbreviate(body));
        assertTrue(body.contains("<p class=\"status\">Error " + status + "</p>"), what + ": pkce-filter's page: "
                + abbreviate(body));
        assertFalse(body.contains("Exception") || body.contains("\tat "), what + ": a stack trace: " + abbreviate(body));
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/html"), what);
        assertEquals("no-store", response.headers().firstValue("Cache-Control").orElse(""), what);
        assertEquals("no-referrer", response.headers().firstValue("Referrer-Policy").orElse(""), what);
        Leaks leaks = new Leaks(fake.secrets(), Set.of());
        List<String> found = new ArrayList<>(leaks.findIn(what + " body", body));
        response.headers().map().forEach((name, values) -> values.forEach(
                value -> found.addAll(leaks.findIn(what + " header " + name, value))));
        assertEquals(List.of(), found, what + ": a token or code in the page");
    }

    /** A new browser that signed in honestly, on the protected page with its token. */
    static BrowserlessClient signedIn(URL base) {
        BrowserlessClient browser = new BrowserlessClient();
        HttpResponse<String> page = browser.navigate(base + "app/servlet").response();
        assertEquals(200, page.statusCode(), page.body());
        assertTrue(page.body().contains("\"present\":true"), page.body());
        return browser;
    }

    /** @return the events observed since the last call, a line each */
    static String events(URL base) {
        return new BrowserlessClient().get(base + "public/events", Map.of()).body();
    }

    /** @return the nonce of the authorization request a redirect to the authorization endpoint carries */
    private String nonceOf(HttpResponse<String> toAuthorize) {
        assertEquals(302, toAuthorize.statusCode(), toAuthorize.body());
        String location = BrowserlessClient.location(toAuthorize);
        assertTrue(location.startsWith(fake.issuer() + "/authorize?"), location);
        String nonce = FakeAuthorizationServer.parseQuery(URI.create(location).getRawQuery()).get("nonce");
        assertNotNull(nonce, "scope openid: the authorization request carries a nonce");
        assertTrue(nonce.length() >= 22, "at least 128 bits, base64url: " + nonce.length() + " characters");
        return nonce;
    }

    static JWTClaimsSet claims(String jwt) throws ParseException {
        return JWTParser.parse(jwt).getJWTClaimsSet();
    }

    private static String abbreviate(String text) {
        return text.length() <= 500 ? text : text.substring(0, 500) + "...";
    }
}
