package dev.pkcefilter.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.Map;

import dev.pkcefilter.it.annotated.AnnotatedConfig;
import dev.pkcefilter.it.support.BrowserlessClient;
import dev.pkcefilter.it.support.AgainstFakeServer;
import dev.pkcefilter.it.support.FakeAuthorizationServer;
import dev.pkcefilter.it.support.FakeAuthorizationServer.Recorded;
import dev.pkcefilter.it.support.TestWars;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Configured by {@code @PkceConfiguration} alone (no {@code web.xml} entries): a confidential client whose
 * secret is the placeholder {@code ${IT_CLIENT_SECRET}}, resolved from the server's environment, and whose
 * scope uses a placeholder's default ({@code ${IT_EXTRA_SCOPE:annotated}}).
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class AnnotationConfigIT extends AgainstFakeServer {

    AnnotationConfigIT() {
        super("annotated");
    }

    /** What the build sets as the environment variable IT_CLIENT_SECRET of the servers (src-it/pom.xml). */
    private static final String SECRET = "annotation-secret-from-env";

    @Deployment(testable = false)
    static WebArchive app() throws Exception {
        fake = new FakeAuthorizationServer(AnnotatedConfig.FAKE_PORT);
        fake.requireClientSecret(SECRET);
        return TestWars.tokenAppWithWebXml("annotated.war", "").addClass(AnnotatedConfig.class);
    }

    @Test
    void signsInWithTheSecretFromTheEnvironment() {
        HttpResponse<String> page = new BrowserlessClient().navigate(base + "app/servlet").response();
        assertEquals(200, page.statusCode(), page.body());
        assertTrue(page.body().startsWith("{\"present\":true"), page.body());

        Map<String, String> authorize = fake.requests("/authorize").get(0).queryParameters();
        assertEquals("annotated-app", authorize.get("client_id"));
        assertEquals("openid annotated", authorize.get("scope"));
        Recorded token = fake.requests("/token").get(0);
        assertTrue(token.header("Authorization").startsWith("Basic "), "client_secret_basic is the default with a secret");
    }
}
