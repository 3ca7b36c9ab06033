package dev.pkcefilter.it;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.pkcefilter.it.support.AppUrl;
import dev.pkcefilter.it.support.ServerLog;
import dev.pkcefilter.it.support.TestWars;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A broken configuration (no client id, a malformed URL, an unknown client authentication; an http issuer on a
 * host that is not loopback; a further client without its client id, with a key it may not have, or with a name that
 * is not one) fails the deployment,
 * and the server's log holds the one message that lists every problem. Servers report a failed deployment
 * differently (WildFly throws, Payara Micro may not), so the test deploys by hand, accepts either, and then
 * checks what matters: the application does not serve, and the message is in the log.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class BrokenConfigIT {

    @ArquillianResource
    private Deployer deployer;

    @Deployment(name = "broken", managed = false, testable = false)
    static WebArchive broken() {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("pkce.authorization-endpoint", "http://127.0.0.1:1/authorize");
        params.put("pkce.token-endpoint", "not a url");
        params.put("pkce.client-auth", "magic");
        return TestWars.tokenApp("broken.war", params);
    }

    /** The password of the keystore of {@link #brokenKey()}; the deployment is given another. */
    private static final String KEY_PASSWORD = "broken-Key-pa55word";

    /**
     * A private_key_jwt client whose PKCS#12 keystore is opened with the wrong password, and whose further client's
     * PEM key cannot sign the algorithm asked (issue 16 item 2).
     */
    @Deployment(name = "broken-key", managed = false, testable = false)
    static WebArchive brokenKey() throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createDirectories(
                java.nio.file.Path.of("target", "broken-key").toAbsolutePath());
        java.nio.file.Path keystore = dir.resolve("client.p12");
        java.nio.file.Files.deleteIfExists(keystore);
        PrivateKeyJwtIT.keytool(keystore, KEY_PASSWORD);
        java.security.KeyPairGenerator generator = java.security.KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        java.nio.file.Path pem = java.nio.file.Files.writeString(dir.resolve("partner.pem"),
                PrivateKeyJwtIT.pem("PRIVATE KEY", generator.generateKeyPair().getPrivate().getEncoded()));
        Map<String, String> params = new LinkedHashMap<>();
        params.put("pkce.issuer", "http://127.0.0.1:1/realms/shop");
        params.put("pkce.client-id", "shop");
        params.put("pkce.client-key-file", keystore.toString());
        params.put("pkce.client-key-password", KEY_PASSWORD + "-wrong");
        params.put("pkce.clients", "partner");
        params.put("pkce.partner.issuer", "http://127.0.0.1:1/partner");
        params.put("pkce.partner.client-id", "shop");
        params.put("pkce.partner.client-key-file", pem.toString());
        params.put("pkce.partner.client-key-algorithm", "ES256");
        return TestWars.tokenApp("broken-key.war", params);
    }

    @Test
    void failsTheDeploymentOfAKeyFileThatCannotBeUsedNamingItsFullKeysAndNeverThePassword() throws Exception {
        String logged = deployBroken("broken-key");
        assertTrue(logged.contains("pkce-filter configuration is invalid (2 problems):"), "no summary line in the log");
        assertTrue(logged.contains("  - pkce.client-key-file '"), "the sign-in client's key file");
        assertTrue(logged.contains("client.p12' cannot be opened with pkce.client-key-password: the password is wrong"),
                "the wrong password");
        assertTrue(logged.contains("  - pkce.partner.client-key-file '"), "the further client's key file");
        assertTrue(logged.contains("partner.pem' is an RSA key, which cannot sign ES256: use PS256 or RS256, or an EC"
                + " P-256 key for ES256 (pkce.partner.client-key-algorithm is ES256)"), "the algorithm that does not fit");
        assertFalse(logged.contains(KEY_PASSWORD), "the password is never logged");
        undeploy("broken-key");
    }

    /** An issuer over http to a host that is not loopback, without pkce.allow-insecure-http (issue 12 item 5). */
    @Deployment(name = "insecure", managed = false, testable = false)
    static WebArchive insecure() {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("pkce.issuer", "http://login.example.com/realms/shop");
        params.put("pkce.client-id", "shop");
        return TestWars.tokenApp("insecure.war", params);
    }

    /** pkce.container-security=true where CDI bootstrap cannot read it, in web.xml (issue 14 item 3). */
    @Deployment(name = "webxml-container-security", managed = false, testable = false)
    static WebArchive containerSecurityInWebXml() {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("pkce.authorization-endpoint", "http://127.0.0.1:1/authorize");
        params.put("pkce.token-endpoint", "http://127.0.0.1:1/token");
        params.put("pkce.client-id", "shop");
        params.put("pkce.container-security", "true");
        return TestWars.tokenApp("webxml-container-security.war", params);
    }

    /**
     * Issue 15: a further client ({@code pkce.clients}) without its client id, and with a key that only the default
     * client has; the default client itself is right.
     */
    @Deployment(name = "broken-client", managed = false, testable = false)
    static WebArchive brokenNamedClient() {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("pkce.authorization-endpoint", "http://127.0.0.1:1/authorize");
        params.put("pkce.token-endpoint", "http://127.0.0.1:1/token");
        params.put("pkce.client-id", "shop");
        params.put("pkce.clients", "loom");
        params.put("pkce.loom.authorization-endpoint", "http://127.0.0.1:2/authorize");
        params.put("pkce.loom.token-endpoint", "http://127.0.0.1:2/token");
        params.put("pkce.loom.logout-path", "/loom/logout");
        return TestWars.tokenApp("broken-client.war", params);
    }

    /** Issue 15: client names are lowercase letters, digits and {@code -}. */
    @Deployment(name = "bad-client-name", managed = false, testable = false)
    static WebArchive badClientName() {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("pkce.authorization-endpoint", "http://127.0.0.1:1/authorize");
        params.put("pkce.token-endpoint", "http://127.0.0.1:1/token");
        params.put("pkce.client-id", "shop");
        params.put("pkce.clients", "loom,Loom_2");
        params.put("pkce.loom.authorization-endpoint", "http://127.0.0.1:2/authorize");
        params.put("pkce.loom.token-endpoint", "http://127.0.0.1:2/token");
        params.put("pkce.loom.client-id", "shop-at-loom");
        return TestWars.tokenApp("bad-client-name.war", params);
    }

    @Test
    void failsTheDeploymentOfABrokenNamedClientNamingItsFullKeys() throws Exception {
        String logged = deployBroken("broken-client");

        assertTrue(logged.contains("pkce-filter configuration is invalid (2 problems):"), "no summary line in the log");
        assertTrue(logged.contains("  - pkce.loom.client-id is missing: set pkce.loom.client-id as a system property,"
                + " environment variable PKCE_LOOM_CLIENT_ID"), logged.length() + " chars, no client-id problem");
        assertTrue(logged.contains("  - pkce.loom.logout-path has no meaning for a further client"),
                "the key a further client may not have");
        undeploy("broken-client");
    }

    @Test
    void failsTheDeploymentOfAClientNameThatIsNotOne() throws Exception {
        String logged = deployBroken("bad-client-name");

        assertTrue(logged.contains("pkce-filter configuration is invalid (1 problem):"), "no summary line in the log");
        assertTrue(logged.contains("  - pkce.clients has 'Loom_2', which is not a client name: use lowercase letters,"
                + " digits and -"), logged.length() + " chars, no client name problem");
        undeploy("bad-client-name");
    }

    @Test
    void failsTheDeploymentWhenContainerSecurityIsOnlyInWebXml() throws Exception {
        String logged = deployBroken("webxml-container-security");

        assertTrue(logged.contains("pkce-filter configuration is invalid (1 problem):"), "no summary line in the log");
        assertTrue(logged.contains("  - pkce.container-security is true, but not where CDI bootstrap reads it"),
                logged.length() + " chars, no container-security problem");
        assertTrue(logged.contains("WEB-INF/classes/META-INF/microprofile-config.properties"), "where to set it");
        undeploy("webxml-container-security");
    }

    @Test
    void failsTheDeploymentWithOneMessageListingEveryProblem() throws Exception {
        String logged = deployBroken("broken");
        assertTrue(logged.contains("pkce-filter configuration is invalid (3 problems):"), "no summary line in the log");
        assertTrue(logged.contains("  - pkce.token-endpoint 'not a url' is not an absolute http(s) URL"), logged.length() + " chars");
        assertTrue(logged.contains("  - pkce.client-id is missing: set pkce.client-id as a system property, environment"
                + " variable PKCE_CLIENT_ID"), "client id problem");
        assertTrue(logged.contains("  - pkce.client-auth 'magic' is not known: use one of none, client_secret_basic,"
                + " client_secret_post"), "client-auth problem");
        undeploy("broken");
    }

    @Test
    void failsTheDeploymentOfAnHttpIssuerOnAHostThatIsNotLoopback() throws Exception {
        String logged = deployBroken("insecure");

        assertTrue(logged.contains("pkce-filter configuration is invalid (1 problem):"), "no summary line in the log");
        assertTrue(logged.contains("  - pkce.issuer 'http://login.example.com/realms/shop' is http to a host that is"
                + " not loopback: codes, tokens, secrets or the session would cross the network in clear text"
                + " (RFC 6749 §10.9). Use https, or set pkce.allow-insecure-http=true for development"),
                logged.length() + " chars, no TLS problem");
        undeploy("insecure");
    }

    /** Deploys by hand, checks that the application does not serve, and returns what the server logged meanwhile. */
    private String deployBroken(String name) throws Exception {
        ServerLog log = ServerLog.mark();
        try {
            deployer.deploy(name);
        } catch (Exception expected) { // Arquillian passes WildFly's DeploymentException through undeclared
            // the log is checked either way
        }
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(AppUrl.of(name) + "public/servlet")).build(), HttpResponse.BodyHandlers.ofString());
            assertNotEquals(200, response.statusCode(), "a broken configuration must not leave a serving application");
        } catch (IOException refused) {
            // no server listening at all: not serving either
        }
        return log.writtenSince();
    }

    private void undeploy(String name) {
        try {
            deployer.undeploy(name);
        } catch (Exception ignored) {
            // nothing was deployed
        }
    }
}
