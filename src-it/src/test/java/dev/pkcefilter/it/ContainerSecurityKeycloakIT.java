package dev.pkcefilter.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.net.http.HttpResponse;
import java.util.regex.Pattern;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.pkcefilter.it.support.AppUrl;
import dev.pkcefilter.it.support.BrowserlessClient;
import dev.pkcefilter.it.support.BrowserlessClient.Result;
import dev.pkcefilter.it.support.ContainerSecurityWar;
import dev.pkcefilter.it.support.ExampleWar;
import dev.pkcefilter.it.support.KeycloakServer;
import dev.pkcefilter.it.support.RequestCost;

/**
 * Item 3 of issue 14, {@code pkce.container-security=true}, on Payara Micro and on WildFly (whose test server runs
 * with {@code integrated-jaspi=false}, {@code src/test/resources/wildfly/container-security.yml}) against a real
 * Keycloak: the container itself knows the user pkce-filter verified, on paths the filter does not guard, in
 * {@code request.getUserPrincipal()}, Jakarta Security's {@code SecurityContext}, an EJB's {@code @RolesAllowed}
 * and a {@code web.xml} {@code <security-constraint>}; alice has the realm role {@code admin}, bob has not.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ContainerSecurityKeycloakIT {

    private final URL base = AppUrl.of(ExampleWar.CONTEXT_ROOT);

    @Deployment(testable = false)
    static WebArchive example() {
        return ContainerSecurityWar.of(true);
    }

    @Test
    void theContainerKnowsAliceAndHerRole() {
        BrowserlessClient browser = new BrowserlessClient();
        Result me = browser.loginAtKeycloak(app("app/me"), KeycloakServer.USER, KeycloakServer.PASSWORD);
        assertEquals(200, me.status(), () -> me.hops() + "\n" + me.body());

        HttpResponse<String> who = browser.get(app("plain/who"), BrowserlessClient.XHR);
        assertEquals(200, who.statusCode(), who.body());
        assertEquals("{\"user\":\"alice\",\"admin\":true,\"caller\":\"alice\",\"callerAdmin\":true}", who.body());

        HttpResponse<String> ejb = browser.get(app("plain/admin-ejb"), BrowserlessClient.XHR);
        assertEquals(200, ejb.statusCode(), ejb.body());
        assertEquals("{\"ejbCaller\":\"alice\"}", ejb.body());

        HttpResponse<String> secured = browser.get(app("secured/page"), BrowserlessClient.NAVIGATION);
        assertEquals(200, secured.statusCode(), secured.body());
        assertEquals("{\"secured\":\"alice\"}", secured.body());

        HttpResponse<String> admin = browser.get(app("app/admin"), BrowserlessClient.XHR);
        assertEquals(200, admin.statusCode(), admin.body());
        assertJson(admin.body(), "\"name\"\\s*:\\s*\"alice\"");
    }

    @Test
    void theContainerKnowsBobAndRefusesHimTheRole() {
        BrowserlessClient browser = new BrowserlessClient();
        Result me = browser.loginAtKeycloak(app("app/me"), KeycloakServer.OTHER_USER, KeycloakServer.OTHER_PASSWORD);
        assertEquals(200, me.status(), () -> me.hops() + "\n" + me.body());

        HttpResponse<String> who = browser.get(app("plain/who"), BrowserlessClient.XHR);
        assertEquals(200, who.statusCode(), who.body());
        assertEquals("{\"user\":\"bob\",\"admin\":false,\"caller\":\"bob\",\"callerAdmin\":false}", who.body());

        HttpResponse<String> ejb = browser.get(app("plain/admin-ejb"), BrowserlessClient.XHR);
        assertEquals(403, ejb.statusCode(), ejb.body());

        HttpResponse<String> secured = browser.get(app("secured/page"), BrowserlessClient.NAVIGATION);
        assertEquals(403, secured.statusCode(), secured.body());

        HttpResponse<String> admin = browser.get(app("app/admin"), BrowserlessClient.XHR);
        assertEquals(403, admin.statusCode(), admin.body());
    }

    @Test
    void aSecurityConstraintSendsNobodyToKeycloakAndBackToThePage() {
        BrowserlessClient browser = new BrowserlessClient();

        HttpResponse<String> who = browser.get(app("plain/who"), BrowserlessClient.XHR);
        assertEquals(200, who.statusCode(), who.body());
        assertNobody(who.body());
        assertEquals(403, browser.get(app("plain/admin-ejb"), BrowserlessClient.XHR).statusCode());

        HttpResponse<String> script = browser.get(app("secured/page"), BrowserlessClient.XHR);
        assertEquals(401, script.statusCode(), script.body());

        HttpResponse<String> page = browser.get(app("secured/page"), BrowserlessClient.NAVIGATION);
        assertEquals(302, page.statusCode(), page.body());
        String location = BrowserlessClient.location(page);
        assertTrue(location.startsWith(KeycloakServer.forTests().issuer() + "/protocol/openid-connect/auth?"),
                location);

        Result signedIn = new BrowserlessClient().loginAtKeycloak(app("secured/page"), KeycloakServer.USER,
                KeycloakServer.PASSWORD);
        assertEquals(200, signedIn.status(), () -> signedIn.hops() + "\n" + signedIn.body());
        assertEquals("{\"secured\":\"alice\"}", signedIn.body());
        assertTrue(signedIn.uri().toString().endsWith("/example/secured/page"), signedIn.uri().toString());
    }

    @Test
    void costOfTheMechanism() {
        BrowserlessClient browser = new BrowserlessClient();
        Result me = browser.loginAtKeycloak(app("app/me"), KeycloakServer.USER, KeycloakServer.PASSWORD);
        assertEquals(200, me.status(), () -> me.hops() + "\n" + me.body());

        RequestCost.measure("GET /app/me, wrapper and Jakarta Security mechanism", browser, app("app/me"));
    }

    private static void assertJson(String body, String regex) {
        assertTrue(Pattern.compile(regex).matcher(body).find(), () -> regex + " not in " + body);
    }

    /**
     * Nobody, to the container: WildFly's {@code SecurityContext} names its anonymous identity where Payara's gives
     * {@code null}, which the javadoc of {@code getCallerPrincipal()} asks for.
     */
    static void assertNobody(String who) {
        assertTrue(who.matches("\\{\"user\":null,\"admin\":false,\"caller\":(null|\"anonymous\"),\"callerAdmin\":false}"),
                who);
    }

    private String app(String path) {
        return base + path;
    }
}
