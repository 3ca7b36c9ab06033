package dev.pkcefilter.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URL;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.pkcefilter.it.support.AppUrl;
import dev.pkcefilter.it.support.BrowserlessClient;
import dev.pkcefilter.it.support.ExampleWar;
import dev.pkcefilter.it.support.KeycloakServer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The client's duties of RFC 9700 (OAuth 2.0 Security Best Current Practice), attacked for real: the example WAR
 * against Keycloak (client {@code pkce-example}, PKCE S256 required, {@code iss} on every callback), codes obtained
 * through Keycloak's own login form and replayed the way an attacker would.
 *
 * <p>The rest of the client's duties are proven elsewhere: S256 only and the exact redirect_uri
 * ({@code PublicClientIT}, {@code ExampleKeycloakIT}), state single use and expiring ({@code PublicClientIT}), the
 * session id change ({@code PublicClientIT}), and no secret in any log or page ({@code LeakIT}).
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class SecurityBcpIT {

    private final URL base = AppUrl.of(ExampleWar.CONTEXT_ROOT);

    @Deployment(testable = false)
    static WebArchive example() {
        return ExampleWar.withContextParams(Map.of("pkce.issuer", KeycloakServer.forTests().issuer()));
    }

    /**
     * Login CSRF (RFC 9700 §4.7, RFC 6749 §10.12): the attacker signs in, keeps the callback URL with his code and
     * state, and makes the victim's browser open it. The state was never issued to the victim's session, so the
     * victim is not signed in to the attacker's account.
     */
    @Test
    void anotherBrowsersCodeAndStateAreRefused() {
        URI attackersCallback = new BrowserlessClient().signInUntilCallback(app("app/token"), KeycloakServer.USER,
                KeycloakServer.PASSWORD);
        BrowserlessClient victim = new BrowserlessClient();
        assertEquals(302, victim.get(app("app/token"), BrowserlessClient.NAVIGATION).statusCode(),
                "the victim has a session with a login of its own pending");

        HttpResponse<String> answer = victim.get(attackersCallback.toString(), BrowserlessClient.NAVIGATION);

        assertRefused(answer, 400, "Unknown sign-in response");
        assertSignedOut(victim);
    }

    /**
     * Authorization code injection (RFC 9700 §4.5): the attacker holds a code issued to the victim and sends it to
     * the client with a state of his own session. The state is genuine, so the client exchanges the code, with the
     * attacker's session's verifier; Keycloak refuses it because that verifier does not match the victim's
     * challenge (RFC 7636 §4.6), and the attacker's session gets no token.
     */
    @Test
    void aStolenCodeReplayedWithTheAttackersOwnStateIsRefusedBecauseOfPkce() {
        URI victimsCallback = new BrowserlessClient().signInUntilCallback(app("app/token"), KeycloakServer.USER,
                KeycloakServer.PASSWORD);
        BrowserlessClient attacker = new BrowserlessClient();
        HttpResponse<String> start = attacker.get(app("app/token"), BrowserlessClient.NAVIGATION);
        assertEquals(302, start.statusCode(), start.body());
        String attackersState = parameter(URI.create(location(start)), "state").orElseThrow();

        HttpResponse<String> answer = attacker.get(withParameter(victimsCallback, "state", attackersState),
                BrowserlessClient.NAVIGATION);

        assertRefused(answer, 502, "Sign-in could not be completed");
        assertTrue(answer.body().contains("invalid_grant"), answer.body());
        assertTrue(answer.body().contains("PKCE"), "Keycloak names PKCE as the reason: " + answer.body());
        assertSignedOut(attacker);
    }

    /**
     * Mix-up defence (RFC 9207 §2.4, RFC 9700 §4.4): Keycloak announces
     * {@code authorization_response_iss_parameter_supported}, so a callback without {@code iss} is refused
     * before its code is sent anywhere.
     */
    @Test
    void aCallbackWithoutIssIsRefusedWhenTheServerAnnouncesIt() {
        BrowserlessClient browser = new BrowserlessClient();
        URI callback = browser.signInUntilCallback(app("app/token"), KeycloakServer.USER, KeycloakServer.PASSWORD);
        assertTrue(parameter(callback, "iss").isPresent(), "Keycloak sends iss: " + callback.getRawQuery());

        HttpResponse<String> answer = browser.get(withParameter(callback, "iss", null), BrowserlessClient.NAVIGATION);

        assertRefused(answer, 400, "Invalid sign-in response");
        assertSignedOut(browser);
    }

    /** Mix-up defence (RFC 9207 §2.4): a callback naming another issuer is refused. */
    @Test
    void aCallbackFromAnotherIssuerIsRefused() {
        BrowserlessClient browser = new BrowserlessClient();
        URI callback = browser.signInUntilCallback(app("app/token"), KeycloakServer.USER, KeycloakServer.PASSWORD);

        HttpResponse<String> answer = browser.get(withParameter(callback, "iss",
                KeycloakServer.forTests().issuer() + "-evil"), BrowserlessClient.NAVIGATION);

        assertRefused(answer, 400, "Invalid sign-in response");
        assertSignedOut(browser);
    }

    /**
     * No token in a URL, and the code and state not beyond the callback (RFC 9700 §4.3, §2.1.1): the callback
     * answers with a relative redirect to the page first asked for, with {@code no-store} and
     * {@code no-referrer} so the code in its URL goes nowhere; no page of the application shows a token (Keycloak's
     * access, refresh and ID tokens are all JWTs, {@code eyJ...}).
     */
    @Test
    void noTokenReachesAUrlOrThePagesAndTheCodeStopsAtTheCallback() {
        BrowserlessClient browser = new BrowserlessClient();
        URI callback = browser.signInUntilCallback(app("app/token?x=1"), KeycloakServer.USER, KeycloakServer.PASSWORD);

        HttpResponse<String> answer = browser.get(callback.toString(), BrowserlessClient.NAVIGATION);

        assertEquals(302, answer.statusCode(), answer.body());
        assertEquals(base.getPath() + "app/token?x=1", location(answer));
        assertEquals("no-store", answer.headers().firstValue("Cache-Control").orElse(""));
        assertEquals("no-referrer", answer.headers().firstValue("Referrer-Policy").orElse(""));
        List<HttpResponse<String>> seen = new ArrayList<>(List.of(answer));
        for (String page : new String[] {"", "app/", "app/token?x=1", "app/userinfo"}) {
            HttpResponse<String> response = browser.get(app(page), BrowserlessClient.NAVIGATION);
            assertEquals(200, response.statusCode(), page + ": " + response.body());
            seen.add(response);
        }
        for (HttpResponse<String> response : seen) {
            String everything = response.uri() + "\n" + response.headers().map() + "\n" + response.body();
            assertFalse(everything.contains("eyJ"), "a JWT in " + response.uri() + ":\n" + everything);
        }
    }

    private String app(String path) {
        return base + path;
    }

    private void assertSignedOut(BrowserlessClient browser) {
        HttpResponse<String> api = browser.get(app("app/token"), BrowserlessClient.XHR);
        assertEquals(401, api.statusCode(), "no token in this session: " + api.body());
    }

    private static void assertRefused(HttpResponse<String> answer, int status, String title) {
        assertEquals(status, answer.statusCode(), answer.body());
        assertTrue(answer.body().contains(title), answer.body());
        assertFalse(answer.body().contains("Exception"), answer.body());
        assertEquals("no-store", answer.headers().firstValue("Cache-Control").orElse(""));
    }

    private static String location(HttpResponse<String> response) {
        return BrowserlessClient.location(response);
    }

    private static Optional<String> parameter(URI uri, String name) {
        for (String pair : uri.getRawQuery().split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && pair.substring(0, eq).equals(name)) {
                return Optional.of(URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return Optional.empty();
    }

    /** {@code uri} with the parameter {@code name} replaced by {@code value}, or removed when it is null. */
    private static String withParameter(URI uri, String name, String value) {
        List<String> pairs = new ArrayList<>();
        for (String pair : uri.getRawQuery().split("&")) {
            if (!pair.startsWith(name + "=")) {
                pairs.add(pair);
            }
        }
        if (value != null) {
            pairs.add(name + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8));
        }
        String uriText = uri.toString();
        return uriText.substring(0, uriText.indexOf('?') + 1) + String.join("&", pairs);
    }
}
