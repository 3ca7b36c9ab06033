package dev.pkcefilter.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import dev.pkcefilter.it.support.AgainstFakeServer;
import dev.pkcefilter.it.support.BrowserlessClient;
import dev.pkcefilter.it.support.FakeAuthorizationServer;
import dev.pkcefilter.it.support.TestWars;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The issuer's key set cannot be fetched ({@code jwks_uri} answers 503 with an HTML page) at the first login of a
 * deployment that never had the keys: the ID token cannot be checked, so the login is refused with a clean 503
 * ("cannot reach the keys", unlike a bad token's 502) and nothing is stored. A deployment of its own, whose fake's
 * key set is down from before the deployment starts, so that nothing fetched the keys earlier.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class IdTokenKeysDownIT extends AgainstFakeServer {

    IdTokenKeysDownIT() {
        super("idtoken-keys-down");
    }

    @Deployment(testable = false)
    static WebArchive app() throws Exception {
        fake = new FakeAuthorizationServer();
        fake.answerJwksWith(503);
        return TestWars.tokenApp("idtoken-keys-down.war", IdTokenIT.config(fake));
    }

    @AfterEach
    void resetFake() {
        fake.reset();
    }

    @Test
    void keysThatCannotBeFetchedAtTheFirstLoginGiveAClean503AndNothingStored() {
        assertEquals(200, new BrowserlessClient().get(base + "public/servlet", Map.of()).statusCode(),
                "the application serves");

        IdTokenIT.assertLoginRefused(base, fake, 503, "key set down");

        assertTrue(fake.jwksRequests() >= 1, "the keys were asked for");
        assertEquals(1, fake.requests("/token").size(), "one exchange");
    }
}
