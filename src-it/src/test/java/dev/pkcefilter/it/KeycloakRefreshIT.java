package dev.pkcefilter.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.pkcefilter.it.support.BrowserlessClient;
import dev.pkcefilter.it.support.BrowserlessClient.Result;
import dev.pkcefilter.it.support.ExampleWar;
import dev.pkcefilter.it.support.KeycloakServer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Refresh against the real Keycloak: client {@code pkce-short-lived} gets 15-second access tokens, and with a
 * 10-second refresh skew, cut to half the token's lifetime, the example refreshes 7.5 seconds after login. The user stays signed in, the token
 * changes, and the new token works at Keycloak's userinfo endpoint.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class KeycloakRefreshIT {

    private static final Pattern HASH = Pattern.compile("\"tokenSha256\"\\s*:\\s*\"([0-9a-f]{64})\"");

    @ArquillianResource
    private URL base;

    @Deployment(testable = false)
    static WebArchive example() {
        return ExampleWar.withContextParams(Map.of(
                "pkce.issuer", KeycloakServer.forTests().issuer(),
                "pkce.client-id", "pkce-short-lived",
                "pkce.refresh-skew", "PT10S"));
    }

    @Test
    void theTokenIsRefreshedAndTheUserStaysSignedIn() throws InterruptedException {
        BrowserlessClient browser = new BrowserlessClient();
        Result login = browser.loginAtKeycloak(base + "app/token", KeycloakServer.USER, KeycloakServer.PASSWORD);
        assertEquals(200, login.status(), () -> login.hops() + "\n" + login.body());
        String before = hash(login.body());

        Thread.sleep(8_000); // now within half the lifetime of the 15-second token

        HttpResponse<String> after = browser.get(base + "app/token", BrowserlessClient.XHR);
        assertEquals(200, after.statusCode(), "still signed in, without a new login: " + after.body());
        assertNotEquals(before, hash(after.body()), "a refreshed token");
        HttpResponse<String> userinfo = browser.get(base + "app/userinfo", BrowserlessClient.XHR);
        assertEquals(200, userinfo.statusCode(), userinfo.body());
        assertTrue(userinfo.body().contains("\"preferred_username\":\"alice\""), userinfo.body());
    }

    private static String hash(String json) {
        Matcher m = HASH.matcher(json);
        assertTrue(m.find(), json);
        return m.group(1);
    }
}
