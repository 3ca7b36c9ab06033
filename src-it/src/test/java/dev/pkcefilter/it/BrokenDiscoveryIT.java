package dev.pkcefilter.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import dev.pkcefilter.it.support.AppUrl;
import dev.pkcefilter.it.support.BrowserlessClient;
import dev.pkcefilter.it.support.FakeAuthorizationServer;
import dev.pkcefilter.it.support.ServerLog;
import dev.pkcefilter.it.support.TestWars;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A discovery document that is missing, malformed, or names another issuer fails the deployment (RFC 8414 §3.3),
 * with the reason in the server's log; an authorization server that cannot be reached at deployment only logs a
 * warning, and discovery is tried again at the first login. Deployed by hand, as {@link BrokenConfigIT} explains.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class BrokenDiscoveryIT {

    private static FakeAuthorizationServer fake;

    @ArquillianResource
    private Deployer deployer;

    private final String app = AppUrl.of("discovery").toString();
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    @Deployment(name = "discovery", managed = false, testable = false)
    static WebArchive app() throws IOException {
        fake = new FakeAuthorizationServer();
        return TestWars.tokenApp("discovery.war", Map.of(
                "pkce.issuer", fake.issuer(),
                "pkce.client-id", "discovery-app",
                "pkce.protected-paths", "/app/*",
                "pkce.http-timeout", "PT2S"));
    }

    @AfterAll
    static void stopFake() {
        fake.close();
    }

    @Test
    void aMissingDocumentFailsTheDeployment() throws Exception {
        fake.answerDiscoveryWith(404);
        String issuer = fake.issuer();
        assertDeploymentFails("Discovery of " + issuer + " found no metadata document; tried " + issuer
                + "/.well-known/openid-configuration (404) and " + issuer + "/.well-known/oauth-authorization-server"
                + " (404). Check pkce.issuer, or set pkce.authorization-endpoint and pkce.token-endpoint instead.");
    }

    @Test
    void aMalformedDocumentFailsTheDeployment() throws Exception {
        fake.serveDiscoveryDocument("{\"issuer\":\"" + fake.issuer() + "\",\"authorization_endpoint\":");
        assertDeploymentFails("Discovery of " + fake.issuer() + " failed: " + fake.issuer()
                + "/.well-known/openid-configuration is not a JSON object.");
    }

    @Test
    void aDocumentOfAnotherIssuerFailsTheDeployment() throws Exception {
        fake.serveDiscoveryDocument("{\"issuer\":\"https://attacker.example\",\"authorization_endpoint\":"
                + "\"https://attacker.example/authorize\",\"token_endpoint\":\"https://attacker.example/token\"}");
        assertDeploymentFails("Discovery of " + fake.issuer() + " failed: " + fake.issuer()
                + "/.well-known/openid-configuration names the issuer 'https://attacker.example'. Set pkce.issuer to"
                + " exactly the issuer the server announces, trailing slash included.");
    }

    @Test
    void anUnreachableServerAtDeploymentIsTriedAgainAtTheFirstLogin() throws Exception {
        ServerLog log = ServerLog.mark();
        fake.pause();
        try {
            deployer.deploy("discovery");
        } finally {
            fake.resume();
        }
        try {
            assertTrue(log.writtenSince().contains("Discovery of " + fake.issuer() + " failed: " + fake.issuer()
                    + "/.well-known/openid-configuration could not be reached. Check pkce.issuer and that the"
                    + " authorization server is running. pkce-filter tries again at the first login."), "the warning");
            assertEquals(200, get("public/servlet").statusCode(), "the application serves");
            HttpResponse<String> login = http.send(HttpRequest.newBuilder(URI.create(app + "app/servlet"))
                    .header("Accept", "text/html").build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(302, login.statusCode(), login.body());
            assertTrue(BrowserlessClient.location(login).startsWith(fake.issuer() + "/authorize?"),
                    "discovered at the first login");
        } finally {
            deployer.undeploy("discovery");
        }
    }

    private void assertDeploymentFails(String reason) throws Exception {
        ServerLog log = ServerLog.mark();
        try {
            deployer.deploy("discovery");
        } catch (Exception expected) { // WildFly's DeploymentException, passed through undeclared
            // the log is checked below either way
        }
        try {
            try {
                assertNotEquals(200, get("public/servlet").statusCode(), "a deployment with a wrong document serves");
            } catch (IOException refused) {
                // nothing listening: not serving either
            }
            String logged = log.writtenSince();
            assertTrue(logged.contains("pkce-filter cannot start in /discovery: " + reason), logged.length()
                    + " chars logged, without: " + reason);
            assertTrue(fake.requests("/token").isEmpty() && fake.requests("/authorize").isEmpty());
        } finally {
            fake.reset();
            try {
                deployer.undeploy("discovery");
            } catch (Exception ignored) {
                // nothing was deployed
            }
        }
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(app + path)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
