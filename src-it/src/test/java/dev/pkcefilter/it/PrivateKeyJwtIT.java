package dev.pkcefilter.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.SignedJWT;
import dev.pkcefilter.it.support.AgainstFakeServer;
import dev.pkcefilter.it.support.BrowserlessClient;
import dev.pkcefilter.it.support.FakeAuthorizationServer;
import dev.pkcefilter.it.support.FakeAuthorizationServer.Recorded;
import dev.pkcefilter.it.support.FakeAuthorizationServer.Revocation;
import dev.pkcefilter.it.support.ServerLog;
import dev.pkcefilter.it.support.TestWars;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code private_key_jwt} (RFC 7523 §2.2, OpenID Connect Core 1.0 §9) on a real server, against fakes that verify
 * every assertion (signature, {@code iss}, {@code sub}, {@code aud} their issuer, {@code exp}, a {@code jti} never
 * seen). The sign-in client's RSA key is in a PKCS#12 keystore (PS256 by default), a further client's EC key in a
 * PEM file (ES256); both are made by this test under {@code target/} and named by context-params. Sign-in, refresh
 * and the logout's revocations authenticate with a fresh assertion each; a replayed one is refused.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class PrivateKeyJwtIT extends AgainstFakeServer {

    private static final String CONTEXT_ROOT = "pkjwt";
    private static final String PASSWORD = "pkjwt-Keystore-pa55";
    private static final String CLIENT_ID = "pkjwt-app";
    private static final String PARTNER_ID = "pkjwt-partner";
    /** The access tokens' lifetime when a refresh is wanted: due after a second (half of it), valid for two. */
    private static final int DUE_AFTER_A_SECOND = 2;

    private static FakeAuthorizationServer partner;
    /** A further client with client_secret_jwt. */
    private static FakeAuthorizationServer macServer;
    private static final String MAC_SECRET = "pkjwt-a-client-secret-of-32-bytes-or-more";
    private static KeyPair rsa;
    private static KeyPair ec;

    PrivateKeyJwtIT() {
        super(CONTEXT_ROOT);
    }

    @Deployment(testable = false)
    static WebArchive app() throws Exception {
        Path dir = Files.createDirectories(Path.of("target", "private-key-jwt").toAbsolutePath());
        Path keystore = dir.resolve("client.p12");
        Files.deleteIfExists(keystore);
        keytool(keystore, PASSWORD);
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(keystore)) {
            store.load(in, PASSWORD.toCharArray());
        }
        rsa = new KeyPair(store.getCertificate("client").getPublicKey(),
                (java.security.PrivateKey) store.getKey("client", PASSWORD.toCharArray()));
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        ec = generator.generateKeyPair();
        Path pem = dir.resolve("partner.pem");
        Files.writeString(pem, pem("PRIVATE KEY", ec.getPrivate().getEncoded())
                + pem("PUBLIC KEY", ec.getPublic().getEncoded()));

        fake = new FakeAuthorizationServer();
        fake.registerClientKey(new RSAKey.Builder((RSAPublicKey) rsa.getPublic()).build());
        partner = new FakeAuthorizationServer();
        partner.registerClientKey(new ECKey.Builder(Curve.P_256, (ECPublicKey) ec.getPublic()).keyID("partner-1")
                .build());
        macServer = new FakeAuthorizationServer();
        macServer.requireClientSecret(MAC_SECRET).requireClientSecretJwt(true);
        Map<String, String> params = new LinkedHashMap<>();
        params.put("pkce.issuer", fake.issuer());
        params.put("pkce.client-id", CLIENT_ID);
        params.put("pkce.client-key-file", keystore.toString());
        params.put("pkce.client-key-password", PASSWORD);
        params.put("pkce.protected-paths", "/app/*");
        params.put("pkce.refresh-skew", "PT5S");
        params.put("pkce.http-timeout", "PT2S");
        params.put("pkce.clients", "partner,mac");
        params.put("pkce.mac.issuer", macServer.issuer());
        params.put("pkce.mac.client-id", "pkjwt-mac");
        params.put("pkce.mac.client-secret", MAC_SECRET);
        params.put("pkce.mac.client-auth", "client_secret_jwt");
        params.put("pkce.partner.issuer", partner.issuer());
        params.put("pkce.partner.client-id", PARTNER_ID);
        params.put("pkce.partner.client-auth", "private_key_jwt");
        params.put("pkce.partner.client-key-file", pem.toString());
        params.put("pkce.partner.client-key-id", "partner-1");
        return TestWars.tokenApp(CONTEXT_ROOT + ".war", params);
    }

    /** A key entry needs a certificate, which only keytool makes without the JDK's internal classes. */
    static void keytool(Path keystore, String password) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-keystore", keystore.toString(), "-storetype", "PKCS12", "-storepass", password,
                "-keypass", password, "-alias", "client", "-keyalg", "RSA", "-keysize", "2048",
                "-dname", "CN=pkce-filter PrivateKeyJwtIT", "-validity", "2").redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("keytool failed: " + new String(output, StandardCharsets.UTF_8));
        }
    }

    static String pem(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + label + "-----\n";
    }

    @AfterAll
    static void stopPartner() {
        if (partner != null) {
            partner.close();
            partner = null;
        }
        if (macServer != null) {
            macServer.close();
            macServer = null;
        }
    }

    @BeforeEach
    void resetFakes() {
        fake.reset();
        partner.reset();
        macServer.reset();
    }

    private BrowserlessClient signedIn() {
        BrowserlessClient browser = new BrowserlessClient();
        HttpResponse<String> page = browser.navigate(base + "app/servlet").response();
        assertEquals(200, page.statusCode(), page.body());
        assertTrue(page.body().startsWith("{\"present\":true"), page.body());
        return browser;
    }

    /** @return the request's assertion, after checking it is one, made for this client and this fake */
    private static SignedJWT assertionOf(Recorded request, String clientId, FakeAuthorizationServer server)
            throws Exception {
        Map<String, String> params = request.parameters();
        assertEquals("urn:ietf:params:oauth:client-assertion-type:jwt-bearer", params.get("client_assertion_type"));
        assertEquals(null, request.header("Authorization"));
        assertFalse(params.containsKey("client_secret"));
        SignedJWT jwt = SignedJWT.parse(params.get("client_assertion"));
        assertEquals(clientId, jwt.getJWTClaimsSet().getIssuer());
        assertEquals(clientId, jwt.getJWTClaimsSet().getSubject());
        assertEquals(List.of(server.issuer()), jwt.getJWTClaimsSet().getAudience());
        assertEquals(60_000, jwt.getJWTClaimsSet().getExpirationTime().getTime()
                - jwt.getJWTClaimsSet().getIssueTime().getTime());
        return jwt;
    }

    @Test
    void signInRefreshAndLogoutEachAuthenticateWithAFreshAssertion() throws Exception {
        ServerLog log = ServerLog.mark();
        fake.tokensExpireIn(DUE_AFTER_A_SECOND);
        BrowserlessClient browser = signedIn();
        Thread.sleep(1_200); // the token is due for refresh after a second: time itself is what is awaited
        fake.tokensExpireIn(300);
        HttpResponse<String> refreshed = browser.get(base + "app/servlet", BrowserlessClient.XHR);
        assertEquals(200, refreshed.statusCode(), refreshed.body());
        assertEquals(1, fake.refreshGrants());

        HttpResponse<String> logout = browser.postForm(base + "oauth/logout", Map.of(),
                Map.of("Accept", "text/html", "Origin", base.getProtocol() + "://" + base.getHost() + ":"
                        + base.getPort()));
        assertEquals(302, logout.statusCode(), logout.body());

        List<Recorded> tokens = fake.requests("/token");
        assertEquals(List.of("authorization_code", "refresh_token"), tokens.stream()
                .map(r -> r.parameters().get("grant_type")).toList());
        List<Recorded> revokes = fake.requests("/revoke");
        assertEquals(2, revokes.size());
        List<Revocation> revocations = fake.revocations();
        assertTrue(revocations.stream().allMatch(Revocation::wasLive), revocations::toString);
        Set<String> ids = new HashSet<>();
        List<Recorded> all = new ArrayList<>(tokens);
        all.addAll(revokes);
        for (Recorded request : all) {
            assertEquals("private_key_jwt", request.clientAuthentication());
            SignedJWT jwt = assertionOf(request, CLIENT_ID, fake);
            assertEquals(JWSAlgorithm.PS256, jwt.getHeader().getAlgorithm(), "the default for an RSA key");
            assertEquals(new RSAKey.Builder((RSAPublicKey) rsa.getPublic()).build().computeThumbprint().toString(),
                    jwt.getHeader().getKeyID(), "the RFC 7638 thumbprint");
            assertTrue(jwt.verify(new com.nimbusds.jose.crypto.RSASSAVerifier((RSAPublicKey) rsa.getPublic())));
            ids.add(jwt.getJWTClaimsSet().getJWTID());
        }
        assertEquals(4, ids.size(), "a new jti for each request");
        assertEquals(List.of(), fake.refusedAssertions());
        String logged = log.writtenSince();
        for (String secret : fake.secrets()) { // tokens, codes, verifiers and the assertions received
            assertFalse(logged.contains(secret), "the server logged a secret");
        }
        assertFalse(logged.contains(PASSWORD), "the server logged the key password");
    }

    @Test
    void clientSecretJwtMacsItsAssertionWithTheSecretWhichNeverTravels() throws Exception {
        BrowserlessClient browser = signedIn();

        BrowserlessClient.Result connected = browser.navigate(base + "oauth/connect/mac?return=/" + CONTEXT_ROOT
                + "/app/servlet");

        assertEquals(200, connected.status(), () -> connected.hops() + "\n" + connected.body());
        List<Recorded> tokens = macServer.requests("/token");
        assertEquals(1, tokens.size());
        assertEquals("client_secret_jwt", tokens.get(0).clientAuthentication());
        SignedJWT jwt = assertionOf(tokens.get(0), "pkjwt-mac", macServer);
        assertEquals(JWSAlgorithm.HS256, jwt.getHeader().getAlgorithm());
        assertTrue(jwt.verify(new com.nimbusds.jose.crypto.MACVerifier(MAC_SECRET.getBytes(StandardCharsets.UTF_8))));
        assertFalse(tokens.get(0).body().contains(MAC_SECRET), "the secret is not sent");
        assertEquals(List.of(), macServer.refusedAssertions());
    }

    @Test
    void aFurtherClientSignsEs256WithItsPemKey() throws Exception {
        BrowserlessClient browser = signedIn();

        BrowserlessClient.Result connected = browser.navigate(base + "oauth/connect/partner?return=/" + CONTEXT_ROOT
                + "/app/servlet");

        assertEquals(200, connected.status(), () -> connected.hops() + "\n" + connected.body());
        List<Recorded> tokens = partner.requests("/token");
        assertEquals(1, tokens.size());
        SignedJWT jwt = assertionOf(tokens.get(0), PARTNER_ID, partner);
        assertEquals(JWSAlgorithm.ES256, jwt.getHeader().getAlgorithm());
        assertEquals("partner-1", jwt.getHeader().getKeyID());
        assertEquals(List.of(), partner.refusedAssertions());
    }

    @Test
    void aReplayedAssertionIsRefusedAndARefusedOneIsA502Page() throws Exception {
        signedIn();
        String used = fake.requests("/token").get(0).parameters().get("client_assertion");

        HttpResponse<String> replay = HttpClient.newHttpClient().send(HttpRequest.newBuilder(fake.uri("/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=refresh_token&refresh_token=x&client_id="
                        + CLIENT_ID + "&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type"
                        + "%3Ajwt-bearer&client_assertion=" + used)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(401, replay.statusCode(), replay.body());
        assertTrue(replay.body().contains("\"invalid_client\""), replay.body());
        assertEquals(List.of("jti already used"), fake.refusedAssertions());

        fake.reset(); // forget the requests and refusals so far; the jti seen stay seen
        fake.refuseAssertionsAsReplayed(true);
        BrowserlessClient browser = new BrowserlessClient();
        BrowserlessClient.Result page = browser.navigate(base + "app/servlet");

        assertEquals(502, page.status(), page.hops()::toString);
        assertTrue(page.body().contains("<h1>Sign-in could not be completed</h1>"), page.body());
        assertEquals(List.of("jti already used"), fake.refusedAssertions());
        String refused = fake.requests("/token").get(0).parameters().get("client_assertion");
        assertFalse(page.body().contains(refused), "no assertion on the page");
        assertFalse(page.body().contains(refused.split("\\.")[2]), "no signature on the page");
        assertFalse(page.body().contains(PASSWORD), page.body());
        assertEquals(401, browser.get(base + "app/servlet", BrowserlessClient.XHR).statusCode(), "nothing stored");
    }
}
