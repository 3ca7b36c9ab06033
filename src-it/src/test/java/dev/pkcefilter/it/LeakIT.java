package dev.pkcefilter.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import dev.pkcefilter.it.leak.DebugLogging;
import dev.pkcefilter.it.support.AgainstFakeServer;
import dev.pkcefilter.it.support.BrowserlessClient;
import dev.pkcefilter.it.support.FakeAuthorizationServer;
import dev.pkcefilter.it.support.FakeAuthorizationServer.TokenMode;
import dev.pkcefilter.it.support.Leaks;
import dev.pkcefilter.it.support.TestWars;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Nothing leaks (DESIGN.md: never a token, code, verifier or secret in a log or a page): a confidential client with
 * pkce-filter's loggers at FINEST goes through logins, refreshes, a refused refresh, every failure of the token
 * endpoint, {@code error=} callbacks, replays and logouts with revocation; then no code, access token, refresh token,
 * ID token or code verifier the fake issued or received, nor the client secret, may appear in the server's own log
 * files or in any response of the application.
 *
 * <p>One exception, by specification: the redirect to the end-session endpoint carries the ID token as
 * {@code id_token_hint} (OpenID Connect RP-Initiated Logout 1.0 §2), so that header alone is left out of the scan
 * and asserted to be the only place.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class LeakIT extends AgainstFakeServer {

    private static final String CLIENT_ID = "leak-app";
    /** Characters that change under percent and form encoding, so that an encoded leak differs from the raw one. */
    private static final String SECRET = "leak-s3cr3t:/+ &%=?";
    private static final int SKEW_SECONDS = 5;
    /** What {@code LogoutHandler} logs at DEBUG (FINE) only. */
    private static final String LOGOUT_DEBUG_LINE = "Logged out a session";

    @Deployment(testable = false)
    static WebArchive app() throws Exception {
        fake = new FakeAuthorizationServer();
        fake.clientSecret = SECRET;
        return TestWars.tokenApp("leak.war", Map.of(
                "pkce.issuer", fake.issuer(),
                "pkce.client-id", CLIENT_ID,
                "pkce.client-secret", SECRET,
                "pkce.scope", "openid profile",
                "pkce.protected-paths", "/app/*",
                "pkce.refresh-skew", "PT" + SKEW_SECONDS + "S",
                "pkce.http-timeout", "PT2S"))
                .addClass(DebugLogging.class);
    }

    private final List<HttpResponse<String>> seen = new CopyOnWriteArrayList<>();

    @Test
    void noSecretInTheServersLogsOrInAnyResponse() throws Exception {
        long logoutsLoggedBefore = occurrences(serverLogs(), LOGOUT_DEBUG_LINE);
        for (int i = 0; i < 3; i++) {
            useTheToken(signedIn());
        }
        refreshesAndARefusedRefresh();
        tokenEndpointFailures();
        callbackFailures();
        logouts();

        Set<String> secrets = fake.secrets();
        assertTrue(secrets.size() >= 30, "the fake issued and received secrets: " + secrets.size());
        String basicPair = URLEncoder.encode(CLIENT_ID, StandardCharsets.UTF_8) + ":"
                + URLEncoder.encode(SECRET, StandardCharsets.UTF_8);
        Leaks leaks = new Leaks(secrets,
                Set.of(Base64.getEncoder().encodeToString(basicPair.getBytes(StandardCharsets.UTF_8))));

        String logs = serverLogs();
        for (int attempt = 0; attempt < 60 && occurrences(logs, LOGOUT_DEBUG_LINE) < logoutsLoggedBefore + 2;
                attempt++) {
            Thread.sleep(500); // the servers write their logs asynchronously
            logs = serverLogs();
        }
        assertEquals(logoutsLoggedBefore + 2, occurrences(logs, LOGOUT_DEBUG_LINE),
                "the debug lines of both logouts are in the server's log, and scanned");
        List<String> found = new ArrayList<>(leaks.findIn("server log", logs));
        int endSessionRedirects = 0;
        for (HttpResponse<String> response : seen) {
            if (!response.uri().toString().startsWith(base.toString())) {
                continue; // the fake's own answers carry codes by design
            }
            String where = response.request().method() + " " + response.uri().getPath() + " -> "
                    + response.statusCode();
            found.addAll(leaks.findIn(where + " body", response.body()));
            for (Map.Entry<String, List<String>> header : response.headers().map().entrySet()) {
                for (String value : header.getValue()) {
                    if (header.getKey().equalsIgnoreCase("Location") && value.startsWith(fake.issuer() + "/end-session?")) {
                        endSessionRedirects++;
                        assertTrue(value.contains("id_token_hint="), value);
                        continue;
                    }
                    found.addAll(leaks.findIn(where + " header " + header.getKey(), value));
                }
            }
        }
        System.out.println("LeakIT: looked for " + secrets.size() + " secrets (" + leaks.size() + " forms) in "
                + logs.length() + " characters of server log and " + seen.size() + " responses");
        assertEquals(List.of(), found, "secrets leaked");
        assertEquals(2, endSessionRedirects, "the logouts were scanned");
    }

    private BrowserlessClient browser() {
        return new BrowserlessClient().onResponse(seen::add);
    }

    private BrowserlessClient signedIn() {
        BrowserlessClient browser = browser();
        HttpResponse<String> page = browser.navigate(base + "app/servlet").response();
        assertEquals(200, page.statusCode(), page.body());
        return browser;
    }

    private void useTheToken(BrowserlessClient browser) {
        assertEquals(200, browser.get(base + "app/rest/token", Map.of("Accept", "text/plain")).statusCode());
        HttpResponse<String> api = browser.get(base + "app/rest/api?url=" + fake.issuer() + "/userinfo",
                Map.of("Accept", "text/plain"));
        assertTrue(api.body().startsWith("200 "), api.body());
        browser.get(base + "public/events", Map.of());
    }

    private void refreshesAndARefusedRefresh() throws InterruptedException {
        fake.expiresIn = 2; // due for refresh a second after it is issued (half its lifetime, within the skew)
        BrowserlessClient browser = signedIn();
        for (int round = 0; round < 2; round++) {
            Thread.sleep(1_200);
            assertEquals(200, browser.get(base + "app/servlet", BrowserlessClient.XHR).statusCode());
        }
        assertEquals(2, fake.refreshGrants());
        Thread.sleep(1_200);
        fake.refreshError = "invalid_grant";
        int refused = browser.get(base + "app/servlet", BrowserlessClient.XHR).statusCode();
        assertTrue(refused == 401 || refused == 200, "signed out, or the still valid token kept: " + refused);
        assertEquals(3, fake.refreshGrants(), "the refused refresh was asked for");
        fake.reset();
    }

    private void tokenEndpointFailures() {
        for (TokenMode mode : List.of(TokenMode.INVALID_GRANT, TokenMode.SERVER_ERROR_HTML, TokenMode.NOT_JSON,
                TokenMode.NO_ACCESS_TOKEN, TokenMode.SLOW)) {
            fake.tokenMode = mode;
            fake.slowMillis = 4_000; // pkce.http-timeout is PT2S
            HttpResponse<String> page = browser().navigate(base + "app/servlet").response();
            assertTrue(page.statusCode() == 502 || page.statusCode() == 504, mode + ": " + page.statusCode());
        }
        fake.reset();
    }

    private void callbackFailures() {
        fake.authorizeError = "access_denied";
        fake.authorizeErrorDescription = "The user said no";
        assertEquals(403, browser().navigate(base + "app/servlet").status());
        fake.reset();

        BrowserlessClient browser = browser();
        HttpResponse<String> toAuthorize = browser.get(base + "app/servlet", BrowserlessClient.NAVIGATION);
        HttpResponse<String> toCallback = browser.get(toAuthorize.headers().firstValue("Location").orElseThrow(),
                BrowserlessClient.NAVIGATION);
        String callback = toCallback.headers().firstValue("Location").orElseThrow();
        assertEquals(302, browser.get(callback, BrowserlessClient.NAVIGATION).statusCode());
        assertEquals(400, browser.get(callback, BrowserlessClient.NAVIGATION).statusCode(), "a replayed callback");
        assertEquals(400, browser().get(callback, BrowserlessClient.NAVIGATION).statusCode(), "another browser's callback");
        String code = FakeAuthorizationServer.parseQuery(URI.create(callback).getRawQuery()).get("code");
        assertEquals(400, browser.get(base + "oauth/callback?code=" + code + "&state=" + code,
                BrowserlessClient.NAVIGATION).statusCode(), "a code as state");
    }

    private void logouts() {
        BrowserlessClient browser = signedIn();
        assertEquals(302, logout(browser).statusCode());
        fake.revocationStatus = 500; // logged as a warning
        BrowserlessClient another = signedIn();
        assertEquals(302, logout(another).statusCode());
        fake.reset();
    }

    private HttpResponse<String> logout(BrowserlessClient browser) {
        return browser.postForm(base + "oauth/logout", Map.of(), Map.of("Accept", "text/html",
                "Origin", base.getProtocol() + "://" + base.getHost() + ":" + base.getPort()));
    }

    /**
     * Every log file of this server in the run ({@code it.log.dir}: Payara Micro's {@code payara-micro.log},
     * WildFly's {@code server.log}, rotated ones included).
     */
    private static String serverLogs() throws IOException {
        Path dir = Path.of(System.getProperty("it.log.dir", "target"));
        StringBuilder all = new StringBuilder();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.getFileName().toString().matches("(payara-micro|server)\\.log.*"))
                    .sorted().toList()) {
                all.append(Files.readString(file, StandardCharsets.ISO_8859_1));
            }
        }
        assertTrue(all.length() > 0, "no server log in " + dir);
        return all.toString();
    }

    private static long occurrences(String text, String line) {
        return text.lines().filter(l -> l.contains(line)).count();
    }
}
