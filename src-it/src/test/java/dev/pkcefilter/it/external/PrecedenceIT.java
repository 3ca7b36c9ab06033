package dev.pkcefilter.it.external;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.Map;

import dev.pkcefilter.it.support.BrowserlessClient;
import dev.pkcefilter.it.support.AgainstFakeServer;
import dev.pkcefilter.it.support.FakeAuthorizationServer;
import dev.pkcefilter.it.support.TestWars;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * All layers at once: a system property ({@code pkce.scope}) beats {@code web.xml}, which beats the annotation
 * ({@code pkce.audience}); environment variables beat the annotation ({@code pkce.issuer}, {@code pkce.client-id});
 * what only the annotation sets ({@code pkce.authorize-params}) applies.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class PrecedenceIT extends AgainstFakeServer {

    PrecedenceIT() {
        super("precedence");
    }

    @Deployment(testable = false)
    static WebArchive app() throws Exception {
        fake = new FakeAuthorizationServer(ExternalConfig.FAKE_PORT);
        return TestWars.tokenApp("precedence.war", Map.of(
                        "pkce.scope", "webxml-scope",
                        "pkce.audience", "webxml-audience"))
                .addClass(PrecedenceConfig.class);
    }

    @Test
    void systemPropertyBeatsWebXmlWhichBeatsTheAnnotation() {
        HttpResponse<String> page = new BrowserlessClient().navigate(base + "app/servlet").response();
        assertEquals(200, page.statusCode(), page.body());
        assertTrue(page.body().startsWith("{\"present\":true"), page.body());

        Map<String, String> authorize = fake.requests("/authorize").get(0).queryParameters();
        assertEquals(ExternalConfig.SCOPE, authorize.get("scope"), "system property over web.xml and annotation");
        assertEquals("webxml-audience", authorize.get("audience"), "web.xml over the annotation");
        assertEquals(ExternalConfig.CLIENT_ID, authorize.get("client_id"), "environment over the annotation");
        assertEquals("annotation", authorize.get("from"), "the annotation where nothing else sets the key");
    }
}
