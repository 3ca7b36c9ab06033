package dev.pkcefilter.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
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
 * Configured by filter init-params alone: the application declares pkce-filter in its {@code web.xml} with its
 * own mapping, and no context-param or annotation.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class WebXmlFilterIT extends AgainstFakeServer {

    WebXmlFilterIT() {
        super("webxml");
    }

    @Deployment(testable = false)
    static WebArchive app() throws Exception {
        fake = new FakeAuthorizationServer();
        Map<String, String> init = new LinkedHashMap<>();
        init.put("pkce.issuer", fake.issuer());
        init.put("pkce.client-id", "init-param-app");
        init.put("pkce.scope", "openid from-init-params");
        return TestWars.tokenAppWithWebXml("webxml.war", """
                <filter>
                  <filter-name>pkce-filter</filter-name>
                  <filter-class>dev.pkcefilter.impl.web.PkceFilter</filter-class>
                %s
                </filter>
                <filter-mapping>
                  <filter-name>pkce-filter</filter-name>
                  <url-pattern>/app/*</url-pattern>
                </filter-mapping>
                """.formatted(TestWars.params("init-param", init)));
    }

    @Test
    void signsInWithTheFiltersInitParams() {
        HttpResponse<String> page = new BrowserlessClient().navigate(base + "app/servlet").response();
        assertEquals(200, page.statusCode(), page.body());
        assertTrue(page.body().startsWith("{\"present\":true"), page.body());
        Map<String, String> authorize = fake.requests("/authorize").get(0).queryParameters();
        assertEquals("init-param-app", authorize.get("client_id"));
        assertEquals("openid from-init-params", authorize.get("scope"));
    }

    @Test
    void pathsOutsideTheDeclaredMappingStayOpen() {
        HttpResponse<String> open = new BrowserlessClient().get(base + "public/servlet", BrowserlessClient.NAVIGATION);
        assertEquals(200, open.statusCode(), open.body());
        assertTrue(open.body().startsWith("{\"present\":false"), open.body());
    }
}
