package dev.pkcefilter.impl.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.pkcefilter.impl.config.ConfigSources;
import dev.pkcefilter.impl.config.ConfigurationLoader;
import dev.pkcefilter.impl.protocol.DpopKey;
import dev.pkcefilter.impl.protocol.DpopProof;
import dev.pkcefilter.impl.session.PendingLogin;
import dev.pkcefilter.impl.session.PendingLogins;
import dev.pkcefilter.impl.session.TokenSet;
import dev.pkcefilter.impl.testing.TestIssuer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A login with {@code pkce.dpop=true} (RFC 9449) against an authorization server on loopback that records what it
 * receives: the key pair made at the login's start, the proofs of the token request (code and refresh), the nonce
 * the server asks for (§8), the token type it answers (§5), and the key kept with the tokens.
 */
class DpopLoginTest {

    private static RecordingCdi cdi;

    /** A request as the server received it. */
    record Received(String method, String path, Headers headers, String body) {
        Map<String, String> form() {
            Map<String, String> form = new LinkedHashMap<>();
            for (String pair : body.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    form.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
            return form;
        }

        String dpop() {
            return headers.getFirst("DPoP");
        }
    }

    /** An answer the server gives once. */
    record Answer(int status, String body, Map<String, String> headers) {
    }

    private final List<Received> received = new CopyOnWriteArrayList<>();
    /** Answers by path, used in order; the last one stays. */
    private final Map<String, Deque<Answer>> answers = new ConcurrentHashMap<>();
    private HttpServer server;
    private String issuer;
    private PkceContext context;
    private volatile String metadataExtra = "";

    @BeforeAll
    static void recordEvents() {
        cdi = RecordingCdi.install();
    }

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 10);
        server.setExecutor(Executors.newCachedThreadPool());
        issuer = "http://127.0.0.1:" + server.getAddress().getPort();
        server.createContext("/", this::answer);
        server.start();
        answer("/.well-known/openid-configuration", 200, """
                {"issuer":"%1$s","authorization_endpoint":"%1$s/authorize","token_endpoint":"%1$s/token",
                 "jwks_uri":"%1$s/jwks","userinfo_endpoint":"%1$s/userinfo","revocation_endpoint":"%1$s/revoke"
                 %2$s}""".formatted(issuer, metadataExtra));
        answer("/jwks", 200, TestIssuer.SHARED.jwks());
        cdi.events.clear();
    }

    @AfterEach
    void stop() {
        server.stop(0);
        ((ExecutorService) server.getExecutor()).shutdownNow();
        if (context != null) {
            context.close();
        }
    }

    private void answer(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        received.add(new Received(exchange.getRequestMethod(), path, exchange.getRequestHeaders(),
                new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
        Deque<Answer> queue = answers.get(path);
        Answer answer = queue == null ? new Answer(404, "{}", Map.of())
                : queue.size() > 1 ? queue.pollFirst() : queue.peekFirst();
        byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        answer.headers().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
        exchange.sendResponseHeaders(answer.status(), bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
        exchange.close();
    }

    /** Adds an answer for {@code path}: answers are given in order, the last one for every later request. */
    void answer(String path, int status, String body, String... headers) {
        Map<String, String> map = new HashMap<>();
        for (int i = 0; i < headers.length; i += 2) {
            map.put(headers[i], headers[i + 1]);
        }
        answers.computeIfAbsent(path, p -> new ArrayDeque<>()).addLast(new Answer(status, body, map));
    }

    void replaceAnswers(String path) {
        answers.remove(path);
    }

    PkceContext context(String... keysAndValues) {
        Map<String, String> params = new HashMap<>();
        params.put("pkce.issuer", issuer);
        params.put("pkce.client-id", "shop");
        params.put("pkce.client-secret", "s3cr3t");
        params.put("pkce.scope", "openid");
        params.put("pkce.dpop", "true");
        params.put("pkce.protected-paths", "/app/*");
        params.put("pkce.http-timeout", "PT2S");
        for (int i = 0; i < keysAndValues.length; i += 2) {
            if (keysAndValues[i + 1] == null) {
                params.remove(keysAndValues[i]);
            } else {
                params.put(keysAndValues[i], keysAndValues[i + 1]);
            }
        }
        context = new PkceContext(ConfigurationLoader.loadAll(new ConfigSources(name -> Optional.empty(),
                name -> null, params::get, Map.of())), Clock.systemUTC(), false);
        return context;
    }

    String tokens(String type, String accessToken, int expiresIn, String nonce) {
        return "{\"access_token\":\"" + accessToken + "\",\"token_type\":\"" + type + "\",\"expires_in\":" + expiresIn
                + ",\"refresh_token\":\"RT-1\",\"id_token\":\"" + TestIssuer.SHARED.idToken(issuer, "shop", "alice",
                nonce == null ? Map.of() : Map.of("nonce", nonce)) + "\"}";
    }

    /** A page navigation; the login it starts is in {@code session}. */
    static FakeHttp.Request navigation(FakeHttp.Session session) {
        FakeHttp.Request request = new FakeHttp.Request().header("Accept", "text/html");
        request.requestURI = "/shop/app/orders";
        request.servletPath = "/app/orders";
        request.fakeSession = session;
        request.createsSession = true;
        return request;
    }

    FakeHttp.Response startLogin(FakeHttp.Session session) throws IOException {
        FakeHttp.Response response = new FakeHttp.Response();
        context.loginStarter().unauthenticated(navigation(session).build(), response.response);
        return response;
    }

    static PendingLogin onlyPending(FakeHttp.Session session) {
        PendingLogins pending = (PendingLogins) session.attributes.get("dev.pkcefilter.pending-logins");
        assertEquals(1, pending.logins().size());
        return pending.logins().get(0);
    }

    FakeHttp.Response callback(FakeHttp.Session session, String state) throws IOException {
        FakeHttp.Request request = new FakeHttp.Request();
        request.requestURI = "/shop/oauth/callback";
        request.servletPath = "/oauth/callback";
        request.pathInfo = null;
        request.fakeSession = session;
        request.createsSession = true;
        request.parameter("state", state);
        request.parameter("code", "code-1");
        FakeHttp.Response response = new FakeHttp.Response();
        context.callbackHandler().handle(request.build(), response.response);
        return response;
    }

    List<Received> to(String path) {
        return received.stream().filter(r -> r.path().equals(path)).toList();
    }

    /** Checks a proof as a server does (RFC 9449 §4.3) and that it is of {@code key}; @return its claims */
    static JWTClaimsSet verified(String proof, DpopKey key, String method, String htu) throws Exception {
        assertNotNull(proof, "a DPoP header");
        SignedJWT jwt = SignedJWT.parse(proof);
        assertEquals("dpop+jwt", jwt.getHeader().getType().getType());
        ECKey jwk = (ECKey) jwt.getHeader().getJWK();
        assertFalse(jwk.isPrivate());
        assertTrue(jwt.verify(new ECDSAVerifier(jwk)));
        assertEquals(key.thumbprint(), jwk.computeThumbprint().toString(), "signed with the login's key");
        JWTClaimsSet claims = jwt.getJWTClaimsSet();
        assertEquals(method, claims.getStringClaim("htm"));
        assertEquals(htu, claims.getStringClaim("htu"));
        assertNotNull(claims.getJWTID());
        assertTrue(Math.abs(claims.getIssueTime().toInstant().getEpochSecond() - Instant.now().getEpochSecond()) < 60);
        return claims;
    }

    /** Starts a login and completes its callback; @return the pending login it had */
    PendingLogin signIn(FakeHttp.Session session, String type, int expiresIn) throws IOException {
        startLogin(session);
        PendingLogin login = onlyPending(session);
        answer("/token", 200, tokens(type, "AT-1", expiresIn, login.nonce().value()));
        FakeHttp.Response response = callback(session, login.state().value());
        assertEquals(302, response.status, response.body());
        return login;
    }

    /**
     * Stores DPoP-bound tokens that are due for a refresh: 20 seconds left of an hour, under the 30-second refresh
     * skew. @return their key
     */
    DpopKey dueTokens(FakeHttp.Session session) {
        DpopKey key = DpopKey.generate();
        Instant now = Instant.now();
        context.store().storeTokens(session.session, TokenSet.from(new dev.pkcefilter.impl.protocol.TokenResponse(
                "AT-1", "DPoP", Optional.of(now.plusSeconds(20)), Optional.of("openid"), Optional.of("RT-1"),
                Optional.empty()), "openid", now.minusSeconds(3580), null, key));
        return key;
    }

    @Test
    void eachLoginMakesItsOwnKeyPair() throws IOException {
        context();
        FakeHttp.Session first = new FakeHttp.Session("S1");
        FakeHttp.Session second = new FakeHttp.Session("S2");

        startLogin(first);
        startLogin(second);

        DpopKey one = onlyPending(first).dpop().orElseThrow();
        DpopKey two = onlyPending(second).dpop().orElseThrow();
        assertNotEquals(one, two);
        assertNotEquals(one.thumbprint(), two.thumbprint());
    }

    @Test
    void noKeyWithoutPkceDpop() throws IOException {
        context("pkce.dpop", null);
        FakeHttp.Session session = new FakeHttp.Session("S1");
        startLogin(session);

        assertTrue(onlyPending(session).dpop().isEmpty());
        answer("/token", 200, tokens("Bearer", "AT-1", 300, onlyPending(session).nonce().value()));
        callback(session, onlyPending(session).state().value());
        assertNull(to("/token").get(0).dpop());
    }

    @Test
    void theCodesTokenRequestCarriesAProofOfTheLoginsKeyAndTheTokensKeepIt() throws Exception {
        context();
        FakeHttp.Session session = new FakeHttp.Session("S1");

        PendingLogin login = signIn(session, "DPoP", 300);

        DpopKey key = login.dpop().orElseThrow();
        Received token = to("/token").get(0);
        JWTClaimsSet claims = verified(token.dpop(), key, "POST", issuer + "/token");
        assertNull(claims.getClaim("ath"), "no access token is presented at the token endpoint");
        assertNull(claims.getClaim("nonce"));
        assertEquals("authorization_code", token.form().get("grant_type"));
        TokenSet tokens = context.store().tokensOrNull(session.session);
        assertEquals("DPoP", tokens.tokenType());
        assertEquals(Optional.of(key), tokens.dpopKey());
    }

    @Test
    void answersTheTokenEndpointsNonceChallengeWithOneRetry() throws Exception {
        context();
        FakeHttp.Session session = new FakeHttp.Session("S1");
        startLogin(session);
        PendingLogin login = onlyPending(session);
        answer("/token", 400, "{\"error\":\"use_dpop_nonce\",\"error_description\":\"Authorization server requires"
                + " nonce in DPoP proof\"}", "DPoP-Nonce", "eyJ7S_zG.eyJH0-Z.HX4w-7v");
        answer("/token", 200, tokens("DPoP", "AT-1", 300, login.nonce().value()), "DPoP-Nonce", "n-2");

        FakeHttp.Response response = callback(session, login.state().value());

        assertEquals(302, response.status, response.body());
        List<Received> sent = to("/token");
        assertEquals(2, sent.size());
        DpopKey key = login.dpop().orElseThrow();
        assertNull(verified(sent.get(0).dpop(), key, "POST", issuer + "/token").getClaim("nonce"));
        JWTClaimsSet retry = verified(sent.get(1).dpop(), key, "POST", issuer + "/token");
        assertEquals("eyJ7S_zG.eyJH0-Z.HX4w-7v", retry.getStringClaim("nonce"));
        assertEquals(sent.get(0).body(), sent.get(1).body(), "the same code, sent once more");
        assertEquals("DPoP", context.store().tokensOrNull(session.session).tokenType());
    }

    @Test
    void refusesABearerAnswerToAProof() throws Exception {
        context();
        FakeHttp.Session session = new FakeHttp.Session("S1");
        startLogin(session);
        PendingLogin login = onlyPending(session);
        answer("/token", 200, tokens("Bearer", "AT-1", 300, login.nonce().value()));

        FakeHttp.Response response = callback(session, login.state().value());

        assertEquals(502, response.status);
        assertNull(context.store().tokensOrNull(session.session));
        assertFalse(response.body().contains("AT-1"));
    }

    @Test
    void keepsABearerAnswerWithDpopAcceptBearer() throws Exception {
        context("pkce.dpop-accept-bearer", "true");
        FakeHttp.Session session = new FakeHttp.Session("S1");

        PendingLogin login = signIn(session, "bearer", 300);

        TokenSet tokens = context.store().tokensOrNull(session.session);
        assertEquals("Bearer", tokens.tokenType());
        assertEquals(login.dpop(), tokens.dpopKey(), "the key stays for the proofs of the refreshes");
    }

    @Test
    void theRefreshCarriesAProofOfTheSameKeyAndKeepsIt() throws Exception {
        context();
        FakeHttp.Session session = new FakeHttp.Session("S1");
        DpopKey key = dueTokens(session);
        answer("/token", 200, "{\"access_token\":\"AT-2\",\"token_type\":\"DPoP\",\"expires_in\":300}");

        FakeHttp.Request request = navigation(session);
        TokenSet refreshed = context.signIn().currentTokens(request.build());

        assertEquals("AT-2", refreshed.accessToken());
        assertEquals(Optional.of(key), refreshed.dpopKey());
        assertEquals(Optional.of("RT-1"), refreshed.refreshToken());
        Received refresh = to("/token").get(0);
        assertEquals("refresh_token", refresh.form().get("grant_type"));
        verified(refresh.dpop(), key, "POST", issuer + "/token");
        assertEquals(Optional.of(key), context.store().tokensOrNull(session.session).dpopKey());
    }

    @Test
    void aRefreshAnsweredWithBearerIsNotUsed() throws Exception {
        context();
        FakeHttp.Session session = new FakeHttp.Session("S1");
        dueTokens(session);
        answer("/token", 200, "{\"access_token\":\"AT-2\",\"token_type\":\"Bearer\",\"expires_in\":300}");

        TokenSet current = context.signIn().currentTokens(navigation(session).build());

        // the server cannot renew now: the valid DPoP token is used until it expires
        assertEquals("AT-1", current.accessToken());
        assertEquals("DPoP", current.tokenType());
        assertEquals(1, to("/token").size());
    }

    @Test
    void thePushCarriesAProofOfTheLoginsKey() throws Exception {
        replaceAnswers("/.well-known/openid-configuration");
        answer("/.well-known/openid-configuration", 200, """
                {"issuer":"%1$s","authorization_endpoint":"%1$s/authorize","token_endpoint":"%1$s/token",
                 "jwks_uri":"%1$s/jwks","pushed_authorization_request_endpoint":"%1$s/par"}""".formatted(issuer));
        answer("/par", 400, "{\"error\":\"use_dpop_nonce\"}", "DPoP-Nonce", "par-nonce");
        answer("/par", 201, "{\"request_uri\":\"urn:ietf:params:oauth:request_uri:x\",\"expires_in\":60}");
        context("pkce.par", "always");
        FakeHttp.Session session = new FakeHttp.Session("S1");

        FakeHttp.Response response = startLogin(session);

        assertEquals(302, response.status, response.body());
        DpopKey key = onlyPending(session).dpop().orElseThrow();
        List<Received> pushes = to("/par");
        assertEquals(2, pushes.size(), "one retry with the nonce (RFC 9449 §8)");
        assertNull(verified(pushes.get(0).dpop(), key, "POST", issuer + "/par").getClaim("nonce"));
        assertEquals("par-nonce", verified(pushes.get(1).dpop(), key, "POST", issuer + "/par")
                .getStringClaim("nonce"));
        assertEquals(onlyPending(session).state().value(), pushes.get(1).form().get("state"));
    }

    @Test
    void userinfoAtLoginGetsTheTokenAsDpopWithAProofOfItsHashAndAnswersTheNonceChallenge() throws Exception {
        context("pkce.userinfo-claims", "true");
        answer("/userinfo", 401, "", "WWW-Authenticate", "DPoP error=\"use_dpop_nonce\", error_description=\"Resource"
                + " server requires nonce in DPoP proof\"", "DPoP-Nonce", "ui-nonce");
        answer("/userinfo", 200, "{\"sub\":\"alice\",\"email\":\"alice@example.com\"}");
        FakeHttp.Session session = new FakeHttp.Session("S1");

        PendingLogin login = signIn(session, "DPoP", 300);

        DpopKey key = login.dpop().orElseThrow();
        List<Received> calls = to("/userinfo");
        assertEquals(2, calls.size(), "one retry with the nonce (RFC 9449 §9)");
        for (Received call : calls) {
            assertEquals("DPoP AT-1", call.headers().getFirst("Authorization"));
            assertEquals(DpopProof.ath("AT-1"), verified(call.dpop(), key, "GET", issuer + "/userinfo")
                    .getStringClaim("ath"));
        }
        assertNull(SignedJWT.parse(calls.get(0).dpop()).getJWTClaimsSet().getClaim("nonce"));
        assertEquals("ui-nonce", SignedJWT.parse(calls.get(1).dpop()).getJWTClaimsSet().getStringClaim("nonce"));
        assertNotNull(context.store().tokensOrNull(session.session));
    }

    @Test
    void userinfoGetsABearerTokenAsBearer() throws Exception {
        context("pkce.userinfo-claims", "true", "pkce.dpop-accept-bearer", "true");
        answer("/userinfo", 200, "{\"sub\":\"alice\"}");
        FakeHttp.Session session = new FakeHttp.Session("S1");

        signIn(session, "Bearer", 300);

        Received call = to("/userinfo").get(0);
        assertEquals("Bearer AT-1", call.headers().getFirst("Authorization"));
        assertNull(call.dpop());
    }

    @Test
    void revocationCarriesAProofOfTheKeyWithTheAccessTokensHash() throws Exception {
        context();
        answer("/revoke", 200, "");
        FakeHttp.Session session = new FakeHttp.Session("S1");
        DpopKey key = signIn(session, "DPoP", 300).dpop().orElseThrow();

        context.signIn().revoke(context.store().tokensOrNull(session.session));

        List<Received> revocations = to("/revoke");
        assertEquals(2, revocations.size());
        assertEquals("refresh_token", revocations.get(0).form().get("token_type_hint"));
        assertNull(verified(revocations.get(0).dpop(), key, "POST", issuer + "/revoke").getClaim("ath"),
                "a refresh token is no access token");
        assertEquals("access_token", revocations.get(1).form().get("token_type_hint"));
        assertEquals(DpopProof.ath("AT-1"), verified(revocations.get(1).dpop(), key, "POST", issuer + "/revoke")
                .getStringClaim("ath"));
    }

    @Test
    void revocationOfTheAccessTokenGoesOnWhenTheRefreshTokensIsRefused() throws Exception {
        context();
        // Keycloak under dpop-bind-enforcer: a confidential client's refresh token is not bound
        answer("/revoke", 400, "{\"error\":\"invalid_token\",\"error_description\":\"DPoP proof and token binding"
                + " verification failed\"}");
        answer("/revoke", 200, "");
        FakeHttp.Session session = new FakeHttp.Session("S1");
        signIn(session, "DPoP", 300);

        context.signIn().revoke(context.store().tokensOrNull(session.session));

        assertEquals(2, to("/revoke").size());
        assertEquals("access_token", to("/revoke").get(1).form().get("token_type_hint"));
    }

    @Test
    void theProofsHtuIsTheTokenEndpointWithoutItsQuery() {
        assertEquals(issuer + "/token", DpopProof.htu(URI.create(issuer + "/token?x=1")));
    }
}
