package dev.pkcefilter.it;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

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
        Map<Path, Long> logSizesBefore = logSizes();
        try {
            deployer.deploy("broken");
        } catch (Exception expected) { // Arquillian passes WildFly's DeploymentException through undeclared
            // the log is checked below either way
        }
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + System.getProperty("it.http.port", "18080") + "/broken/public/servlet"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertNotEquals(200, response.statusCode(), "a broken configuration must not leave a serving application");
        } catch (IOException refused) {
            // no server listening at all: not serving either
        }
        String log = logWrittenSince(logSizesBefore);
        assertTrue(log.contains("pkce-filter configuration is invalid (3 problems):"), "no summary line in the log");
        assertTrue(log.contains("  - pkce.token-endpoint 'not a url' is not an absolute http(s) URL"), log.length() + " chars");
        assertTrue(log.contains("  - pkce.client-id is missing: set pkce.client-id as a system property, environment"
                + " variable PKCE_CLIENT_ID"), "client id problem");
        assertTrue(log.contains("  - pkce.client-auth 'magic' is not known: use one of none, client_secret_basic,"
                + " client_secret_post"), "client-auth problem");
        try {
            deployer.undeploy("broken");
        } catch (Exception ignored) {
            // nothing was deployed
        }
    }

    /** The log files the server writes into this execution's log folder (server.log, payara-micro.log.0). */
    private static Map<Path, Long> logSizes() throws IOException {
        Map<Path, Long> sizes = new LinkedHashMap<>();
        try (Stream<Path> files = Files.list(Path.of(System.getProperty("it.log.dir", "target")))) {
            for (Path file : files.filter(f -> f.getFileName().toString().matches("(server|payara-micro)\\.log.*"))
                    .toList()) {
                sizes.put(file, Files.size(file));
            }
        }
        return sizes;
    }

    /** What the server logged during this test: each log file from where it ended before (whole if it is new). */
    private static String logWrittenSince(Map<Path, Long> before) throws IOException {
        StringBuilder written = new StringBuilder();
        for (Map.Entry<Path, Long> file : logSizes().entrySet()) {
            byte[] bytes = Files.readAllBytes(file.getKey());
            long from = before.getOrDefault(file.getKey(), 0L);
            int start = from <= bytes.length ? (int) from : 0; // a shorter file was started anew
            written.append(new String(bytes, start, bytes.length - start, StandardCharsets.UTF_8));
        }
        return written.toString();
    }
}
