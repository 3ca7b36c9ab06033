package dev.pkcefilter.it.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import dev.pkcefilter.impl.protocol.TokenResponse;
import dev.pkcefilter.impl.session.PendingLogins;
import dev.pkcefilter.impl.session.TokenSet;
import dev.pkcefilter.it.support.BrowserlessClient;
import dev.pkcefilter.it.support.FakeAuthorizationServer;
import dev.pkcefilter.it.support.KeycloakServer;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;

/** The session's size with real Keycloak tokens, and the refresh count under 200 concurrent requests. */
final class SessionFigures {

    static final String SCOPE = "openid profile email";

    /**
     * What pkce-filter keeps in a session after a login at the real Keycloak, serialized as a server does for
     * replication or passivation (each attribute with {@link ObjectOutputStream}).
     *
     * @param tokenSet the {@link TokenSet} attribute, bytes
     * @param allAttributes the tokens and the (then empty) pending logins, bytes
     * @param accessChars length of the access token
     * @param refreshChars length of the refresh token, 0 without one
     * @param idChars length of the ID token
     */
    record Size(int tokenSet, int allAttributes, int accessChars, int refreshChars, int idChars) {
    }

    private SessionFigures() {
    }

    /**
     * Signs in at Keycloak as the benchmark's public client would (code flow with PKCE, Keycloak's login form), takes
     * the real token response, and measures the session attributes with and without its refresh token.
     *
     * @param redirectUri a redirect URI the client allows; the browser is sent there (any answer will do) and the
     *                    code is exchanged here
     * @return the size with the refresh token, then without
     */
    static List<Size> keycloakSessionSizes(KeycloakServer keycloak, String clientId, String redirectUri)
            throws IOException, InterruptedException {
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        String verifier = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        String endpoint = keycloak.issuer() + "/protocol/openid-connect/";
        String authorize = endpoint + "auth?" + form(Map.of("response_type", "code", "client_id", clientId,
                "redirect_uri", redirectUri, "scope", SCOPE, "state", "session-size-probe",
                "code_challenge", FakeAuthorizationServer.s256(verifier), "code_challenge_method", "S256"));
        BrowserlessClient browser = new BrowserlessClient();
        BrowserlessClient.Result signedIn = browser.loginAtKeycloak(authorize, KeycloakServer.USER,
                KeycloakServer.PASSWORD);
        String location = signedIn.hops().stream().map(BrowserlessClient.Hop::location)
                .filter(l -> l != null && l.startsWith(redirectUri + "?")).findFirst()
                .orElseThrow(() -> new IllegalStateException("Keycloak did not redirect to " + redirectUri + ": "
                        + signedIn.hops()));
        String code = FakeAuthorizationServer.parseQuery(URI.create(location).getRawQuery()).get("code");
        HttpResponse<String> answer = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(endpoint + "token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form(Map.of("grant_type", "authorization_code",
                        "code", code, "redirect_uri", redirectUri, "client_id", clientId, "code_verifier", verifier))))
                .build(), HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() != 200) {
            throw new IllegalStateException("Keycloak's token endpoint answered " + answer.statusCode());
        }
        try (Jsonb jsonb = JsonbBuilder.create()) {
            Map<String, Object> json = jsonb.fromJson(answer.body(), LinkedHashMap.class);
            List<Size> sizes = new ArrayList<>();
            sizes.add(size(jsonb, json));
            json.remove("refresh_token");
            sizes.add(size(jsonb, json));
            return sizes;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Size size(Jsonb jsonb, Map<String, Object> json) throws IOException {
        TokenSet tokens = TokenSet.from(TokenResponse.parse(jsonb, jsonb.toJson(json), Instant.now()), SCOPE);
        int tokenSet = serialized(tokens);
        return new Size(tokenSet, tokenSet + serialized(PendingLogins.NONE), tokens.accessToken().length(),
                tokens.refreshToken().map(String::length).orElse(0), tokens.idToken().map(String::length).orElse(0));
    }

    private static int serialized(Serializable value) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(value);
        }
        return bytes.size();
    }

    /** What {@link #refreshUnderLoad} saw. */
    record RefreshCount(int concurrent, int refreshRequests, long answered200) {
    }

    /**
     * Signs in at the fake server through the application on Payara Micro, lets the access token come due for
     * refresh, then sends {@code concurrent} requests of that one session at once while the fake's token endpoint
     * takes 500 ms to answer, and counts the refresh requests the fake received.
     */
    static RefreshCount refreshUnderLoad(FakeAuthorizationServer fake, String protectedUrl, int concurrent)
            throws Exception {
        fake.reset();
        fake.expiresIn = 2; // due for refresh a second after login (half its lifetime, within the skew of 5 s)
        BrowserlessClient browser = new BrowserlessClient();
        int status = browser.navigate(protectedUrl).status();
        if (status != 200) {
            throw new IllegalStateException("sign-in at the fake server ended with " + status);
        }
        Thread.sleep(1_500);
        fake.expiresIn = 300;
        fake.refreshDelayMillis = 500;
        ExecutorService pool = Executors.newFixedThreadPool(concurrent);
        try {
            List<Future<Integer>> answers = new ArrayList<>();
            for (int i = 0; i < concurrent; i++) {
                answers.add(pool.submit(() -> browser.get(protectedUrl, BrowserlessClient.XHR).statusCode()));
            }
            long ok = 0;
            for (Future<Integer> answer : answers) {
                if (answer.get(60, TimeUnit.SECONDS) == 200) {
                    ok++;
                }
            }
            return new RefreshCount(concurrent, fake.refreshGrants(), ok);
        } finally {
            pool.shutdownNow();
        }
    }

    private static String form(Map<String, String> params) {
        return params.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }
}
