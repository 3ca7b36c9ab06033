package dev.pkcefilter.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pkcefilter.it.support.AppUrl;
import dev.pkcefilter.it.support.BrowserlessClient;
import dev.pkcefilter.it.support.BrowserlessClient.Result;
import dev.pkcefilter.it.support.ExampleWar;
import dev.pkcefilter.it.support.KeycloakServer;
import java.net.URI;
import java.net.URL;
import java.net.URLDecoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
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
 * with 401. The signed-in person also connects the further client {@code partner} (Keycloak's realm
 * {@value KeycloakServer#PARTNER_REALM}, another authorization server), sees its token beside the sign-in token, and
 * disconnects it again.
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
        for (String path : new String[] {"app/token", "app/connections/partner/token"}) {
            HttpResponse<String> response = new BrowserlessClient().get(app(path), BrowserlessClient.XHR);

            assertEquals(401, response.statusCode(), path + ": " + response.body());
            String challenge = response.headers().firstValue("WWW-Authenticate").orElse("");
            assertTrue(challenge.startsWith("Bearer"), path + ": WWW-Authenticate: " + challenge);
        }
    }

    @Test
    void signedInPersonConnectsPartnerSeesItsTokenAndDisconnectsIt() {
        BrowserlessClient browser = new BrowserlessClient();
        Result signedIn = browser.loginAtKeycloak(app("app/"), KeycloakServer.USER, KeycloakServer.PASSWORD);
        assertEquals(200, signedIn.status(), () -> signedIn.hops() + "\n" + signedIn.body());
        String connectHref = "../oauth/connect/partner?return=%2Fexample%2Fapp%2F";
        assertTrue(signedIn.body().contains("<a id=\"connect-partner\" href=\"" + connectHref + "\">Connect partner</a>"),
                signedIn.body());
        assertFalse(signedIn.body().contains("partner-facts"), signedIn.body());
        String signInToken = jsonString(browser.get(app("app/token"), BrowserlessClient.XHR).body(), "tokenSha256");

        HttpResponse<String> notYet = browser.get(app("app/connections/partner/token"), BrowserlessClient.XHR);
        assertEquals(200, notYet.statusCode(), notYet.body());
        assertEquals("{\"present\":false}", notYet.body());
        HttpResponse<String> unknown = browser.get(app("app/connections/nobody/token"), BrowserlessClient.XHR);
        assertEquals(404, unknown.statusCode(), unknown.body());
        assertJson(unknown.body(), "\"error\"\\s*:\\s*\"unknown_client\"");

        // the page's link, as a browser resolves it: to the partner realm's login form, where alice signs in too
        String connect = URI.create(app("app/")).resolve(connectHref).toString();
        Result connected = browser.loginAtKeycloak(connect, KeycloakServer.USER, KeycloakServer.PASSWORD);
        assertEquals(200, connected.status(), () -> connected.hops() + "\n" + connected.body());
        assertEquals(URI.create(app("app/")), connected.uri(), () -> connected.hops().toString());
        String authorize = connected.hops().get(0).location();
        assertTrue(authorize.startsWith(KeycloakServer.forTests().partnerIssuer() + "/protocol/openid-connect/auth?"),
                () -> connected.hops().toString());
        Map<String, String> query = queryParameters(URI.create(authorize));
        assertEquals(KeycloakServer.PARTNER_CLIENT_ID, query.get("client_id"), authorize);
        assertEquals("S256", query.get("code_challenge_method"), authorize);
        assertEquals(app("oauth/callback/partner"), query.get("redirect_uri"), "its own redirect URI (RFC 9700 4.4)");
        assertTrue(connected.hops().stream().anyMatch(h -> h.uri().toString().startsWith(app("oauth/callback/partner?"))
                && h.status() == 302), () -> connected.hops().toString());

        HttpResponse<String> partner = browser.get(app("app/connections/partner/token"), BrowserlessClient.XHR);
        assertEquals(200, partner.statusCode(), partner.body());
        assertJson(partner.body(), "\"present\"\\s*:\\s*true");
        assertJson(partner.body(), "\"tokenType\"\\s*:\\s*\"Bearer\"");
        assertJson(partner.body(), "\"scope\"\\s*:\\s*\"[^\"]*email[^\"]*\"");
        String partnerToken = jsonString(partner.body(), "tokenSha256");
        assertNotEquals(signInToken, partnerToken, "the partner's token is its own");
        assertEquals(signInToken, jsonString(browser.get(app("app/token"), BrowserlessClient.XHR).body(), "tokenSha256"),
                "the sign-in token is untouched by the connection");

        String page = connected.body();
        assertTrue(page.contains("<table id=\"partner-facts\">"), page);
        assertTrue(page.contains(partnerToken.substring(0, 16) + "…"), () -> "no partner token prefix in " + page);
        assertTrue(page.contains(signInToken.substring(0, 16) + "…"), () -> "no sign-in token prefix in " + page);
        assertTrue(page.contains("id=\"disconnect-partner\">Disconnect partner</button>"), page);
        assertFalse(page.contains("Connect partner"), page);

        // another site's POST is refused and changes nothing
        String disconnect = app("oauth/disconnect/partner?return=%2Fexample%2Fapp%2F");
        assertTrue(page.contains("<form method=\"post\" action=\"../oauth/disconnect/partner?return=%2Fexample%2Fapp%2F\">"),
                page);
        HttpResponse<String> forged = browser.postForm(disconnect, Map.of(),
                Map.of("Accept", BrowserlessClient.NAVIGATION.get("Accept"), "Origin", "http://evil.example"));
        assertEquals(403, forged.statusCode(), forged.body());
        assertJson(browser.get(app("app/connections/partner/token"), BrowserlessClient.XHR).body(),
                "\"present\"\\s*:\\s*true");

        // the page's "Disconnect partner" button, as a browser posts it
        HttpResponse<String> dropped = browser.postForm(disconnect, Map.of(),
                Map.of("Accept", BrowserlessClient.NAVIGATION.get("Accept"), "Origin", origin()));
        assertEquals(303, dropped.statusCode(), dropped.body());
        assertEquals(URI.create(app("app/")), dropped.uri().resolve(BrowserlessClient.location(dropped)));
        assertEquals("{\"present\":false}", browser.get(app("app/connections/partner/token"), BrowserlessClient.XHR).body());
        assertEquals(signInToken, jsonString(browser.get(app("app/token"), BrowserlessClient.XHR).body(), "tokenSha256"),
                "still signed in with the same token");
        Result after = browser.navigate(app("app/"));
        assertEquals(200, after.status(), () -> after.hops().toString());
        assertEquals(URI.create(app("app/")), after.uri(), () -> after.hops().toString());
        assertTrue(after.body().contains(">Connect partner</a>"), after.body());
    }

    private String origin() {
        return base.getProtocol() + "://" + base.getHost() + ":" + base.getPort();
    }

    private static Map<String, String> queryParameters(URI uri) {
        Map<String, String> parameters = new LinkedHashMap<>();
        for (String pair : uri.getRawQuery().split("&")) {
            int eq = pair.indexOf('=');
            parameters.put(URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8),
                    eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return parameters;
    }

    private static String jsonString(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\"\\s*:\\s*\"([^\"]*)\"").matcher(json);
        assertTrue(m.find(), () -> "no " + name + " in " + json);
        return m.group(1);
    }

    private String app(String path) {
        return base.toString() + path;
    }

    private static void assertJson(String body, String regex) {
        assertTrue(Pattern.compile(regex).matcher(body).find(), () -> "no " + regex + " in " + body);
    }
}
