package dev.pkcefilter.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.CookieHandler;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A scriptable stand-in for one browser: a {@link HttpClient} with its own cookie jar that does not
 * follow redirects by itself, so tests can see and assert every hop.
 *
 * <p>Keep each server on one host name within a test, as a browser would (cookies are per host): the
 * application's URLs all from {@link AppUrl} ({@code http://127.0.0.1:18080/...} on both servers; the redirect URI
 * follows the request's host, and the Keycloak realm allows it), Keycloak's from {@link KeycloakServer} (always {@code localhost}: Keycloak derives
 * its issuer from the request's host, and {@code pkce.issuer} must equal it exactly).
 */
public final class BrowserlessClient {

    /** What a browser sends when the user navigates to a page (the Accept of Firefox and Chrome). */
    public static final Map<String, String> NAVIGATION =
            Map.of("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8");
    /** What a script ({@code fetch}, XHR) asking for JSON sends. */
    public static final Map<String, String> XHR = Map.of("Accept", "application/json");

    private static final int MAX_HOPS = 20;
    private static final Pattern FORM_TAG = Pattern.compile("<form\\b[^>]*>", Pattern.CASE_INSENSITIVE);
    private static final Pattern ACTION = Pattern.compile("\\baction\\s*=\\s*\"([^\"]*)\"", Pattern.CASE_INSENSITIVE);

    /** One request of a redirect chain: what was asked and how it was answered. */
    public record Hop(String method, URI uri, int status, String location) {
        @Override
        public String toString() {
            return method + " " + uri + " -> " + status + (location == null ? "" : " " + location);
        }
    }

    /** The last response of a chain, and every hop that led to it (the last one included). */
    public record Result(HttpResponse<String> response, List<Hop> hops) {
        public int status() {
            return response.statusCode();
        }

        public String body() {
            return response.body();
        }

        public URI uri() {
            return response.uri();
        }
    }

    /**
     * Where the requests of this browser go. A browser sends each to the host its URL names; in front of a
     * cluster, a load balancer on one origin picks a node for each ({@code dev.pkcefilter.it.cluster.LoadBalancer}).
     */
    public interface Route {
        /** @return where a request for {@code uri} is sent */
        URI to(URI uri);

        /** @return the URI the browser believes it talks to, under which its cookies are kept */
        URI origin(URI uri);
    }

    private static final Route DIRECT = new Route() {
        @Override
        public URI to(URI uri) {
            return uri;
        }

        @Override
        public URI origin(URI uri) {
            return uri;
        }
    };

    private final Route route;
    private final CookieManager cookies = new CookieManager(null, CookiePolicy.ACCEPT_ALL);
    private final HttpClient http;

    /** A browser that sends each request where its URL says. */
    public BrowserlessClient() {
        this(DIRECT);
    }

    /** A browser behind {@code route}: its cookies are kept per origin, whichever node answered. */
    public BrowserlessClient(Route route) {
        this.route = route;
        http = HttpClient.newBuilder()
                // as a browser over plain http: HTTP/1.1 (the JDK would try an h2c upgrade, which no browser does,
                // and Payara answers 200 concurrent streams on one h2c connection with GOAWAY)
                .version(HttpClient.Version.HTTP_1_1)
                .cookieHandler(new LoopbackIsSecure(cookies, route))
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
    }

    private volatile java.util.function.Consumer<HttpResponse<String>> listener = response -> { };

    /**
     * Shows every response this client receives, redirects included, to {@code listener} (e.g. to look for leaked
     * secrets in every header and body).
     *
     * @return this client
     */
    public BrowserlessClient onResponse(java.util.function.Consumer<HttpResponse<String>> listener) {
        this.listener = listener;
        return this;
    }

    /** This browser's cookies. */
    public CookieManager cookies() {
        return cookies;
    }

    /** @return the value of this browser's {@code JSESSIONID} cookie, or {@code null} */
    public String sessionId() {
        return cookies.getCookieStore().getCookies().stream().filter(c -> c.getName().equals("JSESSIONID"))
                .map(java.net.HttpCookie::getValue).findFirst().orElse(null);
    }

    /** One GET, redirects not followed. */
    public HttpResponse<String> get(String url, Map<String, String> headers) {
        return send(request(URI.create(url), headers).GET().build());
    }

    /** One POST of an {@code application/x-www-form-urlencoded} body, redirects not followed. */
    public HttpResponse<String> postForm(String url, Map<String, String> form, Map<String, String> headers) {
        String body = form.entrySet().stream()
                .map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
                .collect(Collectors.joining("&"));
        return send(request(URI.create(url), headers)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build());
    }

    /** A GET of the URL, then every redirect followed with GET and the same headers. */
    public Result getFollowing(String url, Map<String, String> headers) {
        return follow(get(url, headers), headers, new ArrayList<>());
    }

    /** A page navigation: {@link #getFollowing} with {@link #NAVIGATION} headers. */
    public Result navigate(String url) {
        return getFollowing(url, NAVIGATION);
    }

    /**
     * Follows the one redirect {@code response} asks for, as a browser's navigation does: a GET of its
     * {@code Location}, resolved against the response's URI, with {@link #NAVIGATION} headers.
     *
     * @throws AssertionError if the response has no {@code Location}
     */
    public HttpResponse<String> follow(HttpResponse<String> response) {
        return follow(response, NAVIGATION);
    }

    /** {@link #follow(HttpResponse)} with these headers. */
    public HttpResponse<String> follow(HttpResponse<String> response, Map<String, String> headers) {
        return send(request(response.uri().resolve(location(response)), headers).GET().build());
    }

    /**
     * @return the response's {@code Location} header, as sent
     * @throws AssertionError if it has none (naming the status and the URI it answered)
     */
    public static String location(HttpResponse<?> response) {
        return response.headers().firstValue("Location").orElseThrow(() -> new AssertionError(
                "no Location in the " + response.statusCode() + " answer to " + response.uri()));
    }

    /**
     * Follows the redirects that start at {@code response} (GET, same headers), appending each hop
     * to {@code hops}, up to the first response that is not a redirect.
     */
    public Result follow(HttpResponse<String> response, Map<String, String> headers, List<Hop> hops) {
        HttpResponse<String> current = response;
        while (true) {
            String location = current.headers().firstValue("Location").orElse(null);
            hops.add(new Hop(current.request().method(), current.uri(), current.statusCode(), location));
            if (!isRedirect(current.statusCode()) || location == null) {
                return new Result(current, List.copyOf(hops));
            }
            if (hops.size() >= MAX_HOPS) {
                throw new IllegalStateException("more than " + MAX_HOPS + " redirects: " + hops);
            }
            current = send(request(current.uri().resolve(location), headers).GET().build());
        }
    }

    /**
     * Signs in like a person would: navigates to a protected page of the application, lets it send
     * the browser to Keycloak, fills in Keycloak's login form, and follows the redirects back through
     * the application's callback to the final page.
     *
     * <p>Connecting a further client goes the same way: {@code startUrl} is then its connect URL, e.g.
     * {@code http://127.0.0.1:18080/example/oauth/connect/partner?return=/example/app/}, which sends the browser to
     * that client's realm, whose login form is filled in here, and its callback sends the browser to the return path.
     *
     * @param startUrl a protected URL of the application, e.g. {@code http://localhost:18080/example/app/}, or the
     *        connect URL of a further client
     * @return the final response and every hop from {@code startUrl} on
     * @throws IllegalStateException if the chain does not end at Keycloak's login form
     */
    public Result loginAtKeycloak(String startUrl, String user, String password) {
        List<Hop> hops = new ArrayList<>();
        return follow(submitKeycloakLogin(startUrl, user, password, hops), NAVIGATION, hops);
    }

    /**
     * Signs in at Keycloak as {@link #loginAtKeycloak} does, but stops at Keycloak's redirect to the application's
     * callback: the callback URL (with its {@code code}, {@code state} and {@code iss}) is returned, not requested,
     * so the code is still unspent, as an attacker who intercepted it would hold it.
     */
    public URI signInUntilCallback(String startUrl, String user, String password) {
        HttpResponse<String> posted = submitKeycloakLogin(startUrl, user, password, new ArrayList<>());
        String location = posted.headers().firstValue("Location").orElseThrow(() -> new IllegalStateException(
                "Keycloak answered the login form with " + posted.statusCode() + ", not a redirect to the callback"));
        return posted.uri().resolve(location);
    }

    private HttpResponse<String> submitKeycloakLogin(String startUrl, String user, String password, List<Hop> hops) {
        Result loginPage = follow(get(startUrl, NAVIGATION), NAVIGATION, hops);
        String action = loginFormAction(loginPage);
        Map<String, String> form = new LinkedHashMap<>();
        form.put("username", user);
        form.put("password", password);
        form.put("credentialId", "");
        return postForm(loginPage.uri().resolve(action).toString(), form, NAVIGATION);
    }

    private static String loginFormAction(Result page) {
        if (page.status() == 200) {
            Matcher tag = FORM_TAG.matcher(page.body());
            while (tag.find()) {
                if (tag.group().contains("id=\"kc-form-login\"")) {
                    Matcher action = ACTION.matcher(tag.group());
                    if (action.find()) {
                        return htmlUnescape(action.group(1));
                    }
                }
            }
        }
        throw new IllegalStateException("no Keycloak login form at the end of " + page.hops()
                + "\n" + abbreviate(page.body()));
    }

    /** Decodes the character references Keycloak's templates put into attribute values. */
    static String htmlUnescape(String text) {
        Matcher ref = Pattern.compile("&(#x[0-9a-fA-F]+|#[0-9]+|amp|lt|gt|quot|apos);").matcher(text);
        StringBuilder out = new StringBuilder();
        while (ref.find()) {
            String name = ref.group(1);
            String decoded = switch (name) {
                case "amp" -> "&";
                case "lt" -> "<";
                case "gt" -> ">";
                case "quot" -> "\"";
                case "apos" -> "'";
                default -> Character.toString(name.startsWith("#x")
                        ? Integer.parseInt(name.substring(2), 16)
                        : Integer.parseInt(name.substring(1)));
            };
            ref.appendReplacement(out, Matcher.quoteReplacement(decoded));
        }
        ref.appendTail(out);
        return out.toString();
    }

    /**
     * Sends {@code Secure} cookies to {@code http://localhost} and {@code http://127.0.0.1}, as browsers
     * do (loopback is a secure context); Keycloak marks its login cookies {@code Secure} even over
     * plain HTTP, and {@link CookieManager} alone would hold them back.
     */
    private static final class LoopbackIsSecure extends CookieHandler {
        private final CookieHandler jar;
        private final Route route;

        LoopbackIsSecure(CookieHandler jar, Route route) {
            this.jar = jar;
            this.route = route;
        }

        @Override
        public Map<String, List<String>> get(URI sentTo, Map<String, List<String>> headers) throws IOException {
            URI uri = route.origin(sentTo);
            boolean loopback = "http".equalsIgnoreCase(uri.getScheme())
                    && ("localhost".equalsIgnoreCase(uri.getHost()) || "127.0.0.1".equals(uri.getHost()));
            return jar.get(loopback ? asHttps(uri) : uri, headers);
        }

        @Override
        public void put(URI uri, Map<String, List<String>> headers) throws IOException {
            jar.put(route.origin(uri), headers);
        }

        private static URI asHttps(URI uri) {
            return URI.create("https:" + uri.getRawSchemeSpecificPart());
        }
    }

    private static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    private HttpRequest.Builder request(URI uri, Map<String, String> headers) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(route.to(uri)).timeout(Duration.ofSeconds(30));
        headers.forEach(builder::header);
        return builder;
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            listener.accept(response);
            return response;
        } catch (IOException e) {
            throw new UncheckedIOException(request.method() + " " + request.uri() + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static String abbreviate(String body) {
        return body.length() <= 2000 ? body : body.substring(0, 2000) + "...";
    }
}
