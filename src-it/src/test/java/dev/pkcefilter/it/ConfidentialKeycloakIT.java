package dev.pkcefilter.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpResponse;
import java.util.Map;

import dev.pkcefilter.it.support.AppUrl;
import dev.pkcefilter.it.support.BrowserlessClient;
import dev.pkcefilter.it.support.BrowserlessClient.Result;
import dev.pkcefilter.it.support.ExampleWar;
import dev.pkcefilter.it.support.KeycloakServer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The example WAR as a confidential client ({@code client_secret_basic}, the default with a secret) of the real
 * Keycloak, which requires PKCE S256 and the client's secret.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ConfidentialKeycloakIT {

    private final URL base = AppUrl.of(ExampleWar.CONTEXT_ROOT);

    @Deployment(testable = false)
    static WebArchive example() {
        return ExampleWar.withContextParams(Map.of(
                "pkce.issuer", KeycloakServer.forTests().issuer(),
                "pkce.client-id", "pkce-confidential",
                "pkce.client-secret", "pkce-confidential-secret"));
    }

    @Test
    void confidentialClientSignsInAndCallsTheApi() {
        BrowserlessClient browser = new BrowserlessClient();
        String requested = base + "app/token";

        Result result = browser.loginAtKeycloak(requested, KeycloakServer.USER, KeycloakServer.PASSWORD);

        assertEquals(200, result.status(), () -> result.hops() + "\n" + result.body());
        assertEquals(URI.create(requested), result.uri());
        assertTrue(result.body().contains("\"present\":true"), result.body());
        HttpResponse<String> userinfo = browser.get(base + "app/userinfo", BrowserlessClient.NAVIGATION);
        assertEquals(200, userinfo.statusCode(), userinfo.body());
        assertTrue(userinfo.body().contains("\"email\":\"alice@example.org\""), userinfo.body());
    }
}
