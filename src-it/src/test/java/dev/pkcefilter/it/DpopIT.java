package dev.pkcefilter.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.pkcefilter.it.app.TokenBean;
import dev.pkcefilter.it.dpop.DpopTokenServlet;
import dev.pkcefilter.it.support.AgainstFakeServer;
import dev.pkcefilter.it.support.Await;
import dev.pkcefilter.it.support.BrowserlessClient;
import dev.pkcefilter.it.support.DpopProof;
import dev.pkcefilter.it.support.FakeAuthorizationServer;
import dev.pkcefilter.it.support.FakeAuthorizationServer.DpopRefusal;
import dev.pkcefilter.it.support.FakeAuthorizationServer.Recorded;
import dev.pkcefilter.it.support.ServerLog;
import dev.pkcefilter.it.support.TestWars;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * DPoP (RFC 9449, {@code pkce.dpop=true}) against the fake server, which checks every proof
 * ({@link FakeServerDpopIT} shows what it refuses) and requires one on every grant: the login's and the refresh's
 * token requests carry proofs of one key, and the tokens are bound to it; the server's nonce is answered by exactly
 * one retry; a proof sent again is refused by the server; a Bearer answer fails the sign-in with a 502 page, unless
 * {@code pkce.dpop-accept-bearer=true}; the key survives the session's serialization.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class DpopIT extends AgainstFakeServer {

    /** What a script calling the text/plain API resources of the test application asks for. */
    private static final Map<String, String> PLAIN = Map.of("Accept", "text/plain");

    DpopIT() {
        super("dpop");
    }

    @Deployment(testable = false)
    static WebArchive app() throws Exception {
        fake = new FakeAuthorizationServer();
        fake.requireDpop(true);
        return TestWars.tokenApp("dpop.war", Map.ofEntries(
                Map.entry("pkce.issuer", fake.issuer()),
                Map.entry("pkce.client-id", "dpop app"), // a public client: its refresh tokens are bound too (§5)
                Map.entry("pkce.dpop", "true"),
                Map.entry("pkce.scope", "openid"),
                Map.entry("pkce.protected-paths", "/app/*"),
                Map.entry("pkce.refresh-skew", "PT5S"),
                Map.entry("pkce.http-timeout", "PT2S"),
                Map.entry("pkce.userinfo-claims", "true"),
                Map.entry("pkce.clients", "lenient,pushing"),
                Map.entry("pkce.lenient.issuer", fake.issuer()),
                Map.entry("pkce.lenient.client-id", "lenient-app"),
                Map.entry("pkce.lenient.dpop", "true"),
                Map.entry("pkce.lenient.dpop-accept-bearer", "true"),
                Map.entry("pkce.pushing.issuer", fake.issuer()),
                Map.entry("pkce.pushing.client-id", "pushing-app"),
                Map.entry("pkce.pushing.dpop", "true"),
                Map.entry("pkce.pushing.par", "always")))
                .addPackage(DpopTokenServlet.class.getPackage());
    }

    @BeforeEach
    void resetFake() {
        fake.reset();
    }

    @Test
    void signsInAndRefreshesWithProofsOfOneKeyAndTheTokensAreBoundToIt() throws Exception {
        BrowserlessClient browser = new BrowserlessClient();
        fake.tokensExpireIn(2); // due for refresh after half its lifetime, a second

        BrowserlessClient.Result login = browser.navigate(base + "app/dpop/token");

        assertEquals(200, login.status(), login.hops() + "\n" + login.body());
        String loginToken = fake.lastAccessToken();
        assertEquals("{\"type\":\"DPoP\",\"sha256\":\"" + TokenBean.sha256(loginToken) + "\"}", login.body());
        DpopProof first = proofOf(fake.requests("/token").get(0));
        assertProofFor(first, "POST", fake.issuer() + "/token");
        assertNull(first.ath(), "no token presented at the token endpoint");
        assertEquals(Optional.of(first.jkt()), fake.confirmation(loginToken), "the token is bound to the proof's key");

        Thread.sleep(1_200); // the token comes due: a refresh needs the clock to move, nothing to await
        fake.tokensExpireIn(300);
        HttpResponse<String> refreshed = browser.get(base + "app/dpop/token", BrowserlessClient.XHR);

        assertEquals(200, refreshed.statusCode(), refreshed.body());
        assertEquals(1, fake.refreshGrants());
        String refreshedToken = fake.lastAccessToken();
        assertNotEquals(loginToken, refreshedToken);
        assertEquals("{\"type\":\"DPoP\",\"sha256\":\"" + TokenBean.sha256(refreshedToken) + "\"}", refreshed.body());
        DpopProof second = proofOf(fake.requests("/token").get(1));
        assertEquals("refresh_token", fake.requests("/token").get(1).form().get("grant_type"));
        assertProofFor(second, "POST", fake.issuer() + "/token");
        assertEquals(first.jkt(), second.jkt(), "a refresh keeps the login's key");
        assertNotEquals(first.jti(), second.jti(), "a fresh jti per proof");
        assertEquals(Optional.of(first.jkt()), fake.confirmation(refreshedToken));
        assertEquals(List.of(), fake.dpopRefusals());
    }

    @Test
    void theServersNonceIsAnsweredByExactlyOneRetryAtLoginAndAfterARotationAtRefresh() throws Exception {
        BrowserlessClient browser = new BrowserlessClient();
        fake.requireDpopNonce().tokensExpireIn(2);
        String nonce = fake.dpopNonce();

        BrowserlessClient.Result login = browser.navigate(base + "app/dpop/token");

        assertEquals(200, login.status(), login.hops() + "\n" + login.body());
        List<Recorded> tokenRequests = fake.requests("/token");
        assertEquals(2, tokenRequests.size(), "one retry");
        // none, or the one an earlier test's server gave (the client remembers the origin's last nonce)
        assertNotEquals(nonce, proofOf(tokenRequests.get(0)).nonce());
        assertEquals(nonce, proofOf(tokenRequests.get(1)).nonce());
        assertEquals(tokenRequests.get(0).form().get("code"), tokenRequests.get(1).form().get("code"), "the same grant");
        assertEquals(List.of("/token use_dpop_nonce"),
                fake.dpopRefusals().stream().map(r -> r.path() + " " + r.error()).toList());

        fake.rotateDpopNonce();
        Thread.sleep(1_200); // the token comes due
        fake.tokensExpireIn(300);
        HttpResponse<String> refreshed = browser.get(base + "app/dpop/token", BrowserlessClient.XHR);

        assertEquals(200, refreshed.statusCode(), refreshed.body());
        tokenRequests = fake.requests("/token");
        assertEquals(4, tokenRequests.size(), "one retry");
        assertEquals(nonce, proofOf(tokenRequests.get(2)).nonce(), "the nonce it had");
        assertEquals(fake.dpopNonce(), proofOf(tokenRequests.get(3)).nonce(), "the new one");
        assertEquals(1, fake.refreshGrants());
    }

    @Test
    void aServerWhoseNonceNeverLastsGetsOneRetryAndTheSignInFailsWithA502Page() {
        fake.refuseEveryDpopNonce();

        BrowserlessClient.Result page = new BrowserlessClient().navigate(base + "app/dpop/token");

        assertEquals(502, page.status(), page.hops() + "\n" + page.body());
        assertTrue(page.body().contains("<h1>Sign-in could not be completed</h1>"), page.body());
        assertEquals(2, fake.requests("/token").size(), "exactly one retry, no loop");
        assertNoSecretIn(page.body());
    }

    @Test
    void aProofSentAgainIsRefusedByTheServer() throws Exception {
        BrowserlessClient.Result login = new BrowserlessClient().navigate(base + "app/dpop/token");
        assertEquals(200, login.status(), login.hops() + "\n" + login.body());
        Recorded sent = fake.requests("/token").get(0);

        HttpResponse<String> replayed = HttpClient.newHttpClient().send(HttpRequest.newBuilder(fake.uri("/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("DPoP", sent.header("DPoP"))
                .POST(HttpRequest.BodyPublishers.ofString(sent.body())).build(), HttpResponse.BodyHandlers.ofString());

        assertEquals(400, replayed.statusCode(), replayed.body());
        assertEquals("{\"error\":\"invalid_dpop_proof\",\"error_description\":\"jti already used\"}", replayed.body());
    }

    @Test
    void aBearerAnswerToAProofFailsTheSignInWithA502Page() throws Exception {
        fake.answerBearerToDpop();
        ServerLog log = ServerLog.mark();

        BrowserlessClient.Result page = new BrowserlessClient().navigate(base + "app/dpop/token");

        assertEquals(502, page.status(), page.hops() + "\n" + page.body());
        assertTrue(page.body().contains("<h1>Sign-in could not be completed</h1>"), page.body());
        Await.until("the reason in the log", Duration.ofSeconds(5), () -> {
            try {
                return log.writtenSince();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, written -> written.contains("answered token_type 'Bearer' to a request with a DPoP proof, not DPoP"
                + " (RFC 9449 §5): the token is not bound to the key. Set pkce.dpop-accept-bearer=true"));
        assertTrue(proofOf(fake.requests("/token").get(0)).jkt() != null, "the client did send a proof");
        assertNoSecretIn(page.body());
    }

    @Test
    void withDpopAcceptBearerABearerAnswerIsKeptAsABearerToken() {
        fake.answerBearerToDpop();
        BrowserlessClient browser = new BrowserlessClient();

        BrowserlessClient.Result connect = browser.navigate(base + "oauth/connect/lenient?return=/dpop/public/servlet");

        assertEquals(200, connect.status(), connect.hops() + "\n" + connect.body());
        Recorded token = fake.requests("/token").get(0);
        assertEquals("lenient-app", token.form().get("client_id"));
        assertProofFor(proofOf(token), "POST", fake.issuer() + "/token");
        assertEquals(Optional.empty(), fake.confirmation(fake.lastAccessToken()));
    }

    @Test
    void theKeySurvivesTheSessionsSerialization() throws Exception {
        BrowserlessClient browser = new BrowserlessClient();
        fake.tokensExpireIn(2);
        assertEquals(200, browser.navigate(base + "app/dpop/token").status());
        String jkt = fake.confirmation(fake.lastAccessToken()).orElseThrow();

        HttpResponse<String> roundTrip = browser.postForm(base + "public/dpop/session-round-trip", Map.of(),
                BrowserlessClient.XHR);
        assertEquals(200, roundTrip.statusCode(), roundTrip.body());
        assertTrue(roundTrip.body().matches("\\{\"attributes\":[1-9]\\d*}"), roundTrip.body());

        Thread.sleep(1_200); // the token comes due
        fake.tokensExpireIn(300);
        HttpResponse<String> refreshed = browser.get(base + "app/dpop/token", BrowserlessClient.XHR);

        // the public client's refresh token is bound to the login's key: a refresh with any other key is refused
        assertEquals(200, refreshed.statusCode(), refreshed.body());
        assertEquals(1, fake.refreshGrants());
        assertEquals(List.of(), fake.dpopRefusals());
        assertEquals(jkt, proofOf(fake.requests("/token").get(1)).jkt());
        assertEquals(Optional.of(jkt), fake.confirmation(fake.lastAccessToken()));
    }

    @Test
    void theLoginsUserinfoCallPushAndLogoutsRevocationsCarryProofsOfTheLoginsKey() throws Exception {
        BrowserlessClient browser = new BrowserlessClient();
        BrowserlessClient.Result login = browser.navigate(base + "app/dpop/token");
        assertEquals(200, login.status(), login.hops() + "\n" + login.body());
        String accessToken = fake.lastAccessToken();
        String jkt = fake.confirmation(accessToken).orElseThrow();

        // pkce.userinfo-claims: userinfo at login, Authorization: DPoP and a proof with ath (RFC 9449 §7.1)
        Recorded userinfo = fake.requests("/userinfo").get(0);
        assertEquals("DPoP " + accessToken, userinfo.header("Authorization"));
        DpopProof userinfoProof = proofOf(userinfo);
        assertProofFor(userinfoProof, userinfo.method(), fake.issuer() + "/userinfo");
        assertEquals(ath(accessToken), userinfoProof.ath());
        assertEquals(jkt, userinfoProof.jkt());

        HttpResponse<String> logout = browser.postForm(base + "oauth/logout", Map.of(),
                Map.of("Accept", "text/html", "Origin", base.getProtocol() + "://" + base.getHost() + ":"
                        + base.getPort()));
        assertEquals(302, logout.statusCode(), logout.body());
        assertEquals(List.of(), fake.dpopRefusals());
        assertEquals(2, fake.revocations().size(), fake.revocations().toString());
        assertTrue(fake.revocations().stream().allMatch(FakeAuthorizationServer.Revocation::wasLive),
                "both tokens revoked, each with a proof of its key (the fake refuses a bound token's revocation without)");
        for (Recorded revocation : fake.requests("/revoke")) {
            DpopProof proof = proofOf(revocation);
            assertProofFor(proof, "POST", fake.issuer() + "/revoke");
            assertEquals(jkt, proof.jkt());
            if (accessToken.equals(revocation.form().get("token"))) {
                assertEquals(ath(accessToken), proof.ath(), "ath of the access token it revokes");
            }
        }

        // a pushed request (pkce.pushing.par=always) carries a proof too, and the code is bound to its key (§10.1)
        BrowserlessClient.Result connect = browser.navigate(base + "oauth/connect/pushing?return=/dpop/public/servlet");
        assertEquals(200, connect.status(), connect.hops() + "\n" + connect.body());
        Recorded push = fake.requests("/par").get(0);
        DpopProof pushProof = proofOf(push);
        assertProofFor(pushProof, "POST", fake.issuer() + "/par");
        assertNull(pushProof.ath());
        Recorded pushingToken = fake.requests("/token").get(1);
        assertEquals("pushing-app", pushingToken.form().get("client_id"));
        assertEquals(pushProof.jkt(), proofOf(pushingToken).jkt(), "the code grant by the key the code is bound to");
        assertNotEquals(jkt, pushProof.jkt(), "a key per login");
        assertEquals(Optional.of(pushProof.jkt()), fake.confirmation(fake.lastAccessToken()));
    }

    @Test
    void callsTheApiWithAFreshProofPerCallCarryingAthAndAProofSentAgainIsRefused() throws Exception {
        BrowserlessClient browser = new BrowserlessClient();
        assertEquals(200, browser.navigate(base + "app/dpop/token").status());
        String accessToken = fake.lastAccessToken();
        String jkt = fake.confirmation(accessToken).orElseThrow();
        String url = base + "app/rest/api?url=" + enc(fake.issuer() + "/api/orders?page=2");

        // BearerTokenFilter (it/app/ApiCallResource, the JAX-RS client)
        HttpResponse<String> api = browser.get(url, PLAIN);

        assertEquals(200, api.statusCode(), api.body());
        assertEquals("200 {\"sub\":\"fake-user\",\"method\":\"GET\",\"path\":\"/api/orders\",\"scheme\":\"DPoP\"}",
                api.body());
        Recorded call = fake.requests("/api/orders").get(0);
        assertEquals("page=2", call.query());
        assertEquals("DPoP " + accessToken, call.header("Authorization"));
        DpopProof proof = proofOf(call);
        assertProofFor(proof, "GET", fake.issuer() + "/api/orders"); // no query in htu (RFC 9449 §4.2)
        assertEquals(ath(accessToken), proof.ath());
        assertEquals(jkt, proof.jkt());
        assertTrue(browser.get(url, PLAIN).body().startsWith("200 "));
        assertNotEquals(proof.jti(), proofOf(fake.requests("/api/orders").get(1)).jti(), "a fresh proof per call");

        // AccessToken.headersFor in application code (it/dpop/DpopCallServlet), at userinfo
        HttpResponse<String> userinfo = browser.get(base + "app/dpop/call?url=" + enc(fake.issuer() + "/userinfo"),
                PLAIN);
        assertTrue(userinfo.body().startsWith("200 {\"sub\":\"fake-user\""), userinfo.body());
        List<Recorded> userinfoCalls = fake.requests("/userinfo");
        Recorded own = userinfoCalls.get(userinfoCalls.size() - 1);
        assertEquals("DPoP " + accessToken, own.header("Authorization"));
        assertProofFor(proofOf(own), "GET", fake.issuer() + "/userinfo");
        assertEquals(ath(accessToken), proofOf(own).ath());
        assertEquals(List.of(), fake.dpopRefusals());

        // the proof the client sent, sent again by the test
        HttpResponse<String> replayed = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(fake.uri("/api/orders?page=2")).header("Authorization", call.header("Authorization"))
                        .header("DPoP", call.header("DPoP")).GET().build(), HttpResponse.BodyHandlers.ofString());

        assertEquals(401, replayed.statusCode(), replayed.body());
        assertTrue(replayed.headers().firstValue("WWW-Authenticate").orElse("")
                .startsWith("DPoP error=\"invalid_dpop_proof\", error_description=\"jti already used\""),
                replayed.headers().map().toString());
    }

    @Test
    void theApisNonceIsAnsweredByExactlyOneRetryAndThenRemembered() throws Exception {
        fake.requireDpopNonce();
        BrowserlessClient browser = new BrowserlessClient();
        assertEquals(200, browser.navigate(base + "app/dpop/token").status());
        String stale = fake.dpopNonce();
        fake.rotateDpopNonce();
        String url = base + "app/rest/api?url=" + enc(fake.issuer() + "/api/orders");
        int refusedBefore = fake.dpopRefusals().size();

        HttpResponse<String> api = browser.get(url, PLAIN);

        assertEquals("200 {\"sub\":\"fake-user\",\"method\":\"GET\",\"path\":\"/api/orders\",\"scheme\":\"DPoP\"}",
                api.body());
        List<Recorded> calls = fake.requests("/api/orders");
        assertEquals(2, calls.size(), "one retry");
        assertEquals(stale, proofOf(calls.get(0)).nonce());
        assertEquals(fake.dpopNonce(), proofOf(calls.get(1)).nonce());
        assertNotEquals(proofOf(calls.get(0)).jti(), proofOf(calls.get(1)).jti(), "the retry is a new proof");
        assertEquals(List.of(new DpopRefusal("/api/orders", "use_dpop_nonce", "nonce is not the current one")),
                fake.dpopRefusals().subList(refusedBefore, fake.dpopRefusals().size()));
        assertTrue(browser.get(url, PLAIN).body().startsWith("200 "));
        assertEquals(3, fake.requests("/api/orders").size(), "the nonce is remembered: no second dance");

        // application code's own retry: headersFor(method, target, nonce)
        fake.rotateDpopNonce();
        HttpResponse<String> own = browser.get(base + "app/dpop/call?url=" + enc(fake.issuer() + "/api/own"),
                PLAIN);
        assertTrue(own.body().startsWith("200 {\"sub\":\"fake-user\",\"method\":\"GET\",\"path\":\"/api/own\""),
                own.body());
        assertEquals(2, fake.requests("/api/own").size());
        assertEquals(fake.dpopNonce(), proofOf(fake.requests("/api/own").get(1)).nonce());

        // a nonce that never lasts: one retry, and the API's 401 is the answer
        fake.refuseEveryDpopNonce();
        HttpResponse<String> never = browser.get(url, PLAIN);
        assertTrue(never.body().startsWith("401 "), never.body());
        assertEquals(5, fake.requests("/api/orders").size(), "exactly one retry");
    }

    private static DpopProof proofOf(Recorded request) {
        assertEquals(1, request.dpopHeaders().size(), request.path() + ": one DPoP header");
        return request.dpopProof().orElseThrow();
    }

    /** The client's proof is right by RFC 9449 §4.2 (the fake checked its signature, iat and jti already). */
    private static void assertProofFor(DpopProof proof, String htm, String htu) {
        assertEquals("dpop+jwt", proof.typ());
        assertEquals("ES256", proof.alg());
        assertEquals("EC", proof.jwk().get("kty"));
        assertEquals("P-256", proof.jwk().get("crv"));
        assertFalse(proof.jwk().containsKey("d"), "the public key only");
        assertEquals(htm, proof.htm());
        assertEquals(htu, proof.htu());
        assertTrue(proof.jti().length() >= 16, proof.jti());
    }

    /** @return base64url SHA-256 of the token (RFC 9449 §4.2), computed here */
    private static String ath(String accessToken) throws Exception {
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(java.security.MessageDigest
                .getInstance("SHA-256").digest(accessToken.getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
    }

    private static String enc(String value) {
        return java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8);
    }

    private static void assertNoSecretIn(String page) {
        for (String secret : fake.secrets()) {
            assertFalse(page.contains(secret), "no secret on the page");
        }
    }
}
