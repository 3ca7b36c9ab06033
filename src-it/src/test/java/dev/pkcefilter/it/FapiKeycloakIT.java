package dev.pkcefilter.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import dev.pkcefilter.it.support.AppUrl;
import dev.pkcefilter.it.support.Await;
import dev.pkcefilter.it.support.Browser;
import dev.pkcefilter.it.support.Browser.Document;
import dev.pkcefilter.it.support.ExampleWar;
import dev.pkcefilter.it.support.KeycloakServer;
import dev.pkcefilter.it.support.ServerLog;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The FAPI 2.0 proof against the real Keycloak 26: the example WAR on Payara Micro and on WildFly signs in as the
 * realm's client {@value KeycloakServer#FAPI_CLIENT_ID}, to which a realm client policy applies the profile
 * {@code fapi-2-dpop-loopback} (Keycloak's {@code fapi-2-dpop-security-profile} with http allowed on loopback
 * redirect URIs): pushed authorization requests (RFC 9126, {@code pkce.par=always}), {@code private_key_jwt}
 * (RFC 7523) with an ES256 key this test makes and registers at Keycloak, DPoP-bound tokens (RFC 9449,
 * {@code pkce.dpop=true}), PKCE S256, the {@code iss} response parameter (RFC 9207), consent, PS256 ID tokens. A
 * person signs in on Keycloak's login form and consent page in a real Chromium, the example calls Keycloak's
 * userinfo with {@code Authorization: DPoP} and a proof (through {@code BearerTokenFilter}), the token is refreshed,
 * and the person signs out, here and at Keycloak, back on the application's home page (the client has
 * Front-channel logout off, which the profile's browser logout needs).
 *
 * <p>Keycloak's refusals are proven with further clients of the same deployment that connect the same Keycloak
 * client wrongly: without PAR, with a client secret, with a key Keycloak does not know under the registered key's
 * {@code kid}, and without DPoP.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class FapiKeycloakIT {

    /** What the example shows as the token's type: Keycloak answers {@code token_type: DPoP} (RFC 9449 §5). */
    private static final String TOKEN_TYPE = "DPoP";
    private static final Pattern HASH = Pattern.compile("\"tokenSha256\"\\s*:\\s*\"([0-9a-f]{64})\"");
    private static final Pattern ALICE = Pattern.compile("\"preferred_username\"\\s*:\\s*\"alice\"");

    private final URL base = AppUrl.of(ExampleWar.CONTEXT_ROOT);

    @Deployment(testable = false)
    static WebArchive example() throws Exception {
        KeycloakServer keycloak = KeycloakServer.forTests(); // started here, before the archive is deployed
        Path dir = Files.createDirectories(Path.of("target", "fapi-keycloak").toAbsolutePath());
        KeyPair registered = ecKeyPair();
        KeyPair unknown = ecKeyPair();
        Path key = writePem(dir.resolve("client.pem"), registered);
        Path otherKey = writePem(dir.resolve("unregistered.pem"), unknown);
        // only the public key leaves the test: Keycloak finds it by its kid, the RFC 7638 thumbprint, which is also
        // pkce-filter's default pkce.client-key-id
        ECKey jwk = new ECKey.Builder(Curve.P_256, (ECPublicKey) registered.getPublic())
                .keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.ES256).keyIDFromThumbprint().build();
        keycloak.registerClientKeys(KeycloakServer.FAPI_CLIENT_ID, new JWKSet(jwk).toString(true));

        Map<String, String> params = new LinkedHashMap<>();
        params.put("pkce.issuer", keycloak.issuer());
        params.put("pkce.client-id", KeycloakServer.FAPI_CLIENT_ID);
        params.put("pkce.client-auth", "private_key_jwt");
        params.put("pkce.client-key-file", key.toString());
        params.put("pkce.par", "always"); // Keycloak's metadata never says require_pushed_authorization_requests
        params.put("pkce.dpop", "true");
        // the client's access tokens live 15 s: a refresh is due 7.5 s after sign-in (the skew is cut to half)
        params.put("pkce.refresh-skew", "PT10S");
        params.put("pkce.clients", "partner,nopar,secret,wrongkey,nodpop");
        // the same Keycloak client, connected wrongly
        further(params, "nopar", key);
        params.put("pkce.nopar.par", "never");
        params.put("pkce.secret.issuer", keycloak.issuer());
        params.put("pkce.secret.client-id", KeycloakServer.FAPI_CLIENT_ID);
        params.put("pkce.secret.client-auth", "client_secret_basic");
        params.put("pkce.secret.client-secret", "not-a-secret-keycloak-knows-for-this-client");
        params.put("pkce.secret.par", "always");
        further(params, "wrongkey", otherKey);
        params.put("pkce.wrongkey.client-key-id", jwk.getKeyID()); // the registered key's kid, another key's signature
        further(params, "nodpop", key);
        params.put("pkce.nodpop.dpop", "false");
        return ExampleWar.withContextParams(params);
    }

    /** A further client connecting the same Keycloak client, right in everything but what the test changes. */
    private static void further(Map<String, String> params, String name, Path key) {
        params.put("pkce." + name + ".issuer", KeycloakServer.forTests().issuer());
        params.put("pkce." + name + ".client-id", KeycloakServer.FAPI_CLIENT_ID);
        params.put("pkce." + name + ".client-auth", "private_key_jwt");
        params.put("pkce." + name + ".client-key-file", key.toString());
        params.put("pkce." + name + ".par", "always");
        params.put("pkce." + name + ".dpop", "true");
    }

    @Test
    void signInWithParAndPrivateKeyJwtCallsUserinfoRefreshesAndSignsOut() throws IOException {
        String page = app("app/");
        try (Browser browser = new Browser()) {
            List<Document> hops = signIn(browser, page);
            // RFC 9126 §4: the browser carries only client_id and request_uri to Keycloak
            String authorize = hops.stream().map(Document::url)
                    .filter(u -> u.startsWith(KeycloakServer.forTests().issuer() + "/protocol/openid-connect/auth?"))
                    .findFirst().orElseThrow(() -> new AssertionError("no authorization request among " + hops));
            Map<String, String> query = queryParameters(URI.create(authorize));
            assertEquals(List.of("client_id", "request_uri"), List.copyOf(query.keySet()), authorize);
            assertEquals(KeycloakServer.FAPI_CLIENT_ID, query.get("client_id"));
            assertTrue(query.get("request_uri").startsWith("urn:ietf:params:oauth:request_uri:"), authorize);

            // RFC 9207: the callback names the issuer
            assertTrue(hops.stream().anyMatch(d -> d.url().startsWith(app("oauth/callback?"))
                    && queryParameters(URI.create(d.url())).containsKey("iss") && d.status() == 302), hops::toString);

            String signedIn = browser.source();
            assertTrue(signedIn.contains("You are signed in"), browser::describe);
            assertTrue(signedIn.contains("<tr><th>Token type</th><td>" + TOKEN_TYPE + "</td></tr>"), browser::describe);
            assertTrue(signedIn.contains("<tr><th>API answered</th><td>200 OK</td></tr>"), browser::describe);
            browser.screenshot("fapi-signed-in-" + server());

            browser.open(app("app/userinfo")); // the example's ApiClient: userinfo through BearerTokenFilter
            assertPage(browser, ALICE);
            // the PS256 ID token verified (a key Keycloak made for it), the realm role mapped to the client
            browser.open(app("app/me"));
            assertPage(browser, Pattern.compile("\"roles\"\\s*:\\s*\\[\"admin\"\\].*\"verified\"\\s*:\\s*true"));
            browser.open(app("app/token"));
            assertPage(browser, Pattern.compile("\"tokenType\"\\s*:\\s*\"" + TOKEN_TYPE + "\""));
            String before = hash(browser.source());

            // the refresh (RFC 6749 §6) authenticates with a new assertion too, and the new token works
            String after = Await.until("a refreshed token", Duration.ofSeconds(25), () -> {
                browser.open(app("app/token"));
                return hash(browser.source());
            }, h -> !h.equals(before));
            assertNotEquals(before, after);
            browser.open(app("app/userinfo"));
            assertPage(browser, ALICE);

            // sign out: pkce-filter drops the session, revokes the tokens (RFC 7009), and sends the browser to
            // Keycloak's end-session endpoint
            ServerLog log = ServerLog.mark();
            browser.open(page);
            browser.documents();
            browser.driver().findElement(By.cssSelector("form[action='../oauth/logout'] button")).click();
            // read once the browser is back: a redirect hop's status arrives with the next hop's request, which a
            // read in between would split from it
            browser.awaitUrl(app(""));
            List<Document> signOut = browser.documents();
            assertEquals(new Document(app("oauth/logout"), 302), signOut.get(0), () -> redacted(signOut));
            String endSession = signOut.get(1).url();
            assertTrue(endSession.startsWith(KeycloakServer.forTests().issuer() + "/protocol/openid-connect/logout?")
                    && endSession.contains("&id_token_hint="), () -> redacted(signOut));
            // Keycloak ends its session and sends the browser back to the application's home page. Under the profile
            // that needs Front-channel logout off for the client: Keycloak's secure-signature-algorithm-signed-jwt
            // executor checks every front-channel client session's logout for a client_assertion no browser sends,
            // and answers 400 "not allowed input format." (docs/fapi.md, "Sign-out under the profile")
            Document last = signOut.get(signOut.size() - 1);
            String logged = log.writtenSince();
            assertEquals(new Document(app(""), 200), last, () -> redacted(signOut) + "\n" + logged);
            // signed out here and at Keycloak: the protected page sends the browser to Keycloak's login form again
            browser.open(app("app/token"));
            List<Document> again = browser.documents();
            assertEquals(new Document(app("app/token"), 302), again.get(0), again::toString);
            assertTrue(again.get(1).url().startsWith(KeycloakServer.forTests().issuer() + "/protocol/openid-connect/auth?"),
                    again::toString);
            browser.awaitLoginForm();
        }
    }

    @Test
    void withoutParKeycloakRefusesTheSignIn() {
        try (Browser browser = new Browser()) {
            signIn(browser, app("app/"));
            browser.open(connect("nopar"));
            List<Document> documents = browser.documents();
            System.out.println("FAPI without PAR: " + documents);
            browser.screenshot("fapi-without-par-" + server());
            // secure-par-content refuses an authorization request without request_uri with its own error page: the
            // browser never comes back to the application
            Document last = documents.get(documents.size() - 1);
            assertEquals(400, last.status(), documents::toString);
            assertTrue(last.url().startsWith(KeycloakServer.forTests().issuer() + "/protocol/openid-connect/auth?"),
                    documents::toString);
            assertTrue(browser.source().contains("PAR request_uri not included"), browser::describe);
        }
    }

    @Test
    void aClientSecretIsRefusedAtThePushedRequest() {
        try (Browser browser = new Browser()) {
            signIn(browser, app("app/"));
            browser.open(connect("secret"));
            assertErrorPage(browser, 502, "Sign-in could not be started");
        }
    }

    @Test
    void anotherKeyUnderTheRegisteredKidIsRefusedAtThePushedRequest() {
        try (Browser browser = new Browser()) {
            signIn(browser, app("app/"));
            browser.open(connect("wrongkey"));
            assertErrorPage(browser, 502, "Sign-in could not be started");
        }
    }

    @Test
    void withoutDpopKeycloakRefusesTheTokenRequest() {
        try (Browser browser = new Browser()) {
            signIn(browser, app("app/"));
            browser.open(connect("nodpop"));
            // the push and the authorization pass; dpop-bind-enforcer refuses the code grant without a proof
            // (400 invalid_request "DPoP proof is missing"), and the code is spent
            assertErrorPage(browser, 502, "Sign-in could not be completed (nodpop)");
        }
    }

    /**
     * Opens a protected page, signs in on Keycloak's form, accepts the consent page if Keycloak shows it (it
     * remembers a grant per user and client), and waits for the page.
     *
     * @return the documents the browser requested on the way
     */
    private static List<Document> signIn(Browser browser, String page) {
        browser.open(page);
        browser.submitLogin(KeycloakServer.USER, KeycloakServer.PASSWORD);
        try {
            new WebDriverWait(browser.driver(), Browser.WAIT).until(d -> page.equals(d.getCurrentUrl()) || showsConsent(browser));
        } catch (TimeoutException e) {
            throw new AssertionError("neither " + page + " nor a consent page in " + browser.describe(), e);
        }
        if (!page.equals(browser.url())) {
            browser.screenshot("fapi-consent-" + server());
            browser.driver().findElement(By.name("accept")).click();
            browser.awaitUrl(page);
        }
        return browser.documents();
    }

    private static boolean showsConsent(Browser browser) {
        return !browser.showsLoginForm() && !browser.driver().findElements(By.name("accept")).isEmpty();
    }

    private static void assertErrorPage(Browser browser, int status, String title) {
        List<Document> documents = browser.documents();
        System.out.println("FAPI, " + title + ": " + documents);
        assertFalse(documents.isEmpty(), browser::describe);
        assertEquals(status, documents.get(documents.size() - 1).status(), documents::toString);
        String page = browser.source();
        assertTrue(page.contains("<h1>" + title + "</h1>"), browser::describe);
        assertFalse(page.contains("Exception") || page.contains("at dev."), page);
    }

    /** The documents, an ID token in a logout URL's id_token_hint left out. */
    private static String redacted(List<Document> documents) {
        return documents.toString().replaceAll("(id_token_hint=)[^&,\\]]*", "$1…");
    }

    private String connect(String name) {
        return app("oauth/connect/" + name + "?return=%2Fexample%2Fapp%2F");
    }

    private static KeyPair ecKeyPair() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    /** Writes an unencrypted PKCS#8 private key and its public key as PEM, as pkce.client-key-file reads it. */
    private static Path writePem(Path file, KeyPair pair) throws IOException {
        Files.deleteIfExists(file);
        Files.writeString(file, pem("PRIVATE KEY", pair.getPrivate().getEncoded())
                + pem("PUBLIC KEY", pair.getPublic().getEncoded()));
        return file;
    }

    private static String pem(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + label + "-----\n";
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

    private static String hash(String page) {
        Matcher m = HASH.matcher(page);
        assertTrue(m.find(), () -> "no token hash in " + page);
        return m.group(1);
    }

    private static void assertPage(Browser browser, Pattern pattern) {
        assertTrue(pattern.matcher(browser.source()).find(), () -> "no " + pattern + " in " + browser.describe());
    }

    private String app(String path) {
        return base.toString() + path;
    }

    private static String server() {
        return System.getProperty("arquillian.launch", "server");
    }
}
