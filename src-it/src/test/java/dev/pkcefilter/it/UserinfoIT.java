package dev.pkcefilter.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.pkcefilter.it.support.AgainstFakeServer;
import dev.pkcefilter.it.support.BrowserlessClient;
import dev.pkcefilter.it.support.FakeAuthorizationServer;
import dev.pkcefilter.it.support.TestWars;

/**
 * {@code pkce.userinfo-claims=true} against the fake, on Payara Micro and on WildFly: the userinfo endpoint is asked
 * once at login with the new access token (OpenID Connect Core 1.0 §5.3), its claims name the user and give the
 * roles, and an answer for another user or no answer refuses the login (§5.3.4).
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class UserinfoIT extends AgainstFakeServer {

    UserinfoIT() {
        super("userinfo");
    }

    @Deployment(testable = false)
    static WebArchive app() throws Exception {
        fake = new FakeAuthorizationServer();
        Map<String, String> config = new HashMap<>(IdTokenIT.config(fake));
        config.put("pkce.userinfo-claims", "true");
        config.put("pkce.roles-claim", "groups");
        config.put("pkce.principal-claim", "nickname");
        return TestWars.tokenApp("userinfo.war", config);
    }

    @BeforeEach
    void resetFake() {
        fake.reset();
    }

    @Test
    void theUserinfoAnswerNamesTheUserAndGivesTheRoles() {
        fake.userinfoAdds("\"nickname\":\"Al\",\"email\":\"al@example.org\",\"groups\":[\"admin\",\"staff\"]");
        BrowserlessClient browser = IdTokenIT.signedIn(base);
        int asked = fake.requests("/userinfo").size();

        HttpResponse<String> user = browser.get(base + "app/user", BrowserlessClient.XHR);

        assertEquals(200, user.statusCode(), user.body());
        for (String expected : new String[] {"\"principal\":\"Al\"", "\"remoteUser\":\"Al\"", "\"admin\":true",
                "\"name\":\"Al\"", "\"roles\":[\"admin\",\"staff\"]", "\"email\":\"al@example.org\""}) {
            assertTrue(user.body().contains(expected), expected + " in " + user.body());
        }
        assertEquals(asked, fake.requests("/userinfo").size(), "asked once, at login");
        String authorization = fake.requests("/userinfo").get(asked - 1).header("Authorization");
        assertTrue(authorization != null && authorization.startsWith("Bearer at-"), "with the new access token");
    }

    @Test
    void anAnswerForAnotherUserRefusesTheLogin() {
        fake.userinfoNames("someone-else");
        IdTokenIT.assertLoginRefused(base, fake, 502, "userinfo of another sub");
    }

    @Test
    void noAnswerRefusesTheLoginForNow() {
        fake.answerUserinfoWith(503);
        IdTokenIT.assertLoginRefused(base, fake, 503, "userinfo down");
    }
}
