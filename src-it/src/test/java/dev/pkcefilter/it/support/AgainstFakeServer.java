package dev.pkcefilter.it.support;

import java.net.URL;

import org.junit.jupiter.api.AfterAll;

/**
 * The base of a test class whose deployment talks to a {@link FakeAuthorizationServer}: the class's static
 * {@code @Deployment} method starts {@link #fake} (the archive must name its port), and it is stopped after the
 * class.
 */
public abstract class AgainstFakeServer {

    /** The fake of the running test class, started by its {@code @Deployment} method. */
    protected static FakeAuthorizationServer fake;

    /** The deployed application's URL, ending in {@code /}: made by {@link AppUrl}, not taken from the adapter. */
    protected final URL base;

    /** @param contextRoot the deployment's context root, its WAR's name without {@code .war} */
    protected AgainstFakeServer(String contextRoot) {
        base = AppUrl.of(contextRoot);
    }

    @AfterAll
    static void stopFake() {
        if (fake != null) {
            fake.close();
            fake = null;
        }
    }
}
