package dev.pkcefilter.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pkcefilter.it.support.AppUrl;
import dev.pkcefilter.it.support.BrowserlessClient;
import dev.pkcefilter.it.support.BrowserlessClient.Result;
import dev.pkcefilter.it.support.ExampleWar;
import dev.pkcefilter.it.support.KeycloakServer;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Map;
import java.util.regex.Pattern;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The real example WAR on Payara Micro and on WildFly against a real Keycloak: a person signs in, the application
 * holds a token and uses it, signs out (which ends Keycloak's session too); a script without a session is refused
 * with 401.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ExampleKeycloakIT {

    private final URL base = AppUrl.of(ExampleWar.CONTEXT_ROOT);

    @Deployment(testable = false)
    static WebArchive example() {
        // started here, before the archive is deployed; stopped when the test JVM ends
        return ExampleWar.withContextParams(Map.of("pkce.issuer", KeycloakServer.forTests().issuer()));
    }

    @Test
    void publicPageIsOpen() {
        HttpResponse<String> page = new BrowserlessClient().get(app(""), BrowserlessClient.NAVIGATION);
        assertEquals(200, page.statusCode(), page.body());
    }

    @Test
    void navigationWithoutSessionIsSentToKeycloakWithPkce() {
        HttpResponse<String> response = new BrowserlessClient().get(app("app/"), BrowserlessClient.NAVIGATION);

        assertEquals(302, response.statusCode(), response.body());
        String location = BrowserlessClient.location(response);
        assertTrue(location.startsWith(KeycloakServer.forTests().issuer() + "/protocol/openid-connect/auth?"), location);
        String query = URI.create(location).getRawQuery();
        for (String expected : new String[] {"response_type=code", "client_id=pkce-example", "code_challenge_method=S256"}) {
            assertTrue(("&" + query + "&").contains("&" + expected + "&"), expected + " missing in " + location);
        }
        assertTrue(query.matches("(.*&)?code_challenge=[A-Za-z0-9_-]{43}(&.*)?"), location);
        assertTrue(query.matches("(.*&)?state=[^&]{16,}(&.*)?"), location);
    }

    @Test
    void signInReturnsToTheRequestedUrlAndTheTokenWorks() {
        BrowserlessClient browser = new BrowserlessClient();
        String requested = app("app/token?x=1&y=%2F");

        Result result = browser.loginAtKeycloak(requested, KeycloakServer.USER, KeycloakServer.PASSWORD);

        assertEquals(200, result.status(), () -> result.hops() + "\n" + result.body());
        assertEquals(URI.create(requested), result.uri(), () -> result.hops().toString());
        assertJson(result.body(), "\"present\"\\s*:\\s*true");

        HttpResponse<String> userinfo = browser.get(app("app/userinfo"), BrowserlessClient.NAVIGATION);
        assertEquals(200, userinfo.statusCode(), userinfo.body());
        assertJson(userinfo.body(), "\"preferred_username\"\\s*:\\s*\"alice\"");
    }

    @Test
    void signOutEndsTheSessionHereAndAtKeycloak() {
        BrowserlessClient browser = new BrowserlessClient();
        Result signedIn = browser.loginAtKeycloak(app("app/"), KeycloakServer.USER, KeycloakServer.PASSWORD);
        assertEquals(200, signedIn.status(), () -> signedIn.hops() + "\n" + signedIn.body());
        assertTrue(signedIn.body().contains("<form method=\"post\" action=\"../oauth/logout\">"), signedIn.body());

        // the page's "Sign out" button, as a browser posts it
        String origin = base.getProtocol() + "://" + base.getHost() + ":" + base.getPort();
        HttpResponse<String> logout = browser.postForm(app("oauth/logout"), Map.of(),
                Map.of("Accept", BrowserlessClient.NAVIGATION.get("Accept"), "Origin", origin));
        assertEquals(302, logout.statusCode(), logout.body());
        String endSession = BrowserlessClient.location(logout);
        assertTrue(endSession.startsWith(KeycloakServer.forTests().issuer() + "/protocol/openid-connect/logout?"),
                endSession);
        assertTrue(endSession.contains("&id_token_hint="), "an ID token was received with scope openid");

        // Keycloak 26 ends its session and, with a valid id_token_hint, sends the browser straight back
        Result back = browser.follow(logout, BrowserlessClient.NAVIGATION, new ArrayList<>());
        assertEquals(URI.create(app("")), back.uri(), () -> back.hops() + "\n" + back.body());
        assertEquals(200, back.status(), () -> back.hops().toString());

        // signed out here: a script is refused; and at Keycloak: a page asks for the password again
        assertEquals(401, browser.get(app("app/token"), BrowserlessClient.XHR).statusCode());
        Result again = browser.navigate(app("app/token"));
        assertEquals(200, again.status(), () -> again.hops().toString());
        assertTrue(again.uri().toString().startsWith(KeycloakServer.forTests().issuer() + "/"), again.uri()::toString);
        assertTrue(again.body().contains("id=\"kc-form-login\""), () -> "no login form at " + again.uri()
                + " (Keycloak's session survived?)\n" + again.body());
    }

    @Test
    void scriptWithoutSessionGets401() {
        HttpResponse<String> response = new BrowserlessClient().get(app("app/token"), BrowserlessClient.XHR);

        assertEquals(401, response.statusCode(), response.body());
        String challenge = response.headers().firstValue("WWW-Authenticate").orElse("");
        assertTrue(challenge.startsWith("Bearer"), "WWW-Authenticate: " + challenge);
    }

    private String app(String path) {
        return base.toString() + path;
    }

    private static void assertJson(String body, String regex) {
        assertTrue(Pattern.compile(regex).matcher(body).find(), () -> "no " + regex + " in " + body);
    }
}
