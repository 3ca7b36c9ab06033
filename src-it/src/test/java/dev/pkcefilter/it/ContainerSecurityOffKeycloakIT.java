package dev.pkcefilter.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URL;
import java.net.http.HttpResponse;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.pkcefilter.it.support.AppUrl;
import dev.pkcefilter.it.support.BrowserlessClient;
import dev.pkcefilter.it.support.BrowserlessClient.Result;
import dev.pkcefilter.it.support.ContainerSecurityWar;
import dev.pkcefilter.it.support.ExampleWar;
import dev.pkcefilter.it.support.KeycloakServer;
import dev.pkcefilter.it.support.RequestCost;

/**
 * {@link ContainerSecurityKeycloakIT}'s application without {@code pkce.container-security} (the default): the
 * request wrapper still gives the user to the filter's paths ({@code /app/admin}), and pkce-filter adds no
 * mechanism, so the container itself knows nobody; the baseline of the mechanism's cost.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ContainerSecurityOffKeycloakIT {

    private final URL base = AppUrl.of(ExampleWar.CONTEXT_ROOT);

    @Deployment(testable = false)
    static WebArchive example() {
        return ContainerSecurityWar.of(false);
    }

    @Test
    void withoutTheKeyOnlyTheWrapperKnowsAlice() {
        BrowserlessClient browser = new BrowserlessClient();
        Result me = browser.loginAtKeycloak(app("app/me"), KeycloakServer.USER, KeycloakServer.PASSWORD);
        assertEquals(200, me.status(), () -> me.hops() + "\n" + me.body());

        HttpResponse<String> admin = browser.get(app("app/admin"), BrowserlessClient.XHR);
        assertEquals(200, admin.statusCode(), admin.body());

        HttpResponse<String> who = browser.get(app("plain/who"), BrowserlessClient.XHR);
        assertEquals(200, who.statusCode(), who.body());
        ContainerSecurityKeycloakIT.assertNobody(who.body());
        assertEquals(403, browser.get(app("plain/admin-ejb"), BrowserlessClient.XHR).statusCode());
    }

    @Test
    void costOfTheWrapperAlone() {
        BrowserlessClient browser = new BrowserlessClient();
        Result me = browser.loginAtKeycloak(app("app/me"), KeycloakServer.USER, KeycloakServer.PASSWORD);
        assertEquals(200, me.status(), () -> me.hops() + "\n" + me.body());

        RequestCost.measure("GET /app/me, wrapper only", browser, app("app/me"));
    }

    private String app(String path) {
        return base + path;
    }
}
