package dev.pkcefilter.it.support;

import java.net.MalformedURLException;
import java.net.URL;

/**
 * The URL of a deployed test application, made from its context root (the WAR's file name without {@code .war})
 * and the HTTP port both servers listen on ({@code it.http.port}, 127.0.0.1). Tests use this instead of the
 * adapter's {@code @ArquillianResource URL}: Payara Micro's adapter once handed out its base without the context
 * root, and the test then built {@code http://localhost:18080app/servlet}.
 *
 * <p>The host is {@code 127.0.0.1} on both servers: the redirect URI follows the request's host, and the test realm
 * allows it, while Keycloak stays on {@code localhost} ({@link KeycloakServer}), so the two never share cookies.
 */
public final class AppUrl {

    private AppUrl() {
    }

    /** @return {@code http://127.0.0.1:<it.http.port>/<contextRoot>/}, ending in {@code /} */
    public static URL of(String contextRoot) {
        if (contextRoot.isEmpty() || contextRoot.startsWith("/") || contextRoot.endsWith("/")
                || contextRoot.endsWith(".war")) {
            throw new IllegalArgumentException("a context root without slashes or .war, e.g. \"public\": " + contextRoot);
        }
        try {
            return new URL("http://127.0.0.1:" + Integer.getInteger("it.http.port", 18080) + "/" + contextRoot + "/");
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException(contextRoot, e);
        }
    }
}
