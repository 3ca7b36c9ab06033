package dev.pkcefilter.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.pkcefilter.it.support.AgainstFakeServer;
import dev.pkcefilter.it.support.BrowserlessClient;
import dev.pkcefilter.it.support.FakeAuthorizationServer;
import dev.pkcefilter.it.support.RawHttp;
import dev.pkcefilter.it.support.TestWars;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * No open redirect (RFC 9700 §4.11): every hostile form of the request that starts a login (the request target,
 * a return URL in its query, the {@code Host} and forwarding headers) and of the callback and logout requests is
 * sent as an attacker's client would, byte for byte ({@link RawHttp}); the login is completed against the fake
 * server; and every redirect pkce-filter answers goes either to the authorization server or to a path on the
 * application's own origin. A request the server itself refuses (400, 404, 414) ends nowhere, which is as good.
 * The number of forms tried per category is printed into the test output.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class OpenRedirectIT extends AgainstFakeServer {

    OpenRedirectIT() {
        super("open");
    }

    private static final String EVIL = "evil.example";
    private static final Map<String, String> PAGE = Map.of("Accept", "text/html,application/xhtml+xml");

    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    @Deployment(testable = false)
    static WebArchive app() throws Exception {
        fake = new FakeAuthorizationServer();
        return TestWars.tokenApp("open.war", Map.of(
                "pkce.issuer", fake.issuer(),
                "pkce.client-id", "open-app",
                "pkce.protected-paths", "/app/*",
                "pkce.http-timeout", "PT5S"));
    }

    @BeforeEach
    void resetFake() {
        fake.reset();
    }

    /** A hostile request: its category, its raw request target, and its extra headers. */
    private record Hostile(String category, String target, Map<String, String> headers) {
        @Override
        public String toString() {
            String shown = target.length() > 80 ? target.substring(0, 80) + "...(" + target.length() + " chars)" : target;
            return category + " " + shown.replace("\r", "\\r").replace("\n", "\\n") + (headers.isEmpty() ? "" : " " + headers);
        }
    }

    private List<Hostile> hostileLoginStarts() {
        String app = context() + "/app/";
        List<Hostile> forms = new ArrayList<>();
        add(forms, "protocol-relative", app + "/" + EVIL, app + "servlet//" + EVIL, context() + "/app//" + EVIL + "/x",
                app + "..//" + EVIL, app + "%2F%2F" + EVIL, app + "%2f%2f" + EVIL, app + "%252F%252F" + EVIL,
                app + "servlet?next=//" + EVIL, app + "servlet?returnTo=%2F%2F" + EVIL);
        add(forms, "backslash", app + "\\" + EVIL, app + "\\\\" + EVIL, app + "%5C%5C" + EVIL, app + "/\\" + EVIL,
                app + "servlet?next=\\\\" + EVIL, app + "servlet?next=%5C%5C" + EVIL);
        add(forms, "encoded slash or dot", app + "%2e%2e/%2e%2e//" + EVIL, app + ".%2e/.%2e//" + EVIL,
                app + "%2e%2e%2f%2e%2e%2f%2f" + EVIL, app + "..;/..;//" + EVIL, app + ";//" + EVIL,
                app + "%00//" + EVIL, app + "%09//" + EVIL);
        add(forms, "scheme", app + "javascript:alert(1)", app + "servlet?url=javascript:alert(document.domain)",
                app + "servlet?next=https://" + EVIL + "/", app + "servlet?redirect_uri=https%3A%2F%2F" + EVIL + "%2Fcb",
                app + "servlet?continue=http:%2F%2F" + EVIL, app + "servlet?x=data:text/html;base64,PHNjcmlwdD4=",
                app + "https://" + EVIL);
        add(forms, "CR/LF", app + "x%0d%0aLocation:%20http://" + EVIL, app + "x%0aSet-Cookie:%20a=b",
                app + "servlet?r=%0d%0aLocation:%20https://" + EVIL, app + "x\r\nLocation: http://" + EVIL,
                app + "x\nLocation: http://" + EVIL, app + "x\rLocation: http://" + EVIL);
        add(forms, "user-info @", app + "@" + EVIL, app + "servlet?u=https://app@" + EVIL,
                app + "servlet?next=//user:pass@" + EVIL, app + "%40" + EVIL);
        add(forms, "Unicode look-alike", app + "\uff0f\uff0f" + EVIL, app + "\u2215\u2215" + EVIL,
                app + "%EF%BC%8F%EF%BC%8F" + EVIL, app + "%E2%81%84%E2%81%84" + EVIL, app + "%C0%AF%C0%AF" + EVIL,
                app + "\u3002" + EVIL, app + "servlet?next=\uff0f\uff0f" + EVIL);
        add(forms, "overlong", app + "a".repeat(9_000), app + "servlet?q=" + "b".repeat(9_000) + "&next=//" + EVIL,
                app + "c".repeat(7_000) + "//" + EVIL, app + "%2F".repeat(3_000) + EVIL);
        add(forms, "absolute-form target", "http://" + EVIL + app + "servlet", "http://" + EVIL + "//" + EVIL + app,
                "https://" + EVIL + ":443" + app + "servlet");
        forms.add(new Hostile("Host header", app + "servlet", Map.of("Host", EVIL)));
        forms.add(new Hostile("Host header", app + "servlet", Map.of("Host", EVIL + ":443")));
        forms.add(new Hostile("Host header", app + "servlet", Map.of("Host", base.getHost() + ":" + base.getPort() + "@" + EVIL)));
        forms.add(new Hostile("Host header", app + "servlet", Map.of("Host", EVIL + "/" + context())));
        forms.add(new Hostile("Host header", app + "servlet", Map.of("Host", "")));
        forms.add(new Hostile("forwarding header", app + "servlet", Map.of("X-Forwarded-Host", EVIL)));
        forms.add(new Hostile("forwarding header", app + "servlet",
                Map.of("X-Forwarded-Host", EVIL, "X-Forwarded-Proto", "https", "X-Forwarded-Port", "443")));
        forms.add(new Hostile("forwarding header", app + "servlet", Map.of("Forwarded", "host=" + EVIL + ";proto=https")));
        forms.add(new Hostile("forwarding header", app + "servlet", Map.of("X-Original-URL", "//" + EVIL,
                "X-Rewrite-URL", "//" + EVIL)));
        return forms;
    }

    private static void add(List<Hostile> forms, String category, String... targets) {
        for (String target : targets) {
            forms.add(new Hostile(category, target, Map.of()));
        }
    }

    @Test
    void everyHostileLoginStartEndsOnTheApplicationsOrigin() throws InterruptedException {
        List<String> problems = new ArrayList<>();
        Map<String, Integer> tried = new TreeMap<>();
        Map<String, Integer> outcomes = new TreeMap<>();
        int completed = 0;
        for (Hostile hostile : hostileLoginStarts()) {
            tried.merge(hostile.category(), 1, Integer::sum);
            String outcome;
            try {
                outcome = loginWith(hostile);
            } catch (AssertionError | RuntimeException | IOException | URISyntaxException e) {
                problems.add(hostile + ": " + e.getMessage());
                continue;
            }
            outcomes.merge(outcome.startsWith("login completed") ? "login completed"
                    : outcome.startsWith("redirected") ? "redirected within the application" : outcome, 1, Integer::sum);
            if (outcome.startsWith("login completed")) {
                completed++;
            }
            System.out.println("[open-redirect] " + hostile + " -> " + outcome);
        }
        System.out.println("[open-redirect] login start: hostile forms tried per category " + tried + ", "
                + tried.values().stream().mapToInt(Integer::intValue).sum() + " in all; outcomes " + outcomes);
        assertTrue(problems.isEmpty(), String.join("\n", problems));
        assertTrue(tried.values().stream().mapToInt(Integer::intValue).sum() >= 40, tried::toString);
        assertTrue(completed >= 20, "most forms reach pkce-filter and complete a login: " + outcomes);
    }

    /**
     * Starts a login with the hostile request, completes it at the fake server, and checks every redirect.
     *
     * @return what happened, for the test output
     */
    private String loginWith(Hostile hostile) throws IOException, InterruptedException, URISyntaxException {
        fake.reset();
        Map<String, String> headers = new LinkedHashMap<>(PAGE);
        headers.putAll(hostile.headers());
        RawHttp.Response start = RawHttp.get(base, hostile.target(), headers);
        assertNoStackTrace(start);
        String location = start.header("Location").orElse(null);
        if (start.status() != 302 || location == null) {
            assertTrue(location == null || isOwnPath(location) == null, "a redirect elsewhere: " + location);
            return "answered by the server with " + start.status() + ", no redirect";
        }
        if (!location.startsWith(fake.issuer() + "/authorize?")) {
            String problem = isOwnPath(location);
            assertTrue(problem == null, problem);
            return "redirected within the application to " + location;
        }
        // at the authorization server, which sends the browser back to the redirect_uri it was given
        String session = start.cookie("JSESSIONID").orElseThrow(() -> new AssertionError("no session cookie"));
        String redirectUri = FakeAuthorizationServer.parseQuery(URI.create(location).getRawQuery()).get("redirect_uri");
        HttpResponse<String> authorized = http.send(HttpRequest.newBuilder(URI.create(location)).build(),
                HttpResponse.BodyHandlers.ofString());
        URI toCallback = URI.create(BrowserlessClient.location(authorized));
        assertTrue(toCallback.toString().startsWith(redirectUri + "?code="), toCallback::toString);

        Map<String, String> callbackHeaders = new LinkedHashMap<>(headers);
        callbackHeaders.put("Cookie", "JSESSIONID=" + session);
        RawHttp.Response callback = RawHttp.get(base, toCallback.getRawPath() + "?" + toCallback.getRawQuery(),
                callbackHeaders);
        assertNoStackTrace(callback);
        assertEquals(302, callback.status(), callback::body);
        String back = callback.location();
        String problem = isOwnPath(back);
        assertTrue(problem == null, problem);
        assertEquals(1, fake.requests("/token").size(), "one code exchange");
        String via = URI.create(redirectUri).getHost().equals(EVIL) ? " (redirect_uri on the lying host " + redirectUri + ")" : "";
        return "login completed, back to " + abbreviate(back) + via;
    }

    @Test
    void theLyingHostHeaderNeverMovesABrowserOffTheAuthorizationServerOrTheApplication() {
        // the redirect URI is derived from the request's host unless pkce.redirect-uri is set: a lying Host makes an
        // unregistered redirect_uri, which the authorization server refuses (RFC 9700 §4.1.3, exact matching); what
        // pkce-filter itself answers is a redirect to the authorization server, never to the lying host
        Map<String, String> headers = new LinkedHashMap<>(PAGE);
        headers.put("Host", EVIL);
        RawHttp.Response start = RawHttp.get(base, context() + "/app/servlet", headers);
        String location = start.location();
        assertTrue(location.startsWith(fake.issuer() + "/authorize?"), location);
        assertEquals("http://" + EVIL + context() + "/oauth/callback",
                FakeAuthorizationServer.parseQuery(URI.create(location).getRawQuery()).get("redirect_uri"),
                "the redirect URI follows the Host header when pkce.redirect-uri is not set (see SECURITY.md, No open redirect)");

        headers.put("Host", "127.0.0.1:" + base.getPort());
        headers.put("X-Forwarded-Host", EVIL);
        RawHttp.Response forwarded = RawHttp.get(base, context() + "/app/servlet", headers);
        String redirectUri = FakeAuthorizationServer.parseQuery(URI.create(forwarded.location())
                .getRawQuery()).get("redirect_uri");
        assertEquals("http://127.0.0.1:" + base.getPort() + context() + "/oauth/callback", redirectUri,
                "neither server reads X-Forwarded-Host unless configured to");
    }

    @Test
    void noParameterOfTheCallbackOrTheLogoutCarriesAReturnUrl() throws Exception {
        String[] hostileParameters = {"redirect_uri=https%3A%2F%2F" + EVIL, "return=%2F%2F" + EVIL,
                "returnTo=https://" + EVIL, "next=//" + EVIL, "continue=%5C%5C" + EVIL, "url=javascript:alert(1)",
                "target=http://" + EVIL, "post_logout_redirect_uri=https%3A%2F%2F" + EVIL + "%2F",
                "redirect=https://user@" + EVIL, "RelayState=//" + EVIL, "return_to=%0d%0aLocation:%20https://" + EVIL};
        int callbacks = 0;
        int logouts = 0;
        for (String parameter : hostileParameters) {
            // a callback with the hostile parameter added goes back to the page first asked for
            Map<String, String> headers = new LinkedHashMap<>(PAGE);
            RawHttp.Response start = RawHttp.get(base, context() + "/app/servlet?page=1", headers);
            headers.put("Cookie", "JSESSIONID=" + start.cookie("JSESSIONID").orElseThrow());
            URI toCallback = URI.create(BrowserlessClient.location(http.send(
                    HttpRequest.newBuilder(URI.create(start.location())).build(), HttpResponse.BodyHandlers.ofString())));
            RawHttp.Response callback = RawHttp.get(base, toCallback.getRawPath() + "?" + parameter + "&"
                    + toCallback.getRawQuery() + "&" + parameter.replaceFirst("=", "2="), headers);
            assertEquals(302, callback.status(), parameter + ": " + callback.body());
            assertEquals(context() + "/app/servlet?page=1", callback.location(), parameter);
            callbacks++;
            headers.put("Cookie", "JSESSIONID=" + callback.cookie("JSESSIONID").orElseThrow());

            // a logout with it goes to the end-session endpoint, which is told to come back to this application
            RawHttp.Response logout = RawHttp.send(base, "POST", context() + "/oauth/logout?" + parameter, headers);
            assertNoStackTrace(logout);
            assertEquals(302, logout.status(), parameter + ": " + logout.body());
            URI endSession = URI.create(logout.location());
            assertEquals(fake.uri("/end-session").toString(), endSession.toString().replaceFirst("\\?.*", ""), parameter);
            assertEquals(base.toString(), FakeAuthorizationServer.parseQuery(endSession.getRawQuery())
                    .get("post_logout_redirect_uri"), parameter);
            logouts++;
        }
        System.out.println("[open-redirect] return-URL parameters tried: " + callbacks + " at the callback, "
                + logouts + " at the logout");
        assertEquals(hostileParameters.length, logouts);
    }

    /** @return why {@code location} is not a path on the application's origin, or {@code null} when it is */
    private String isOwnPath(String location) throws URISyntaxException {
        if (!location.startsWith(context() + "/")) {
            return "not a path in the application: " + location;
        }
        if (location.startsWith("//") || location.contains("\\")) {
            return "protocol-relative or with a backslash: " + location;
        }
        for (char c : location.toCharArray()) {
            if (c < 0x21 || c > 0x7e) {
                return "a control, space or non-ASCII character: " + abbreviate(location);
            }
        }
        URI resolved = base.toURI().resolve(location);
        if (!(resolved.getScheme() + "://" + resolved.getRawAuthority()).equals(origin())) {
            return "resolves to another origin: " + resolved;
        }
        return null;
    }

    private static void assertNoStackTrace(RawHttp.Response response) {
        String body = response.body();
        int at = Math.max(body.indexOf("Exception"), body.indexOf("\tat "));
        assertTrue(at < 0, () -> "a stack trace: " + response.status() + " ..."
                + body.substring(Math.max(0, at - 300), Math.min(body.length(), at + 300)));
    }

    private String context() {
        String path = base.getPath();
        return path.substring(0, path.length() - 1);
    }

    private String origin() {
        return base.getProtocol() + "://" + base.getHost() + ":" + base.getPort();
    }

    private static String abbreviate(String text) {
        return text.length() <= 120 ? text : text.substring(0, 120) + "...(" + text.length() + " chars)";
    }
}
