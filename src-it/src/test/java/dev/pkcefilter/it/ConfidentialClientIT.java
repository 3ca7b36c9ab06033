package dev.pkcefilter.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import dev.pkcefilter.it.support.BrowserlessClient;
import dev.pkcefilter.it.support.AgainstFakeServer;
import dev.pkcefilter.it.support.FakeAuthorizationServer;
import dev.pkcefilter.it.support.FakeAuthorizationServer.Recorded;
import dev.pkcefilter.it.support.TestWars;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A confidential client with {@code client_secret_basic}, an Auth0-style {@code audience} and extra authorize
 * parameters, against the fake server: what it sends on both requests.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ConfidentialClientIT extends AgainstFakeServer {

    ConfidentialClientIT() {
        super("confidential");
    }

    /** Characters that RFC 6749 §2.3.1's form-encoding before Base64 must survive. */
    private static final String SECRET = "s3cr3t:/+ &%";

    @Deployment(testable = false)
    static WebArchive app() throws Exception {
        fake = new FakeAuthorizationServer();
        fake.requireClientSecret(SECRET);
        return TestWars.tokenApp("confidential.war", Map.of(
                "pkce.issuer", fake.issuer(),
                "pkce.client-id", "conf app",
                "pkce.client-secret", SECRET,
                "pkce.audience", "https://api.example.com",
                "pkce.authorize-params", "prompt=login&ui_locales=en%20de",
                "pkce.protected-paths", "/app/*"));
    }

    @Test
    void sendsAudienceAndExtrasOnAuthorizeAndBasicCredentialsOnTheTokenRequest() {
        BrowserlessClient browser = new BrowserlessClient();
        HttpResponse<String> page = browser.navigate(base + "app/servlet").response();
        assertEquals(200, page.statusCode(), page.body());
        assertTrue(page.body().startsWith("{\"present\":true"), page.body());

        Map<String, String> authorize = fake.requests("/authorize").get(0).queryParameters();
        assertEquals("conf app", authorize.get("client_id"));
        assertEquals("https://api.example.com", authorize.get("audience"));
        assertEquals("login", authorize.get("prompt"));
        assertEquals("en de", authorize.get("ui_locales"));
        assertEquals("S256", authorize.get("code_challenge_method"));

        Recorded token = fake.requests("/token").get(0);
        assertEquals(List.of("grant_type", "code", "redirect_uri", "code_verifier", "audience"),
                List.copyOf(token.form().keySet()), "client_secret_basic keeps credentials out of the body");
        assertEquals("https://api.example.com", token.form().get("audience"));
        assertEquals(authorize.get("code_challenge"), FakeAuthorizationServer.s256(token.form().get("code_verifier")));
        String basic = token.header("Authorization");
        assertEquals("Basic " + Base64.getEncoder().encodeToString(
                "conf+app:s3cr3t%3A%2F%2B+%26%25".getBytes(StandardCharsets.UTF_8)), basic);
        assertFalse(token.body().contains("s3cr3t"), "the secret is not in the body");
    }

    /** Item 10 of issue 12: {@code BearerTokenFilter} sends the token to the default origins only. */
    @Test
    void bearerTokenFilterSendsTheTokenToTheIssuersOriginOnly() {
        BrowserlessClient browser = new BrowserlessClient();
        assertEquals(200, browser.navigate(base + "app/servlet").response().statusCode());
        String allowed = fake.issuer() + "/userinfo";
        String other = allowed.replace("//127.0.0.1:", "//localhost:"); // the same fake, another origin

        HttpResponse<String> api = browser.get(base + "app/rest/api?url=" + allowed, Map.of("Accept", "text/plain"));
        assertEquals(200, api.statusCode(), api.body());
        assertTrue(api.body().startsWith("200 "), api.body());
        List<Recorded> userinfo = fake.requests("/userinfo");
        assertEquals(1, userinfo.size());
        assertTrue(userinfo.get(0).header("Authorization").startsWith("Bearer "), "the token went to the issuer");

        HttpResponse<String> refused = browser.get(base + "app/rest/api?url=" + other, Map.of("Accept", "text/plain"));
        assertEquals(200, refused.statusCode(), refused.body());
        String otherOrigin = other.substring(0, other.indexOf("/userinfo"));
        assertEquals("refused pkce-filter did not add the access token to a request to " + otherOrigin + ": that"
                + " origin is not in pkce.api-origins (not set, so only the issuer's and the userinfo endpoint's: "
                + fake.issuer() + "). Add it to pkce.api-origins if it is an API that may receive the user's token,"
                + " or call it without BearerTokenFilter.", refused.body());
        assertEquals(1, fake.requests("/userinfo").size(), "no request arrived at the other origin");
        for (String secret : fake.secrets()) {
            assertFalse(refused.body().contains(secret), "no token in the message");
        }
    }
}
