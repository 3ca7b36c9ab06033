package dev.pkcefilter.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
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
 * A confidential client with {@code client_secret_post} and {@code pkce.token-request-format=json}, endpoints
 * given explicitly (no discovery), against the fake server.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class JsonTokenRequestIT extends AgainstFakeServer {

    JsonTokenRequestIT() {
        super("json");
    }

    @Deployment(testable = false)
    static WebArchive app() throws Exception {
        fake = new FakeAuthorizationServer();
        fake.requireClientSecret("json-secret");
        return TestWars.tokenApp("json.war", Map.of(
                "pkce.authorization-endpoint", fake.issuer() + "/authorize",
                "pkce.token-endpoint", fake.issuer() + "/token",
                "pkce.client-id", "json-app",
                "pkce.client-secret", "json-secret",
                "pkce.client-auth", "client_secret_post",
                "pkce.token-request-format", "json",
                "pkce.protected-paths", "/app/*"));
    }

    @Test
    void postsAJsonBodyWithTheCredentialsInIt() {
        BrowserlessClient browser = new BrowserlessClient();
        HttpResponse<String> page = browser.navigate(base + "app/servlet").response();
        assertEquals(200, page.statusCode(), page.body());
        assertTrue(page.body().startsWith("{\"present\":true"), page.body());

        assertTrue(fake.requests("/.well-known/openid-configuration").isEmpty(), "endpoints given: no discovery");
        Recorded token = fake.requests("/token").get(0);
        assertTrue(token.header("Content-Type").startsWith("application/json"), token.header("Content-Type"));
        assertNull(token.header("Authorization"));
        Map<String, String> json = FakeAuthorizationServer.json(token.body());
        assertEquals("authorization_code", json.get("grant_type"));
        assertEquals("json-app", json.get("client_id"));
        assertEquals("json-secret", json.get("client_secret"));
        String challenge = fake.requests("/authorize").get(0).queryParameters().get("code_challenge");
        assertEquals(challenge, FakeAuthorizationServer.s256(json.get("code_verifier")));
        assertTrue(token.body().trim().startsWith("{"), token.body());
    }
}
