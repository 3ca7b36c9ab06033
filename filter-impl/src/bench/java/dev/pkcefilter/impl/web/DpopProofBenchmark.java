package dev.pkcefilter.impl.web;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import dev.pkcefilter.impl.events.ApiOrigins;
import dev.pkcefilter.impl.events.CurrentAccessToken;
import dev.pkcefilter.impl.protocol.DpopKey;
import dev.pkcefilter.impl.protocol.DpopProofs;
import dev.pkcefilter.impl.protocol.TokenResponse;
import dev.pkcefilter.impl.session.TokenSet;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The cost of DPoP (RFC 9449) on the client, pkce-filter's own work without any network:
 * <ul>
 *   <li>{@code keyPair}: the ES256 key pair a login makes at its start ({@link DpopKey#generate()});</li>
 *   <li>{@code tokenRequestProof}: one proof for a token request ({@code htm}, {@code htu}, {@code iat}, {@code jti},
 *       the origin's nonce), as the code exchange and each refresh make it;</li>
 *   <li>{@code apiCallHeaders}: what {@code BearerTokenFilter} asks for each API call of a DPoP-bound token,
 *       {@code AccessToken.headersFor}: the origin check, {@code Authorization: DPoP} and a proof with {@code ath};</li>
 *   <li>{@code bearerCallHeaders}: the same call's headers for a bearer token (the baseline);</li>
 *   <li>{@code keyFromSession}: the key read again from the session's 96 bytes, once per session and node after a
 *       session was replicated or read back (the point checked to lie on P-256).</li>
 * </ul>
 * Run with {@code mvn -Pbench -DskipTests verify -pl filter-impl -am -Dbench.class=DpopProofBenchmark}
 * (see notes/h-dpop.md).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@org.openjdk.jmh.annotations.State(Scope.Thread)
public class DpopProofBenchmark {

    /** A Keycloak-sized access token (1.3 KB): {@code ath} hashes it. */
    private static final String ACCESS_TOKEN = "eyJhbGciOiJSUzI1NiIsInR5cCIgOiAiSldUIn0." + "a".repeat(1200) + ".sig";

    private final URI tokenEndpoint = URI.create("https://login.example.com/realms/shop/protocol/openid-connect/token");
    private final URI api = URI.create("https://login.example.com/realms/shop/protocol/openid-connect/userinfo");
    private Jsonb jsonb;
    private DpopKey key;
    private byte[] keyBytes;
    private DpopProofs proofs;
    private CurrentAccessToken dpopToken;
    private CurrentAccessToken bearerToken;

    @Setup
    public void setUp() {
        jsonb = JsonbBuilder.create();
        key = DpopKey.generate();
        keyBytes = key.toBytes();
        proofs = new DpopProofs(Clock.systemUTC(), jsonb);
        proofs.remember(tokenEndpoint, "eyJ7S_zG.eyJH0-Z.HX4w-7v");
        ApiOrigins origins = new ApiOrigins(Optional.empty(),
                Optional.of(URI.create("https://login.example.com/realms/shop")), Optional::empty);
        Instant now = Instant.now();
        dpopToken = new CurrentAccessToken(TokenSet.from(new TokenResponse(ACCESS_TOKEN, "DPoP",
                Optional.of(now.plusSeconds(300)), Optional.of("openid"), Optional.empty(), Optional.empty()),
                "openid", now, null, key), jsonb, origins, proofs);
        bearerToken = new CurrentAccessToken(TokenSet.from(new TokenResponse(ACCESS_TOKEN, "Bearer",
                Optional.of(now.plusSeconds(300)), Optional.of("openid"), Optional.empty(), Optional.empty()),
                "openid", now), jsonb, origins, proofs);
    }

    @TearDown
    public void tearDown() throws Exception {
        jsonb.close();
    }

    @Benchmark
    public DpopKey keyPair() {
        return DpopKey.generate();
    }

    @Benchmark
    public String tokenRequestProof() {
        return proofs.proof(key, "POST", tokenEndpoint, Optional.empty());
    }

    @Benchmark
    public Map<String, String> apiCallHeaders() {
        return dpopToken.headersFor("GET", api);
    }

    @Benchmark
    public Map<String, String> bearerCallHeaders() {
        return bearerToken.headersFor("GET", api);
    }

    @Benchmark
    public DpopKey keyFromSession() {
        return DpopKey.fromBytes(keyBytes);
    }
}
