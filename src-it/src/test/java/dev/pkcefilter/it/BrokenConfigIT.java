package dev.pkcefilter.it;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
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
 * A broken configuration (no client id, a malformed URL, an unknown client authentication) fails the deployment,
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

    @Test
    void failsTheDeploymentWithOneMessageListingEveryProblem() throws Exception {
        ServerLog log = ServerLog.mark();
        try {
            deployer.deploy("broken");
        } catch (Exception expected) { // Arquillian passes WildFly's DeploymentException through undeclared
            // the log is checked below either way
        }
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(AppUrl.of("broken") + "public/servlet"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertNotEquals(200, response.statusCode(), "a broken configuration must not leave a serving application");
        } catch (IOException refused) {
            // no server listening at all: not serving either
        }
        String logged = log.writtenSince();
        assertTrue(logged.contains("pkce-filter configuration is invalid (3 problems):"), "no summary line in the log");
        assertTrue(logged.contains("  - pkce.token-endpoint 'not a url' is not an absolute http(s) URL"), logged.length() + " chars");
        assertTrue(logged.contains("  - pkce.client-id is missing: set pkce.client-id as a system property, environment"
                + " variable PKCE_CLIENT_ID"), "client id problem");
        assertTrue(logged.contains("  - pkce.client-auth 'magic' is not known: use one of none, client_secret_basic,"
                + " client_secret_post"), "client-auth problem");
        try {
            deployer.undeploy("broken");
        } catch (Exception ignored) {
            // nothing was deployed
        }
    }
}
