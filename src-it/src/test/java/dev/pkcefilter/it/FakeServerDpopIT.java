package dev.pkcefilter.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.OctetSequenceKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.pkcefilter.it.support.DpopProof;
import dev.pkcefilter.it.support.FakeAuthorizationServer;
import dev.pkcefilter.it.support.FakeAuthorizationServer.DpopRefusal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The fake authorization server's DPoP (RFC 9449), checked with proofs this test makes with Nimbus: what it accepts,
 * every proof it must refuse and with which error, the nonce dance, the key binding of codes, tokens and refresh
 * tokens, revocation and the Bearer answer. No application server: the fake alone, over HTTP. Those checks are what
 * {@code DpopIT} relies on when it says the client's proofs are right.
 */
class FakeServerDpopIT {

    private static final String CLIENT = "dpop-app";
    private static final String REDIRECT = "http://127.0.0.1:1/cb";
    private static final String VERIFIER = "v".repeat(43);

    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private FakeAuthorizationServer fake;
    /** The client's key. */
    private ECKey key;
    /** Another key, the attacker's. */
    private ECKey other;

    @BeforeEach
    void start() throws Exception {
        fake = new FakeAuthorizationServer();
        key = new ECKeyGenerator(Curve.P_256).generate();
        other = new ECKeyGenerator(Curve.P_256).generate();
    }

    @AfterEach
    void stop() {
        fake.close();
    }

    @Test
    void bindsTheTokenToTheProofsKeyAndTheApiAndUserinfoTakeItWithAProofCarryingAth() throws Exception {
        HttpResponse<String> discovery = get("/.well-known/openid-configuration", Map.of());
        assertTrue(discovery.body().contains("\"dpop_signing_alg_values_supported\":[\"ES256\","), discovery.body());

        HttpResponse<String> token = tokenRequest(code(), proof(claims("POST", "/token")));

        assertEquals(200, token.statusCode(), token.body());
        Map<String, String> tokens = FakeAuthorizationServer.json(token.body());
        assertEquals("DPoP", tokens.get("token_type"));
        String accessToken = tokens.get("access_token");
        assertEquals(Optional.of(key.computeThumbprint().toString()), fake.confirmation(accessToken));
        DpopProof sent = fake.requests("/token").get(0).dpopProof().orElseThrow();
        assertEquals(fake.issuer() + "/token", sent.htu());
        assertEquals("dpop+jwt", sent.typ());
        assertEquals(key.computeThumbprint().toString(), sent.jkt());

        // a query in the request, none in htu (RFC 9449 §4.2)
        HttpResponse<String> api = get("/api/orders?page=2", dpop(accessToken,
                proof(claims("GET", "/api/orders").claim("ath", ath(accessToken)))));
        assertEquals(200, api.statusCode(), api.body());
        assertEquals("{\"sub\":\"fake-user\",\"method\":\"GET\",\"path\":\"/api/orders\",\"scheme\":\"DPoP\"}",
                api.body());
        HttpResponse<String> userinfo = get("/userinfo", dpop(accessToken,
                proof(claims("GET", "/userinfo").claim("ath", ath(accessToken)))));
        assertEquals(200, userinfo.statusCode(), userinfo.body());
        assertEquals(List.of(), fake.dpopRefusals());
        assertEquals(ath(accessToken), fake.requests("/userinfo").get(0).dpopProof().orElseThrow().ath());
    }

    @Test
    void refusesEachBadProofAtTheTokenEndpointWithInvalidDpopProof() throws Exception {
        RSAKey rsa = new RSAKeyGenerator(2048).generate();
        OctetSequenceKey mac = new OctetSequenceKeyGenerator(256).generate();
        Map<String, String> bad = new LinkedHashMap<>();
        bad.put("typ is not dpop+jwt", sign(header("JWT", "ES256", key.toPublicJWK()),
                claims("POST", "/token"), new ECDSASigner(key), JWSAlgorithm.ES256));
        bad.put("alg HS256 is not an asymmetric algorithm", sign(header("dpop+jwt", "HS256", mac),
                claims("POST", "/token"), new MACSigner(mac), JWSAlgorithm.HS256));
        bad.put("alg none is not an asymmetric algorithm", unsigned(header("dpop+jwt", "none", key.toPublicJWK()),
                claims("POST", "/token")));
        bad.put("jwk is not a public key", sign(header("dpop+jwt", "ES256", key), claims("POST", "/token"),
                new ECDSASigner(key), JWSAlgorithm.ES256));
        Map<String, Object> noJwk = header("dpop+jwt", "ES256", key.toPublicJWK());
        noJwk.remove("jwk");
        bad.put("no jwk", sign(noJwk, claims("POST", "/token"), new ECDSASigner(key), JWSAlgorithm.ES256));
        bad.put("signature does not verify with the jwk", sign(header("dpop+jwt", "ES256", key.toPublicJWK()),
                claims("POST", "/token"), new ECDSASigner(other), JWSAlgorithm.ES256));
        bad.put("DPoP mandatory claims are missing", proof(claims("POST", "/token").jwtID(null)));
        bad.put("DPoP mandatory claims are missing (iat)", proof(claims("POST", "/token").issueTime(null)));
        bad.put("htm is not POST", proof(claims("GET", "/token")));
        bad.put("htu is not " + fake.issuer() + "/token", proof(claims("POST", "/par")));
        bad.put("htu is not " + fake.issuer() + "/token (localhost)",
                proof(claims("POST", "/token").claim("htu", fake.issuer().replace("127.0.0.1", "localhost") + "/token")));
        bad.put("htu has a query or fragment", proof(claims("POST", "/token").claim("htu", fake.issuer() + "/token?a=b")));
        bad.put("iat is too old", proof(claims("POST", "/token").issueTime(Date.from(Instant.now().minusSeconds(120)))));
        bad.put("iat is in the future", proof(claims("POST", "/token").issueTime(Date.from(Instant.now().plusSeconds(60)))));
        bad.put("not a JWS", "not-a-jws");
        String code = code();

        for (Map.Entry<String, String> proof : bad.entrySet()) {
            HttpResponse<String> refused = tokenRequest(code, proof.getValue());
            assertEquals(400, refused.statusCode(), proof.getKey() + ": " + refused.body());
            assertEquals(Map.of("error", "invalid_dpop_proof", "error_description", proof.getKey().replaceAll(" \\(.*\\)$", "")),
                    FakeAuthorizationServer.json(refused.body()), proof.getKey());
        }
        HttpResponse<String> two = send(HttpRequest.newBuilder(fake.uri("/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("DPoP", proof(claims("POST", "/token"))).header("DPoP", proof(claims("POST", "/token")))
                .POST(HttpRequest.BodyPublishers.ofString(codeGrant(code))));
        assertEquals(400, two.statusCode(), two.body());
        assertTrue(two.body().contains("more than one DPoP header"), two.body());
        assertEquals(bad.size() + 1, fake.dpopRefusals().size());

        // the refusals spent nothing: the same code with a right proof, RS256 this time
        HttpResponse<String> right = tokenRequest(code, sign(header("dpop+jwt", "RS256", rsa.toPublicJWK()),
                claims("POST", "/token"), new RSASSASigner(rsa), JWSAlgorithm.RS256));
        assertEquals(200, right.statusCode(), right.body());
        assertEquals(Optional.of(rsa.computeThumbprint().toString()),
                fake.confirmation(FakeAuthorizationServer.json(right.body()).get("access_token")));
    }

    @Test
    void withRequireDpopAGrantWithoutAProofIsRefusedAndWithoutItABearerTokenIsIssued() throws Exception {
        HttpResponse<String> bearer = tokenRequest(code(), null);
        assertEquals(200, bearer.statusCode(), bearer.body());
        assertEquals("Bearer", FakeAuthorizationServer.json(bearer.body()).get("token_type"));
        assertEquals(Optional.empty(), fake.confirmation(FakeAuthorizationServer.json(bearer.body()).get("access_token")));

        fake.requireDpop(true);
        HttpResponse<String> refused = tokenRequest(code(), null);

        assertEquals(400, refused.statusCode(), refused.body());
        assertEquals("{\"error\":\"invalid_dpop_proof\",\"error_description\":\"DPoP proof is missing\"}",
                refused.body());
    }

    @Test
    void refusesAReplayedProofAtTheSameHtuButNotTheSameJtiAtAnother() throws Exception {
        String accessToken = dpopToken();
        String jti = UUID.randomUUID().toString();
        String proof = proof(claims("GET", "/api/a").jwtID(jti).claim("ath", ath(accessToken)));
        assertEquals(200, get("/api/a", dpop(accessToken, proof)).statusCode());

        HttpResponse<String> replayed = get("/api/a", dpop(accessToken, proof));

        assertEquals(401, replayed.statusCode(), replayed.body());
        assertTrue(replayed.headers().firstValue("WWW-Authenticate").orElse("")
                .startsWith("DPoP error=\"invalid_dpop_proof\", error_description=\"jti already used\", algs=\"ES256 "),
                replayed.headers().map().toString());
        assertEquals(List.of(new DpopRefusal("/api/a", "invalid_dpop_proof", "jti already used")), fake.dpopRefusals());
        // Keycloak's replay cache is keyed on jti and htu: the same jti at another URI is another proof
        assertEquals(200, get("/api/b", dpop(accessToken,
                proof(claims("GET", "/api/b").jwtID(jti).claim("ath", ath(accessToken))))).statusCode());
        // and at the token endpoint
        String tokenProof = proof(claims("POST", "/token"));
        assertEquals(200, tokenRequest(code(), tokenProof).statusCode());
        HttpResponse<String> again = tokenRequest(code(), tokenProof);
        assertEquals("{\"error\":\"invalid_dpop_proof\",\"error_description\":\"jti already used\"}", again.body());
    }

    @Test
    void refusesATokenPresentedWronglyAtAResource() throws Exception {
        String accessToken = dpopToken();
        Map<String, String> refusals = new LinkedHashMap<>();
        refusals.put("invalid_token: a DPoP-bound token sent as Bearer", status(get("/api/x",
                Map.of("Authorization", "Bearer " + accessToken,
                        "DPoP", proof(claims("GET", "/api/x").claim("ath", ath(accessToken)))))));
        refusals.put("invalid_dpop_proof: DPoP proof is missing", status(get("/api/x",
                Map.of("Authorization", "DPoP " + accessToken))));
        refusals.put("invalid_dpop_proof: no ath", status(get("/api/x", dpop(accessToken,
                proof(claims("GET", "/api/x"))))));
        refusals.put("invalid_dpop_proof: ath is not the access token's hash", status(get("/api/x", dpop(accessToken,
                proof(claims("GET", "/api/x").claim("ath", ath(accessToken + "x")))))));
        refusals.put("invalid_dpop_proof: the proof's key is not the bound one (jkt)", status(get("/api/x",
                dpop(accessToken, sign(header("dpop+jwt", "ES256", other.toPublicJWK()),
                        claims("GET", "/api/x").claim("ath", ath(accessToken)), new ECDSASigner(other),
                        JWSAlgorithm.ES256)))));
        refusals.put("invalid_dpop_proof: htm is not GET", status(get("/api/x", dpop(accessToken,
                proof(claims("POST", "/api/x").claim("ath", ath(accessToken)))))));
        refusals.put("invalid_dpop_proof: htu is not " + fake.issuer() + "/userinfo", status(get("/userinfo",
                dpop(accessToken, proof(claims("GET", "/api/x").claim("ath", ath(accessToken)))))));
        refusals.put("invalid_token: the token is not valid", status(get("/api/x", dpop("at-forged",
                proof(claims("GET", "/api/x").claim("ath", ath("at-forged")))))));
        String bearer = FakeAuthorizationServer.json(tokenRequest(code(), null).body()).get("access_token");
        refusals.put("invalid_token: not a DPoP-bound token", status(get("/api/x", dpop(bearer,
                proof(claims("GET", "/api/x").claim("ath", ath(bearer)))))));

        for (Map.Entry<String, String> refusal : refusals.entrySet()) {
            String[] expected = refusal.getKey().split(": ", 2);
            assertEquals("401 DPoP error=\"" + expected[0] + "\", error_description=\"" + expected[1] + "\"",
                    refusal.getValue().replaceAll(", algs=.*", ""));
        }
        assertEquals(refusals.size(), fake.dpopRefusals().size());
        assertEquals(200, get("/api/x", dpop(accessToken,
                proof(claims("GET", "/api/x").claim("ath", ath(accessToken))))).statusCode());
        assertEquals(200, get("/api/x", Map.of("Authorization", "Bearer " + bearer)).statusCode(), "Bearer as before");
    }

    @Test
    void theNonceDanceAtTheTokenEndpointAndAtTheApiAndAfterARotation() throws Exception {
        fake.requireDpopNonce();
        String code = code();

        HttpResponse<String> first = tokenRequest(code, proof(claims("POST", "/token")));

        assertEquals(400, first.statusCode(), first.body());
        assertEquals("use_dpop_nonce", FakeAuthorizationServer.json(first.body()).get("error"));
        String nonce = first.headers().firstValue("DPoP-Nonce").orElseThrow();
        assertEquals(fake.dpopNonce(), nonce);
        HttpResponse<String> retry = tokenRequest(code, proof(claims("POST", "/token").claim("nonce", nonce)));
        assertEquals(200, retry.statusCode(), retry.body());
        assertEquals(Optional.of(nonce), retry.headers().firstValue("DPoP-Nonce"), "every answer carries it");
        String accessToken = FakeAuthorizationServer.json(retry.body()).get("access_token");
        assertEquals(200, get("/api/x", dpop(accessToken,
                proof(claims("GET", "/api/x").claim("ath", ath(accessToken)).claim("nonce", nonce)))).statusCode());

        fake.rotateDpopNonce();
        HttpResponse<String> stale = get("/api/x", dpop(accessToken,
                proof(claims("GET", "/api/x").claim("ath", ath(accessToken)).claim("nonce", nonce))));

        assertEquals(401, stale.statusCode(), stale.body());
        assertTrue(stale.headers().firstValue("WWW-Authenticate").orElse("")
                .startsWith("DPoP error=\"use_dpop_nonce\", error_description=\"nonce is not the current one\""),
                stale.headers().map().toString());
        String rotated = stale.headers().firstValue("DPoP-Nonce").orElseThrow();
        assertNotEquals(nonce, rotated);
        assertEquals(200, get("/api/x", dpop(accessToken,
                proof(claims("GET", "/api/x").claim("ath", ath(accessToken)).claim("nonce", rotated)))).statusCode());
        HttpResponse<String> par = send(HttpRequest.newBuilder(fake.uri("/par"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("DPoP", proof(claims("POST", "/par")))
                .POST(HttpRequest.BodyPublishers.ofString(authorizationParameters())));
        assertEquals(400, par.statusCode(), par.body());
        assertEquals("{\"error\":\"use_dpop_nonce\",\"error_description\":\"no nonce\"}", par.body());
        assertEquals(Optional.of(rotated), par.headers().firstValue("DPoP-Nonce"));
    }

    @Test
    void refuseEveryDpopNonceAnswersEachProofWithANewNonce() throws Exception {
        fake.refuseEveryDpopNonce();
        String code = code();
        HttpResponse<String> first = tokenRequest(code, proof(claims("POST", "/token")));
        String nonce = first.headers().firstValue("DPoP-Nonce").orElseThrow();

        HttpResponse<String> retry = tokenRequest(code, proof(claims("POST", "/token").claim("nonce", nonce)));

        assertEquals(400, retry.statusCode(), retry.body());
        assertEquals("{\"error\":\"use_dpop_nonce\",\"error_description\":\"nonce is not the current one\"}",
                retry.body());
        assertNotEquals(nonce, retry.headers().firstValue("DPoP-Nonce").orElseThrow());
    }

    @Test
    void aProofAtParBindsTheCodeToItsKey() throws Exception {
        HttpResponse<String> mismatch = push(proof(claims("POST", "/par")),
                "&dpop_jkt=" + other.computeThumbprint());
        assertEquals("{\"error\":\"invalid_dpop_proof\",\"error_description\":\"dpop_jkt is not the proof's key\"}",
                mismatch.body());
        HttpResponse<String> pushed = push(proof(claims("POST", "/par")), "");
        assertEquals(201, pushed.statusCode(), pushed.body());
        String requestUri = FakeAuthorizationServer.json(pushed.body()).get("request_uri");
        HttpResponse<String> authorize = get("/authorize?client_id=" + CLIENT + "&request_uri="
                + java.net.URLEncoder.encode(requestUri, StandardCharsets.UTF_8), Map.of());
        String code = FakeAuthorizationServer.parseQuery(URI.create(
                authorize.headers().firstValue("Location").orElseThrow()).getRawQuery()).get("code");

        HttpResponse<String> otherKey = tokenRequest(code, sign(header("dpop+jwt", "ES256", other.toPublicJWK()),
                claims("POST", "/token"), new ECDSASigner(other), JWSAlgorithm.ES256));
        HttpResponse<String> noProof = tokenRequest(code, null);
        HttpResponse<String> right = tokenRequest(code, proof(claims("POST", "/token")));

        assertEquals("{\"error\":\"invalid_dpop_proof\",\"error_description\":\"the proof's key is not the bound one (jkt)\"}",
                otherKey.body());
        assertEquals("{\"error\":\"invalid_dpop_proof\",\"error_description\":\"DPoP proof is missing\"}",
                noProof.body());
        assertEquals(200, right.statusCode(), right.body());
        assertEquals(key.computeThumbprint().toString(), fake.requests("/par").get(1).dpopProof().orElseThrow().jkt());
    }

    @Test
    void aRefreshBindsTheNewTokenToItsProofAndAPublicClientsRefreshTokenToTheLoginKey() throws Exception {
        Map<String, String> login = FakeAuthorizationServer.json(
                tokenRequest(code(), proof(claims("POST", "/token"))).body());

        HttpResponse<String> otherKey = refresh(login.get("refresh_token"),
                sign(header("dpop+jwt", "ES256", other.toPublicJWK()), claims("POST", "/token"),
                        new ECDSASigner(other), JWSAlgorithm.ES256));
        HttpResponse<String> right = refresh(login.get("refresh_token"), proof(claims("POST", "/token")));

        assertEquals(400, otherKey.statusCode(), otherKey.body());
        assertTrue(otherKey.body().contains("the proof's key is not the bound one (jkt)"), otherKey.body());
        assertEquals(200, right.statusCode(), right.body());
        Map<String, String> refreshed = FakeAuthorizationServer.json(right.body());
        assertEquals("DPoP", refreshed.get("token_type"));
        assertNotEquals(login.get("access_token"), refreshed.get("access_token"));
        assertEquals(fake.confirmation(login.get("access_token")), fake.confirmation(refreshed.get("access_token")));
    }

    @Test
    void aConfidentialClientsRefreshTokenIsNotBoundAsAtKeycloak() throws Exception {
        fake.requireClientSecret("s3cret");
        Map<String, String> login = FakeAuthorizationServer.json(
                tokenRequest(code(), proof(claims("POST", "/token")), "&client_secret=s3cret").body());

        HttpResponse<String> otherKey = refresh(login.get("refresh_token") + "&client_secret=s3cret",
                sign(header("dpop+jwt", "ES256", other.toPublicJWK()), claims("POST", "/token"),
                        new ECDSASigner(other), JWSAlgorithm.ES256));

        assertEquals(200, otherKey.statusCode(), otherKey.body());
        assertEquals(Optional.of(other.computeThumbprint().toString()),
                fake.confirmation(FakeAuthorizationServer.json(otherKey.body()).get("access_token")));
    }

    @Test
    void revokingADpopTokenNeedsAProofOfItsKeyWithAth() throws Exception {
        String accessToken = dpopToken();

        HttpResponse<String> noProof = revoke(accessToken, null);
        HttpResponse<String> noAth = revoke(accessToken, proof(claims("POST", "/revoke")));
        assertEquals(200, get("/api/x", dpop(accessToken,
                proof(claims("GET", "/api/x").claim("ath", ath(accessToken))))).statusCode(), "still live");
        HttpResponse<String> right = revoke(accessToken, proof(claims("POST", "/revoke").claim("ath", ath(accessToken))));

        assertEquals("{\"error\":\"invalid_dpop_proof\",\"error_description\":\"DPoP proof is missing\"}",
                noProof.body());
        assertEquals("{\"error\":\"invalid_dpop_proof\",\"error_description\":\"no ath\"}", noAth.body());
        assertEquals(200, right.statusCode(), right.body());
        assertEquals(1, fake.revocations().size());
        assertTrue(fake.revocations().get(0).wasLive());
        assertEquals("401 DPoP error=\"invalid_token\", error_description=\"the token is not valid\"",
                status(get("/api/x", dpop(accessToken, proof(claims("GET", "/api/x").claim("ath", ath(accessToken))))))
                        .replaceAll(", algs=.*", ""));
    }

    @Test
    void answerBearerToDpopIssuesAnUnboundBearerTokenDespiteTheProof() throws Exception {
        fake.answerBearerToDpop();

        HttpResponse<String> token = tokenRequest(code(), proof(claims("POST", "/token")));

        Map<String, String> tokens = FakeAuthorizationServer.json(token.body());
        assertEquals("Bearer", tokens.get("token_type"));
        assertEquals(Optional.empty(), fake.confirmation(tokens.get("access_token")));
        assertEquals(200, get("/userinfo", Map.of("Authorization", "Bearer " + tokens.get("access_token")))
                .statusCode());
        fake.reset();
        assertEquals("DPoP", FakeAuthorizationServer.json(
                tokenRequest(code(), proof(claims("POST", "/token"))).body()).get("token_type"), "reset ends it");
    }

    // --- the client's side, by hand

    /** @return a code from the fake's authorization endpoint */
    private String code() throws Exception {
        HttpResponse<String> authorize = get("/authorize?" + authorizationParameters(), Map.of());
        assertEquals(302, authorize.statusCode(), authorize.body());
        return FakeAuthorizationServer.parseQuery(URI.create(authorize.headers().firstValue("Location").orElseThrow())
                .getRawQuery()).get("code");
    }

    private static String authorizationParameters() {
        return "response_type=code&client_id=" + CLIENT + "&redirect_uri=" + enc(REDIRECT) + "&state=s"
                + "&code_challenge=" + FakeAuthorizationServer.s256(VERIFIER) + "&code_challenge_method=S256";
    }

    /** @return a DPoP-bound access token of {@link #key} */
    private String dpopToken() throws Exception {
        HttpResponse<String> token = tokenRequest(code(), proof(claims("POST", "/token")));
        assertEquals(200, token.statusCode(), token.body());
        return FakeAuthorizationServer.json(token.body()).get("access_token");
    }

    private HttpResponse<String> tokenRequest(String code, String proof) throws Exception {
        return tokenRequest(code, proof, "");
    }

    private HttpResponse<String> tokenRequest(String code, String proof, String extra) throws Exception {
        return post("/token", codeGrant(code) + extra, proof);
    }

    private static String codeGrant(String code) {
        return "grant_type=authorization_code&code=" + enc(code) + "&redirect_uri=" + enc(REDIRECT)
                + "&code_verifier=" + VERIFIER + "&client_id=" + CLIENT;
    }

    private HttpResponse<String> refresh(String refreshToken, String proof) throws Exception {
        return post("/token", "grant_type=refresh_token&client_id=" + CLIENT + "&refresh_token=" + refreshToken, proof);
    }

    private HttpResponse<String> push(String proof, String extra) throws Exception {
        return post("/par", authorizationParameters() + extra, proof);
    }

    private HttpResponse<String> revoke(String token, String proof) throws Exception {
        return post("/revoke", "token=" + enc(token) + "&token_type_hint=access_token&client_id=" + CLIENT, proof);
    }

    private HttpResponse<String> post(String path, String form, String proof) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(fake.uri(path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form));
        if (proof != null) {
            request.header("DPoP", proof);
        }
        return send(request);
    }

    private HttpResponse<String> get(String pathAndQuery, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(fake.uri(pathAndQuery)).GET();
        headers.forEach(request::header);
        return send(request);
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Map<String, String> dpop(String accessToken, String proof) {
        return Map.of("Authorization", "DPoP " + accessToken, "DPoP", proof);
    }

    /** @return the status and the challenge of a resource's answer */
    private static String status(HttpResponse<String> response) {
        return response.statusCode() + " " + response.headers().firstValue("WWW-Authenticate").orElse("");
    }

    /** @return the right claims of a proof for a request to this path of the fake (RFC 9449 §4.2) */
    private JWTClaimsSet.Builder claims(String htm, String path) {
        return new JWTClaimsSet.Builder().jwtID(UUID.randomUUID().toString()).claim("htm", htm)
                .claim("htu", fake.issuer() + path).issueTime(new Date());
    }

    /** @return a right proof of {@link #key} with these claims */
    private String proof(JWTClaimsSet.Builder claims) throws JOSEException {
        return sign(header("dpop+jwt", "ES256", key.toPublicJWK()), claims, new ECDSASigner(key), JWSAlgorithm.ES256);
    }

    private static Map<String, Object> header(String typ, String alg, JWK jwk) {
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("typ", typ);
        header.put("alg", alg);
        header.put("jwk", jwk.toJSONObject());
        return header;
    }

    /**
     * A JWS of exactly this header, which Nimbus's own builder would not make (a private or symmetric {@code jwk}),
     * signed by {@code signer}.
     */
    private static String sign(Map<String, Object> header, JWTClaimsSet.Builder claims, JWSSigner signer,
            JWSAlgorithm alg) throws JOSEException {
        String signingInput = Base64URL.encode(JSONObjectUtils.toJSONString(header)) + "."
                + Base64URL.encode(claims.build().toString());
        return signingInput + "." + signer.sign(new JWSHeader(alg), signingInput.getBytes(StandardCharsets.US_ASCII));
    }

    private static String unsigned(Map<String, Object> header, JWTClaimsSet.Builder claims) {
        return Base64URL.encode(JSONObjectUtils.toJSONString(header)) + "."
                + Base64URL.encode(claims.build().toString()) + ".";
    }

    /** @return base64url SHA-256 of the token (RFC 9449 §4.2), computed here, not by the fake */
    private static String ath(String accessToken) throws Exception {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(
                MessageDigest.getInstance("SHA-256").digest(accessToken.getBytes(StandardCharsets.US_ASCII)));
    }

    private static String enc(String value) {
        return java.net.URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
