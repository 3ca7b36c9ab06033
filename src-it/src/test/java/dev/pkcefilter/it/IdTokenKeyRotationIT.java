package dev.pkcefilter.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.Map;

import com.nimbusds.jwt.SignedJWT;
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
 * The issuer rotates its signing key: a login signed with the new key validates without a redeploy (its unknown
 * {@code kid} makes the deployment fetch the keys once more), and a session signed in before the rotation goes on.
 * A deployment of its own, so that this is the only time it fetches the keys again (see {@link IdTokenIT}).
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class IdTokenKeyRotationIT extends AgainstFakeServer {

    IdTokenKeyRotationIT() {
        super("idtoken-rotation");
    }

    @Deployment(testable = false)
    static WebArchive app() throws Exception {
        fake = new FakeAuthorizationServer();
        return TestWars.tokenApp("idtoken-rotation.war", IdTokenIT.config(fake));
    }

    @AfterEach
    void resetFake() {
        fake.reset();
    }

    /**
     * The old key is dropped from the key set at once ({@code rotateKeys(false)}), the harder case: the session from
     * before must not depend on a key the issuer no longer publishes (its ID token was validated at its login).
     */
    @Test
    void aLoginAfterAKeyRotationValidatesAndASessionFromBeforeGoesOn() throws Exception {
        BrowserlessClient before = IdTokenIT.signedIn(base);
        String token = tokenHash(before);
        String oldKeyId = fake.signingKeyId();
        int fetches = fake.jwksRequests();
        assertTrue(fetches >= 1, "the keys were fetched for the first login");

        fake.rotateKeys(false);
        assertNotEquals(oldKeyId, fake.signingKeyId());
        BrowserlessClient after = IdTokenIT.signedIn(base);

        assertEquals(fake.signingKeyId(), SignedJWT.parse(fake.lastIdToken()).getHeader().getKeyID(),
                "the new login's ID token was signed with the new key");
        assertEquals(fetches + 1, fake.jwksRequests(), "the new kid made it fetch the keys once more");
        HttpResponse<String> still = before.get(base + "app/servlet", BrowserlessClient.XHR);
        assertEquals(200, still.statusCode(), "the session from before the rotation: " + still.body());
        assertTrue(still.body().contains(token), "with its own token: " + still.body());
        assertNotEquals(token, tokenHash(after));
    }

    private String tokenHash(BrowserlessClient browser) {
        String body = browser.get(base + "app/rest/token", Map.of("Accept", "text/plain")).body();
        assertEquals(64, body.length(), body);
        return body;
    }
}
