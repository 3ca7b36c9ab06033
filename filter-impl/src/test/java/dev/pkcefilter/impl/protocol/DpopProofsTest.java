package dev.pkcefilter.impl.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.nimbusds.jwt.SignedJWT;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;

/** One client's DPoP nonces (RFC 9449 §8, §9): remembered per origin, bounded, and the one retry. */
class DpopProofsTest {

    private static final Jsonb JSONB = JsonbBuilder.create();
    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER).build();
    private static final Instant NOW = Instant.parse("2030-01-01T10:00:00Z");
    private static final URI API = URI.create("https://api.example.com/orders");

    private final DpopKey key = DpopKey.generate();
    private final DpopProofs proofs = new DpopProofs(Clock.fixed(NOW, ZoneOffset.UTC), JSONB);
    private FakeServer server;

    @BeforeEach
    void startServer() throws IOException {
        server = new FakeServer();
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    @AfterAll
    static void closeJsonb() throws Exception {
        JSONB.close();
    }

    private static String nonceOf(String proof) throws Exception {
        return SignedJWT.parse(proof).getJWTClaimsSet().getStringClaim("nonce");
    }

    @Test
    void usesTheNonceOfTheTargetsOriginOnly() throws Exception {
        assertNull(nonceOf(proofs.proof(key, "GET", API, Optional.empty())));

        assertTrue(proofs.remember(URI.create("https://API.example.com:443/other?x"), "n-1"));

        assertEquals("n-1", nonceOf(proofs.proof(key, "GET", API, Optional.empty())));
        assertNull(nonceOf(proofs.proof(key, "GET", URI.create("https://api.example.com:8443/orders"), Optional.empty())));
        assertNull(nonceOf(proofs.proof(key, "GET", URI.create("http://api.example.com/orders"), Optional.empty())));
        assertNull(nonceOf(proofs.proof(key, "GET", URI.create("https://login.example.com/token"), Optional.empty())));
    }

    @Test
    void aNewerNonceReplacesTheOlder() throws Exception {
        proofs.remember(API, "n-1");
        String proof = proofs.proof(key, "GET", API, Optional.empty(), "n-2");

        assertEquals("n-2", nonceOf(proof));
        assertEquals("n-2", nonceOf(proofs.proof(key, "GET", API, Optional.empty())));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "with space", "quote\"d", "back\\slash", "t\u00e9l\u00e9"})
    void ignoresAValueThatIsNoNonce(String nonce) throws Exception {
        assertFalse(proofs.remember(API, nonce));
        assertNull(nonceOf(proofs.proof(key, "GET", API, Optional.empty())));
    }

    @Test
    void ignoresAnOverlongNonce() {
        assertFalse(proofs.remember(API, "n".repeat(DpopProofs.MAX_NONCE_LENGTH + 1)));
        assertTrue(proofs.remember(API, "n".repeat(DpopProofs.MAX_NONCE_LENGTH)));
    }

    @Test
    void remembersABoundedNumberOfOriginsTheLeastRecentlyUsedForgottenFirst() throws Exception {
        URI first = URI.create("https://s0.example.com/");
        proofs.remember(first, "n-0");
        for (int i = 1; i <= DpopProofs.MAX_ORIGINS; i++) {
            proofs.remember(URI.create("https://s" + i + ".example.com/"), "n-" + i);
        }

        assertEquals(DpopProofs.MAX_ORIGINS, proofs.rememberedOrigins());
        assertNull(nonceOf(proofs.proof(key, "GET", first, Optional.empty())));
        assertEquals("n-1", nonceOf(proofs.proof(key, "GET", URI.create("https://s1.example.com/x"), Optional.empty())));
    }

    @Test
    void neverShowsANonce() {
        proofs.remember(API, "secret-nonce-value");
        assertEquals("DpopProofs[1 origins with a nonce]", proofs.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "DPoP error=\"use_dpop_nonce\", error_description=\"Resource server requires nonce in DPoP proof\"",
            "DPoP algs=\"ES256 PS256\", error=\"use_dpop_nonce\"",
            "Bearer realm=\"x\", DPoP error=\"use_dpop_nonce\"",
            "dpop ERROR=use_dpop_nonce"})
    void readsAResourceServersNonceChallenge(String challenge) {
        assertTrue(DpopProofs.asksForNonceAtResourceServer(401, List.of(challenge)));
        assertFalse(DpopProofs.asksForNonceAtResourceServer(403, List.of(challenge)));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "DPoP error=\"invalid_token\"",
            "Bearer error=\"use_dpop_nonce\"",
            "DPoP error_description=\"use_dpop_nonce\"",
            "DPoPx error=\"use_dpop_nonce\"",
            "DPoP realm=\"a\", Bearer error=\"use_dpop_nonce\""})
    void tellsOtherChallengesApart(String challenge) {
        assertFalse(DpopProofs.asksForNonceAtResourceServer(401, List.of(challenge)));
    }

    private static FakeServer.Handler nonceChallengeThen(AtomicInteger calls, int status, String body) {
        return exchange -> {
            boolean first = calls.getAndIncrement() == 0;
            String answer = first ? "{\"error\":\"use_dpop_nonce\",\"error_description\":\"Authorization server"
                    + " requires nonce in DPoP proof\"}" : body;
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.getResponseHeaders().set("DPoP-Nonce", first ? "eyJ7S_zG.eyJH0-Z.HX4w-7v" : "next-nonce");
            byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(first ? 400 : status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        };
    }

    @Test
    void answersAnAuthorizationServersNonceChallengeWithOneRetry() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        server.on("/token", nonceChallengeThen(calls, 200, "{}"));
        URI endpoint = server.uri("/token");
        BoundedHttp http = new BoundedHttp(HTTP, TIMEOUT);
        AtomicInteger built = new AtomicInteger();

        BoundedHttp.Response response = proofs.sendToAuthorizationServer(http, key, endpoint, proof -> {
            built.incrementAndGet();
            return http.postForm(endpoint, java.util.Map.of("a", "b"), Optional.empty(), Optional.of(proof));
        });

        assertEquals(200, response.status());
        assertEquals(2, built.get(), "the request is made again (a new client assertion with it)");
        List<FakeServer.Recorded> sent = server.requests();
        assertEquals(2, sent.size());
        assertNull(nonceOf(sent.get(0).header("DPoP")));
        assertEquals("eyJ7S_zG.eyJH0-Z.HX4w-7v", nonceOf(sent.get(1).header("DPoP")));
        assertNotEquals(SignedJWT.parse(sent.get(0).header("DPoP")).getJWTClaimsSet().getJWTID(),
                SignedJWT.parse(sent.get(1).header("DPoP")).getJWTClaimsSet().getJWTID());
        // the nonce of the last answer is the one the next proof carries
        assertEquals("next-nonce", nonceOf(proofs.proof(key, "POST", endpoint, Optional.empty())));
    }

    @Test
    void retriesOnlyOnce() throws Exception {
        server.on("/token", exchange -> {
            byte[] bytes = "{\"error\":\"use_dpop_nonce\"}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("DPoP-Nonce", "n-" + System.nanoTime());
            exchange.sendResponseHeaders(400, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        URI endpoint = server.uri("/token");
        BoundedHttp http = new BoundedHttp(HTTP, TIMEOUT);

        BoundedHttp.Response response = proofs.sendToAuthorizationServer(http, key, endpoint,
                proof -> http.postForm(endpoint, java.util.Map.of(), Optional.empty(), Optional.of(proof)));

        assertEquals(400, response.status());
        assertEquals(2, server.requests().size());
    }

    @Test
    void doesNotRetryANonceErrorWithoutANonce() throws Exception {
        server.on("/token", FakeServer.json(400, "{\"error\":\"use_dpop_nonce\"}"));
        URI endpoint = server.uri("/token");
        BoundedHttp http = new BoundedHttp(HTTP, TIMEOUT);

        BoundedHttp.Response response = proofs.sendToAuthorizationServer(http, key, endpoint,
                proof -> http.postForm(endpoint, java.util.Map.of(), Optional.empty(), Optional.of(proof)));

        assertEquals(400, response.status());
        assertEquals(1, server.requests().size());
    }

    @Test
    void doesNotRetryAnotherError() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        server.on("/token", exchange -> {
            calls.incrementAndGet();
            byte[] bytes = "{\"error\":\"invalid_dpop_proof\"}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("DPoP-Nonce", "n-1");
            exchange.sendResponseHeaders(400, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        URI endpoint = server.uri("/token");
        BoundedHttp http = new BoundedHttp(HTTP, TIMEOUT);

        assertEquals(400, proofs.sendToAuthorizationServer(http, key, endpoint,
                proof -> http.postForm(endpoint, java.util.Map.of(), Optional.empty(), Optional.of(proof))).status());
        assertEquals(1, calls.get());
        assertEquals("n-1", nonceOf(proofs.proof(key, "POST", endpoint, Optional.empty())), "remembered all the same");
    }
}
