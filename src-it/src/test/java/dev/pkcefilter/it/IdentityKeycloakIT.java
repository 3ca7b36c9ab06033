package dev.pkcefilter.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.regex.Pattern;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.pkcefilter.it.app.SessionSizeServlet;
import dev.pkcefilter.it.support.AppUrl;
import dev.pkcefilter.it.support.BrowserlessClient;
import dev.pkcefilter.it.support.BrowserlessClient.Result;
import dev.pkcefilter.it.support.ExampleWar;
import dev.pkcefilter.it.support.KeycloakServer;

/**
 * The example WAR on Payara Micro and on WildFly against a real Keycloak: the verified user is the container's,
 * with the realm roles Keycloak puts into its access token ({@code realm_access.roles}); {@code @RolesAllowed} on a
 * JAX-RS resource opens to the role only; and a rotation of the realm's keys needs no redeployment.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class IdentityKeycloakIT {

    private final URL base = AppUrl.of(ExampleWar.CONTEXT_ROOT);

    @Deployment(testable = false)
    static WebArchive example() {
        return ExampleWar.withContextParams(Map.of("pkce.issuer", KeycloakServer.forTests().issuer()))
                .addClass(SessionSizeServlet.class);
    }

    @Test
    void aliceIsTheContainersUserWithHerRealmRoles() {
        BrowserlessClient browser = new BrowserlessClient();
        Result me = browser.loginAtKeycloak(app("app/me"), KeycloakServer.USER, KeycloakServer.PASSWORD);

        assertEquals(200, me.status(), () -> me.hops() + "\n" + me.body());
        assertJson(me.body(), "\"name\"\\s*:\\s*\"alice\"");
        assertJson(me.body(), "\"verified\"\\s*:\\s*true");
        assertJson(me.body(), "\"issuer\"\\s*:\\s*\"" + Pattern.quote(KeycloakServer.forTests().issuer()) + "\"");
        assertJson(me.body(), "\"subject\"\\s*:\\s*\"[0-9a-f-]{36}\"");
        assertJson(me.body(), "\"roles\"\\s*:\\s*\\[[^\\]]*\"admin\"");

        HttpResponse<String> admin = browser.get(app("app/admin"), BrowserlessClient.XHR);
        assertEquals(200, admin.statusCode(), admin.body());
        assertJson(admin.body(), "\"admin\"\\s*:\\s*true");
        assertJson(admin.body(), "\"name\"\\s*:\\s*\"alice\"");

        HttpResponse<String> page = browser.get(app("app/"), BrowserlessClient.NAVIGATION);
        assertTrue(page.body().contains("Hello, alice"), page.body());
    }

    @Test
    void bobWithoutTheRoleIsRefusedByRolesAllowed() {
        BrowserlessClient browser = new BrowserlessClient();
        Result me = browser.loginAtKeycloak(app("app/me"), KeycloakServer.OTHER_USER, KeycloakServer.OTHER_PASSWORD);

        assertEquals(200, me.status(), () -> me.hops() + "\n" + me.body());
        assertJson(me.body(), "\"name\"\\s*:\\s*\"bob\"");
        assertFalse(me.body().contains("\"admin\""), me.body());

        HttpResponse<String> admin = browser.get(app("app/admin"), BrowserlessClient.XHR);
        assertEquals(403, admin.statusCode(), admin.body());
    }

    @Test
    void aRotationOfTheRealmsKeysNeedsNoRedeployment() {
        BrowserlessClient before = new BrowserlessClient();
        Result signedIn = before.loginAtKeycloak(app("app/me"), KeycloakServer.USER, KeycloakServer.PASSWORD);
        assertEquals(200, signedIn.status(), () -> signedIn.hops() + "\n" + signedIn.body());

        String key = KeycloakServer.forTests().addSigningKey();
        try {
            // a new login's ID token is signed with the new key, which the application fetches on first sight
            BrowserlessClient after = new BrowserlessClient();
            Result me = after.loginAtKeycloak(app("app/me"), KeycloakServer.OTHER_USER, KeycloakServer.OTHER_PASSWORD);
            assertEquals(200, me.status(), () -> me.hops() + "\n" + me.body());
            assertJson(me.body(), "\"verified\"\\s*:\\s*true");

            // the session signed in before goes on
            HttpResponse<String> still = before.get(app("app/me"), BrowserlessClient.XHR);
            assertEquals(200, still.statusCode(), still.body());
            assertJson(still.body(), "\"name\"\\s*:\\s*\"alice\"");
        } finally {
            KeycloakServer.forTests().removeComponent(key);
        }
    }

    /** Issue 14: the session stays under 4 KB with Keycloak's tokens and the verified user. */
    @Test
    void theSessionOfASignedInUserStaysUnder4KB() {
        BrowserlessClient browser = new BrowserlessClient();
        Result me = browser.loginAtKeycloak(app("app/me"), KeycloakServer.USER, KeycloakServer.PASSWORD);
        assertEquals(200, me.status(), () -> me.hops() + "\n" + me.body());

        String size = browser.get(app("public/session-size"), BrowserlessClient.XHR).body();
        java.util.regex.Matcher bytes = Pattern.compile("\"bytes\":(\\d+)").matcher(size);
        assertTrue(bytes.find(), size);
        System.out.println("IdentityKeycloakIT: pkce-filter's session attributes after alice's login (Keycloak's"
                + " tokens for openid profile email, her verified user with roles): " + bytes.group(1) + " bytes");
        assertTrue(Integer.parseInt(bytes.group(1)) < 4096, size);
    }

    private static void assertJson(String body, String regex) {
        assertTrue(Pattern.compile(regex).matcher(body).find(), () -> regex + " not in " + body);
    }

    private String app(String path) {
        return base + path;
    }
}
