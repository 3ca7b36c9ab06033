package dev.pkcefilter.it.external;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.Map;

import dev.pkcefilter.it.support.BrowserlessClient;
import dev.pkcefilter.it.support.AgainstFakeServer;
import dev.pkcefilter.it.support.FakeAuthorizationServer;
import dev.pkcefilter.it.support.TestWars;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A WAR with no configuration of its own, configured from outside: environment variables and a system property
 * of the server (read through MicroProfile Config where the server has it).
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ExternalOnlyIT extends AgainstFakeServer {

    ExternalOnlyIT() {
        super("external");
    }

    @Deployment(testable = false)
    static WebArchive app() throws Exception {
        fake = new FakeAuthorizationServer(ExternalConfig.FAKE_PORT);
        return TestWars.tokenAppWithWebXml("external.war", "");
    }

    @Test
    void signsInWithTheServersEnvironmentAndSystemProperties() {
        HttpResponse<String> page = new BrowserlessClient().navigate(base + "app/servlet").response();
        assertEquals(200, page.statusCode(), page.body());
        assertTrue(page.body().startsWith("{\"present\":true"), page.body());
        Map<String, String> authorize = fake.requests("/authorize").get(0).queryParameters();
        assertEquals(ExternalConfig.CLIENT_ID, authorize.get("client_id"));
        assertEquals(ExternalConfig.SCOPE, authorize.get("scope"));
    }

    /** A further client's keys from the environment ({@code PKCE_VENDOR_CLIENT_ID}) and a system property. */
    @Test
    void connectsAFurtherClientConfiguredByTheServersEnvironment() {
        BrowserlessClient browser = new BrowserlessClient();
        HttpResponse<String> signedIn = browser.navigate(base + "app/servlet").response();
        assertEquals(200, signedIn.statusCode(), signedIn.body());
        int before = fake.requests("/authorize").size();

        BrowserlessClient.Result connected = browser.navigate(base + "oauth/connect/vendor");

        Map<String, String> authorize = fake.requests("/authorize").get(before).queryParameters();
        assertEquals(ExternalConfig.VENDOR_CLIENT_ID, authorize.get("client_id"));
        assertEquals(ExternalConfig.VENDOR_SCOPE, authorize.get("scope"));
        assertTrue(authorize.get("redirect_uri").endsWith("/external/oauth/callback/vendor"), authorize.toString());
        assertTrue(connected.hops().stream().anyMatch(h -> h.uri().getPath().endsWith("/oauth/callback/vendor")
                && h.status() == 302), connected.hops().toString());
        Map<String, String> token = fake.requests("/token").get(fake.requests("/token").size() - 1).form();
        assertEquals(ExternalConfig.VENDOR_CLIENT_ID, token.get("client_id"));
        assertEquals("authorization_code", token.get("grant_type"));
    }
}
