package dev.pkcefilter.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

import dev.pkcefilter.impl.protocol.BoundedHttp;
import dev.pkcefilter.it.support.AgainstFakeServer;
import dev.pkcefilter.it.support.BrowserlessClient;
import dev.pkcefilter.it.support.FakeAuthorizationServer;
import dev.pkcefilter.it.support.FakeAuthorizationServer.TokenMode;
import dev.pkcefilter.it.support.RawHttp;
import dev.pkcefilter.it.support.TestWars;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every bad input at the callback and from the token endpoint, each with its status, a clear page and no stack
 * trace, sent to a browser that is already signed in and has another login pending: afterwards it is still
 * signed in (same session id, same token), and the other login still completes. The number of inputs tried per
 * category is printed into the test output.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class BadInputIT extends AgainstFakeServer {

    BadInputIT() {
        super("bad");
    }

    /** The most pending logins one browser uses here: below PendingLogins.MAX_PENDING, so that none is dropped. */
    private static final int PENDING_PER_BROWSER = 8;
    private static final String HUNDRED_KB = "x".repeat(100 * 1024);
    private static final Map<String, Integer> TRIED = new TreeMap<>();
    private static boolean paused;

    @Deployment(testable = false)
    static WebArchive app() throws Exception {
        fake = new FakeAuthorizationServer();
        return TestWars.tokenApp("bad.war", Map.of(
                "pkce.issuer", fake.issuer(),
                "pkce.client-id", "bad-app",
                "pkce.protected-paths", "/app/*",
                "pkce.login-timeout", "PT2M",
                "pkce.http-timeout", "PT2S"));
    }

    @BeforeEach
    void resetFake() {
        fake.reset();
    }

    @AfterAll
    static void reportCounts() {
        System.out.println("[bad-input] inputs tried per category " + TRIED + ", "
                + TRIED.values().stream().mapToInt(Integer::intValue).sum() + " in all");
    }

    /**
     * One bad callback.
     *
     * @param category what kind of bad input, for the counts
     * @param name what exactly
     * @param status the expected status; 0: a refusal by the server itself (any 4xx) is accepted too
     * @param title the expected page title
     * @param ownLogin whether it answers a login of its own (one that it uses up), else it is tried on the login
     *                 that is completed last, which must survive it
     * @param url the bad callback URL, made from a good one (with a code and the state of a pending login)
     * @param setup what the fake does meanwhile, undone by {@link FakeAuthorizationServer#reset()}
     */
    private record Bad(String category, String name, int status, String title, boolean ownLogin,
                       UnaryOperator<String> url, ThrowingRunnable setup) {
        @Override
        public String toString() {
            return category + ": " + name;
        }
    }

    @FunctionalInterface
    private interface ThrowingRunnable {
        void run() throws Exception;
    }

    private static Bad bad(String category, String name, int status, String title, boolean ownLogin,
                           UnaryOperator<String> url) {
        return new Bad(category, name, status, title, ownLogin, url, () -> { });
    }

    private static Bad token(String name, int status, ThrowingRunnable setup) {
        return new Bad("token endpoint", name, status, "Sign-in could not be completed", true, good -> good, setup);
    }

    private static Bad tokenBody(String name, String contentType, String body) {
        return token(name, 502, () -> {
            fake.answerTokenRequests(TokenMode.CUSTOM);
            fake.customTokenContentType(contentType);
            fake.customTokenBody(body);
        });
    }

    @Test
    void badCallbackParametersLeaveTheSessionAsItWas() throws Exception {
        String invalid = "Invalid sign-in response";
        String unknown = "Unknown sign-in response";
        run(List.of(
                bad("missing", "no parameter at all", 400, invalid, false, good -> callbackPath()),
                bad("missing", "no state", 400, invalid, false, good -> callbackPath() + "?code=" + code(good)),
                bad("missing", "neither code nor error", 400, invalid, true,
                        good -> callbackPath() + "?state=" + state(good)),
                bad("empty", "empty state", 400, invalid, false, good -> callbackPath() + "?code=" + code(good) + "&state="),
                bad("empty", "every parameter empty", 400, invalid, false,
                        good -> callbackPath() + "?code=&state=&error=&error_description=&iss="),
                bad("empty", "empty code", 400, invalid, true, good -> callbackPath() + "?code=&state=" + state(good)),
                bad("duplicated", "state twice", 400, invalid, false, good -> good + "&state=" + state(good)),
                bad("duplicated", "code twice", 400, invalid, false, good -> good + "&code=other"),
                bad("duplicated", "error twice", 400, invalid, false, good -> good + "&error=a&error=b"),
                bad("duplicated", "error_description twice", 400, invalid, false,
                        good -> good + "&error_description=a&error_description=b"),
                bad("duplicated", "iss twice", 400, invalid, false, good -> good + "&iss=a&iss=b"),
                bad("100 KB", "state of 100 KB", 0, invalid, false, good -> good + "&state=" + HUNDRED_KB),
                bad("100 KB", "code of 100 KB", 0, invalid, false,
                        good -> callbackPath() + "?code=" + HUNDRED_KB + "&state=" + state(good)),
                bad("100 KB", "error_description of 100 KB", 0, invalid, false,
                        good -> callbackPath() + "?error=access_denied&error_description=" + HUNDRED_KB
                                + "&state=" + state(good)),
                bad("100 KB", "unknown parameter of 100 KB", 0, unknown, false,
                        good -> callbackPath() + "?code=abc&state=unknown&junk=" + HUNDRED_KB),
                bad("invalid percent-encoding", "%zz in the code", 0, null, true,
                        good -> callbackPath() + "?code=%zz&state=" + state(good)),
                bad("invalid percent-encoding", "a lone % in the state", 0, null, false,
                        good -> callbackPath() + "?code=abc&state=%"),
                bad("invalid percent-encoding", "%E9 (not UTF-8) in the state", 0, null, false,
                        good -> callbackPath() + "?code=abc&state=%E9t%E9"),
                bad("invalid percent-encoding", "overlong UTF-8 %C0%AF", 0, null, false,
                        good -> callbackPath() + "?code=abc&state=%C0%AF"),
                bad("invalid percent-encoding", "a truncated %4", 0, null, false,
                        good -> callbackPath() + "?code=abc&state=x%4"),
                bad("state", "unknown state", 400, unknown, false,
                        good -> callbackPath() + "?code=" + code(good) + "&state=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"),
                bad("state", "state of another browser's login", 400, unknown, false,
                        good -> callbackPath() + "?code=abc&state=" + state(anotherBrowsersCallback())),
                bad("iss", "iss of another server", 400, invalid, true,
                        good -> good + "&iss=https%3A%2F%2Fattacker.example")));
    }

    @Test
    void everyErrorResponseLeavesTheSessionAsItWas() throws Exception {
        List<Bad> bads = new ArrayList<>();
        // RFC 6749 §4.1.2.1
        for (String error : List.of("invalid_request", "unauthorized_client", "access_denied",
                "unsupported_response_type", "invalid_scope", "server_error", "temporarily_unavailable")) {
            boolean denied = error.equals("access_denied");
            bads.add(bad("error=", error, denied ? 403 : 401, denied ? "Sign-in was declined" : "Sign-in failed", true,
                    good -> callbackPath() + "?error=" + error + "&error_description=Told+so&state=" + state(good)));
        }
        bads.add(bad("error= with HTML", "a script in error_description", 401, "Sign-in failed", true,
                good -> callbackPath() + "?error=invalid_scope&error_description=%3Cscript%3Ealert(1)%3C%2Fscript%3E"
                        + "%3Cimg+src%3Dx+onerror%3Dalert(2)%3E&state=" + state(good)));
        bads.add(bad("error= with HTML", "a script as the error code", 401, "Sign-in failed", true,
                good -> callbackPath() + "?error=%3Cscript%3Ealert(1)%3C%2Fscript%3E&state=" + state(good)));
        bads.add(bad("error= with HTML", "CR/LF in error_description", 401, "Sign-in failed", true,
                good -> callbackPath() + "?error=server_error&error_description=a%0d%0aSet-Cookie:+x%3Dy&state="
                        + state(good)));
        run(bads);
    }

    @Test
    void everyTokenEndpointFailureLeavesTheSessionAsItWas() throws Exception {
        String padding = "p".repeat(BoundedHttp.MAX_BYTES + 1);
        run(List.of(
                tokenBody("an empty body", "application/json", ""),
                tokenBody("a body that is not JSON", "text/plain", "this is not json"),
                tokenBody("an HTML page with 200", "text/html", "<html><body><form>Sign in</form></body></html>"),
                tokenBody("a JSON array", "application/json", "[{\"access_token\":\"at\"}]"),
                tokenBody("JSON without access_token", "application/json", "{\"token_type\":\"Bearer\",\"expires_in\":60}"),
                tokenBody("a negative expires_in", "application/json",
                        "{\"access_token\":\"at-x\",\"token_type\":\"Bearer\",\"expires_in\":-60}"),
                tokenBody("a fractional expires_in", "application/json",
                        "{\"access_token\":\"at-x\",\"token_type\":\"Bearer\",\"expires_in\":0.5}"),
                tokenBody("over 1 MiB", "application/json",
                        "{\"access_token\":\"at-x\",\"token_type\":\"Bearer\",\"padding\":\"" + padding + "\"}"),
                tokenBody("expires_in 0: expired on arrival", "application/json",
                        "{\"access_token\":\"at-x\",\"token_type\":\"Bearer\",\"expires_in\":0}"),
                tokenBody("an absolute expires in the past", "application/json",
                        "{\"access_token\":\"at-x\",\"token_type\":\"Bearer\",\"expires\":1600000000}"),
                tokenBody("a created_at far in the past", "application/json",
                        "{\"access_token\":\"at-x\",\"token_type\":\"Bearer\",\"created_at\":1000000000,"
                                + "\"expires_in\":300}"),
                token("token_type mac", 502, () -> fake.issueTokenType("mac")),
                token("token_type DPoP", 502, () -> fake.issueTokenType("DPoP")),
                token("HTTP 500 with HTML", 502, () -> fake.answerTokenRequests(TokenMode.SERVER_ERROR_HTML)),
                token("HTTP 400 invalid_grant", 502, () -> fake.answerTokenRequests(TokenMode.INVALID_GRANT)),
                token("connection refused", 502, () -> {
                    fake.pause();
                    paused = true;
                }),
                token("an answer after the timeout", 504, () -> {
                    fake.answerTokenRequests(TokenMode.SLOW);
                    fake.slowAnswersTake(4_000); // pkce.http-timeout is PT2S here
                })));
    }

    @Test
    void aTokenExpiredOnArrivalEndsInAClear502PageNotALoginLoop() {
        fake.answerTokenRequests(TokenMode.CUSTOM);
        fake.customTokenBody("{\"access_token\":\"at-expired\",\"token_type\":\"Bearer\",\"expires_in\":0}");
        BrowserlessClient browser = new BrowserlessClient();
        browser.get(base + "public/events", Map.of()); // forget earlier events

        BrowserlessClient.Result page = browser.navigate(base + "app/servlet");

        assertEquals(502, page.status(), page.hops()::toString);
        assertTrue(page.body().contains("<h1>Sign-in could not be completed</h1>"), page.body());
        assertTrue(page.body().contains("already expired"), page.body());
        assertFalse(page.body().contains("at-expired"), page.body());
        assertEquals(1, fake.requests("/token").size(), "one exchange, no loop: " + page.hops());
        assertEquals("LoginFailed 502 -", browser.get(base + "public/events", Map.of()).body());
        assertEquals(401, browser.get(base + "app/servlet", BrowserlessClient.XHR).statusCode(), "nothing stored");
        TRIED.merge("token response", 1, Integer::sum);
    }

    @Test
    void anAbsurdLifetimeIsCutToAYear() {
        fake.tokensExpireIn(Integer.MAX_VALUE); // 68 years
        BrowserlessClient browser = new BrowserlessClient();
        HttpResponse<String> page = browser.navigate(base + "app/servlet").response();
        assertEquals(200, page.statusCode(), page.body());
        java.util.regex.Matcher expiresAt = java.util.regex.Pattern.compile("expiresAt=([^,\\]]+)").matcher(page.body());
        assertTrue(expiresAt.find(), page.body());
        Duration lifetime = Duration.between(Instant.now(), Instant.parse(expiresAt.group(1)));
        assertTrue(lifetime.compareTo(Duration.ofDays(365)) > 0 && lifetime.compareTo(Duration.ofDays(367)) < 0,
                "cut to 366 days: " + lifetime);
        TRIED.merge("token response", 1, Integer::sum);
    }

    @Test
    void aRefreshWithAnotherTokenTypeIsAFailedRefresh() throws InterruptedException {
        fake.tokensExpireIn(4); // due for refresh after half its lifetime: 2 s, within the default refresh skew of 30 s
        BrowserlessClient browser = new BrowserlessClient();
        String first = hash(browser.navigate(base + "app/servlet").response());
        Thread.sleep(2_100);
        int refreshes = fake.refreshGrants();
        fake.issueTokenType("mac");

        // one request on its own connection, so that no client retry can hide what one request does
        RawHttp.Response refused = RawHttp.get(base, base.getPath() + "app/servlet",
                Map.of("Accept", "application/json", "Cookie", "JSESSIONID=" + browser.sessionId()));
        assertEquals(refreshes + 1, fake.refreshGrants(), "one refresh was asked for");
        assertEquals(200, refused.status(), "the still valid token goes on: " + refused.body());
        java.util.regex.Matcher hash = java.util.regex.Pattern.compile("\"servlet\":\"([0-9a-f]{64})\"")
                .matcher(refused.body());
        assertTrue(hash.find(), refused.body());
        assertEquals(first, hash.group(1), "the refresh's token of another type was not taken");
        TRIED.merge("token response", 1, Integer::sum);
    }

    /** Runs the bad callbacks on signed-in browsers, each with a few pending logins. */
    private void run(List<Bad> bads) throws Exception {
        List<String> problems = new ArrayList<>();
        List<Bad> left = new ArrayList<>(bads);
        while (!left.isEmpty()) {
            List<Bad> batch = new ArrayList<>();
            long own = 0;
            while (!left.isEmpty() && (own < PENDING_PER_BROWSER - 1 || !left.get(0).ownLogin())) {
                Bad next = left.remove(0);
                own += next.ownLogin() ? 1 : 0;
                batch.add(next);
            }
            runOnOneBrowser(batch, (int) own, problems);
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    private void runOnOneBrowser(List<Bad> batch, int ownLogins, List<String> problems) throws Exception {
        BrowserlessClient browser = new BrowserlessClient();
        List<String> callbacks = new ArrayList<>();
        for (int i = 0; i < ownLogins + 2; i++) { // one to sign in with, one per bad input that uses one, one to finish
            HttpResponse<String> toAuthorize = browser.get(base + "app/servlet?login=" + i, BrowserlessClient.NAVIGATION);
            callbacks.add(BrowserlessClient.location(browser.follow(toAuthorize)));
        }
        HttpResponse<String> signIn = browser.get(callbacks.remove(0), BrowserlessClient.NAVIGATION);
        assertEquals(302, signIn.statusCode(), signIn.body());
        String session = browser.sessionId();
        String token = hash(browser.get(base + "app/servlet", BrowserlessClient.XHR));
        String last = callbacks.remove(callbacks.size() - 1);

        for (Bad bad : batch) {
            TRIED.merge(bad.category(), 1, Integer::sum);
            String good = bad.ownLogin() ? callbacks.remove(0) : last;
            String outcome;
            try {
                bad.setup().run();
                // sent byte for byte: java.net.URI refuses some of these URLs (invalid percent-encoding)
                RawHttp.Response response = RawHttp.get(base, bad.url().apply(good).substring(origin().length()),
                        Map.of("Accept", "text/html", "Cookie", "JSESSIONID=" + session));
                outcome = response.status() + " " + check(bad, response);
                if (response.cookie("JSESSIONID").filter(id -> !id.equals(session)).isPresent()) {
                    problems.add(bad + ": a new session id was set");
                }
            } finally {
                if (paused) {
                    fake.resume();
                    paused = false;
                }
                fake.reset();
            }
            System.out.println("[bad-input] " + bad + " -> " + outcome);
            if (!outcome.replaceFirst("^\\d{3} ", "").startsWith("ok")) {
                problems.add(bad + ": " + outcome);
            }
            if (!session.equals(browser.sessionId())) {
                problems.add(bad + ": the session id changed");
            }
            HttpResponse<String> after = browser.get(base + "app/servlet", BrowserlessClient.XHR);
            if (after.statusCode() != 200 || !token.equals(hash(after))) {
                problems.add(bad + ": no longer signed in with the same token: " + after.statusCode() + " " + after.body());
            }
        }
        HttpResponse<String> finish = browser.get(last, BrowserlessClient.NAVIGATION);
        String expected = "/app/servlet?login=" + (ownLogins + 1);
        if (finish.statusCode() != 302 || !finish.headers().firstValue("Location").orElse("").endsWith(expected)) {
            problems.add("after " + batch + ": the other pending login did not complete: " + finish.statusCode()
                    + " " + abbreviate(finish.body()));
            return;
        }
        HttpResponse<String> now = browser.get(base + "app/servlet", BrowserlessClient.XHR);
        if (now.statusCode() != 200 || token.equals(hash(now))) {
            problems.add("after " + batch + ": not signed in with the other login's token: " + now.statusCode());
        }
    }

    /** @return "ok ..." or what is wrong */
    private static String check(Bad bad, RawHttp.Response response) {
        if (response.status() == 0) { // the server hung up without an answer: nothing leaked, nothing done
            return bad.status() == 0 ? "ok, the server closed the connection" : "no answer";
        }
        String body = response.body();
        if (body.contains("Exception") || body.contains("\tat ")) {
            return "a stack trace";
        }
        if (body.contains("<script>") || body.contains("<img") || body.contains(HUNDRED_KB.substring(0, 1000))) {
            return "echoes the input unescaped or whole";
        }
        boolean ours = body.contains("<p class=\"status\">Error ");
        if (!ours) {
            // the server refused the request before the application saw it
            return bad.status() == 0 && response.status() >= 400 && response.status() < 500
                    ? "ok, refused by the server itself" : "not pkce-filter's page, status " + response.status();
        }
        if (bad.status() != 0 && response.status() != bad.status()) {
            return "status " + response.status() + ", expected " + bad.status();
        }
        if (bad.status() == 0 && response.status() != 400) {
            return "status " + response.status() + ", expected 400";
        }
        if (bad.title() != null && !body.contains("<h1>" + bad.title() + "</h1>")) {
            return "not the page '" + bad.title() + "': " + abbreviate(body);
        }
        if (!"no-store".equals(response.header("Cache-Control").orElse(""))) {
            return "no Cache-Control: no-store";
        }
        return "ok, " + body.replaceAll("(?s).*<h1>(.*?)</h1>.*", "$1");
    }

    private String anotherBrowsersCallback() {
        BrowserlessClient other = new BrowserlessClient();
        HttpResponse<String> toAuthorize = other.get(base + "app/servlet", BrowserlessClient.NAVIGATION);
        return BrowserlessClient.location(other.follow(toAuthorize));
    }

    private String origin() {
        return base.getProtocol() + "://" + base.getAuthority();
    }

    private String callbackPath() {
        return base + "oauth/callback";
    }

    private static String state(String callbackUrl) {
        return FakeAuthorizationServer.parseQuery(URI.create(callbackUrl).getRawQuery()).get("state");
    }

    private static String code(String callbackUrl) {
        return FakeAuthorizationServer.parseQuery(URI.create(callbackUrl).getRawQuery()).get("code");
    }

    private static String hash(HttpResponse<String> response) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"servlet\":\"([0-9a-f]{64})\"").matcher(response.body());
        return m.find() ? m.group(1) : "(none: " + response.statusCode() + ")";
    }

    private static String abbreviate(String text) {
        return text.length() <= 300 ? text : text.substring(0, 300) + "...";
    }
}
