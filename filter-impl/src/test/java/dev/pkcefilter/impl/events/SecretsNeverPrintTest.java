package dev.pkcefilter.impl.events;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.pkcefilter.event.LoginSucceeded;
import dev.pkcefilter.event.TokenRefreshed;
import dev.pkcefilter.impl.protocol.ClientAuthMethod;
import dev.pkcefilter.impl.config.ConfigSources;
import dev.pkcefilter.impl.config.ConfigurationLoader;
import dev.pkcefilter.impl.protocol.AuthorizationCodeGrant;
import dev.pkcefilter.impl.protocol.AuthorizationRequest;
import dev.pkcefilter.impl.protocol.ClientAuthentication;
import dev.pkcefilter.impl.protocol.ClientKey;
import dev.pkcefilter.impl.testing.TestKeys;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import org.junit.jupiter.api.io.TempDir;
import dev.pkcefilter.impl.protocol.ClientSecret;
import dev.pkcefilter.impl.protocol.CodeVerifier;
import dev.pkcefilter.impl.protocol.DpopKey;
import dev.pkcefilter.impl.protocol.DpopProofs;
import dev.pkcefilter.impl.protocol.PushedAuthorizationRequest;
import com.nimbusds.jose.util.Base64URL;
import dev.pkcefilter.impl.protocol.EndSessionRequest;
import dev.pkcefilter.impl.protocol.RefreshTokenGrant;
import dev.pkcefilter.impl.protocol.RevocationRequest;
import dev.pkcefilter.impl.protocol.State;
import dev.pkcefilter.impl.protocol.TokenRequest;
import dev.pkcefilter.impl.protocol.TokenResponse;
import dev.pkcefilter.impl.session.PendingLogin;
import dev.pkcefilter.impl.session.PendingLogins;
import dev.pkcefilter.impl.session.TokenSet;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import org.junit.jupiter.api.Test;

/**
 * Every type that holds a token, code, verifier, state or the client secret, built with all of them, and its
 * {@code toString()} (what a log line, a debugger or an exception message would show) searched for each secret,
 * as it is and percent-encoded. Exception messages are checked where they are made: {@code TokenEndpointClientTest}
 * (every failure of the token endpoint) and {@code CurrentAccessTokenTest} (no token on a request).
 */
class SecretsNeverPrintTest {

    private static final String ACCESS_TOKEN = "at-4f0c1d6e-access";
    private static final String REFRESH_TOKEN = "rt-9b2e7a55-refresh";
    private static final String ID_TOKEN = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJhbGljZSIsImp0aSI6ImlkdG9rZW4ifQ.";
    private static final String CODE = "SplxlOBeZQQYbYS6WxSbIA";
    private static final CodeVerifier VERIFIER = new CodeVerifier("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
    private static final State STATE = new State("af0ifjsldkj-state-value-that-is-long-enough");
    private static final String SECRET = "p@ss:w0rd/+ secret";
    private static final String JWT_SECRET = "p@ss:w0rd/+ secret of 32 bytes or more";
    private static final String KEY_PASSWORD = "K3y-St0re/pa55 word";
    private static final URI REDIRECT = URI.create("https://app.example/oauth/callback");
    private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");

    @TempDir
    Path dir;

    @Test
    void noTypeHoldingASecretPrintsIt() throws Exception {
        Path keystore = TestKeys.addToPkcs12(dir.resolve("client.p12"), KEY_PASSWORD, "shop", "EC", "secp256r1");
        KeyStore.PrivateKeyEntry entry = TestKeys.entry(keystore, KEY_PASSWORD, "shop");
        ClientKey key = ClientKey.of(entry.getPrivateKey(), entry.getCertificate().getPublicKey(), Optional.empty(),
                Optional.empty());
        String privateKeyJwk = new ECKey.Builder(Curve.P_256, (ECPublicKey) entry.getCertificate().getPublicKey())
                .privateKey((ECPrivateKey) entry.getPrivateKey()).build().getD().toString();
        String pkcs8 = Base64.getEncoder().encodeToString(entry.getPrivateKey().getEncoded());
        URI issuer = URI.create("https://login.example.com");
        ClientAuthentication privateKeyJwt = new ClientAuthentication("shop", ClientAuthMethod.PRIVATE_KEY_JWT,
                Optional.empty(), Optional.of(key), Optional.of(issuer), Clock.systemUTC());
        ClientAuthentication secretJwt = new ClientAuthentication("shop", ClientAuthMethod.CLIENT_SECRET_JWT,
                Optional.of(new ClientSecret(JWT_SECRET)), Optional.empty(), Optional.empty(), Clock.systemUTC());
        Map<String, String> keyParams = Map.of("pkce.issuer", "https://login.example.com", "pkce.client-id", "shop",
                "pkce.client-key-file", keystore.toString(), "pkce.client-key-password", KEY_PASSWORD);
        ClientAuthentication basic = new ClientAuthentication("shop", ClientAuthMethod.CLIENT_SECRET_BASIC,
                Optional.of(new ClientSecret(SECRET)));
        ClientAuthentication post = new ClientAuthentication("shop", ClientAuthMethod.CLIENT_SECRET_POST,
                Optional.of(new ClientSecret(SECRET)));
        TokenResponse response = new TokenResponse(ACCESS_TOKEN, "Bearer", Optional.of(NOW), Optional.of("openid"),
                Optional.of(REFRESH_TOKEN), Optional.of(ID_TOKEN));
        TokenSet tokens = TokenSet.from(response, "openid");
        PendingLogin login = new PendingLogin(STATE, VERIFIER, REDIRECT, "/app/?x=1", NOW);
        PendingLogins pending = PendingLogins.NONE.with(login, NOW, Duration.ofMinutes(10));
        Map<String, String> params = Map.of("pkce.issuer", "https://login.example.com", "pkce.client-id", "shop",
                "pkce.client-secret", SECRET);
        DpopKey dpopKey = DpopKey.generate();
        String dpopD = Base64URL.encode(java.util.Arrays.copyOf(dpopKey.toBytes(), 32)).toString();
        String dpopBytes = Base64.getEncoder().encodeToString(dpopKey.toBytes());
        String dpopNonce = "rs-nonce-7d1f0c";
        TokenResponse dpopResponse = new TokenResponse(ACCESS_TOKEN, "DPoP", Optional.of(NOW.plusSeconds(60)),
                Optional.of("openid"), Optional.of(REFRESH_TOKEN), Optional.of(ID_TOKEN));
        TokenSet dpopTokens = TokenSet.from(dpopResponse, "openid", NOW, null, dpopKey);
        PendingLogin dpopLogin = new PendingLogin(STATE, VERIFIER, REDIRECT, "/app/?x=1", NOW, null, dpopKey);
        try (Jsonb jsonb = JsonbBuilder.create()) {
            DpopProofs proofs = new DpopProofs(Clock.systemUTC(), jsonb);
            CurrentAccessToken dpopCurrent = new CurrentAccessToken(dpopTokens, jsonb, new ApiOrigins(Optional.empty(),
                    Optional.of(URI.create("https://login.example.com")), Optional::empty), proofs);
            String proof = dpopCurrent.headersFor("GET", URI.create("https://login.example.com/api"), dpopNonce)
                    .get("DPoP");
            CurrentAccessToken current = new CurrentAccessToken(tokens, jsonb, new ApiOrigins(Optional.empty(),
                    Optional.empty(), Optional::empty));
            List<Object> holders = List.of(
                    VERIFIER, STATE, new ClientSecret(SECRET), basic, post,
                    new TokenRequest(URI.create("https://login.example.com/token"),
                            new AuthorizationCodeGrant(CODE, REDIRECT, VERIFIER), basic, Optional.empty()),
                    new TokenRequest(URI.create("https://login.example.com/token"),
                            new RefreshTokenGrant(REFRESH_TOKEN, Optional.of("openid")), post, Optional.empty()),
                    new AuthorizationCodeGrant(CODE, REDIRECT, VERIFIER), new RefreshTokenGrant(REFRESH_TOKEN),
                    response, tokens, tokens.refreshedBy(response, Instant.now()), Optional.of(tokens),
                    login, pending, pending.take(STATE.value(), NOW, Duration.ofMinutes(10)),
                    new AuthorizationRequest(URI.create("https://login.example.com/authorize"), "shop", REDIRECT,
                            "openid", STATE, VERIFIER.challenge(), Optional.empty(), Map.of()),
                    new RevocationRequest(URI.create("https://login.example.com/revoke"), REFRESH_TOKEN,
                            RevocationRequest.TokenTypeHint.REFRESH_TOKEN, basic),
                    new RevocationRequest(URI.create("https://login.example.com/revoke"), ACCESS_TOKEN,
                            RevocationRequest.TokenTypeHint.ACCESS_TOKEN, post),
                    new EndSessionRequest(URI.create("https://login.example.com/logout"), REDIRECT, "shop",
                            Optional.of(ID_TOKEN)),
                    current, new LoginSucceeded(current), new TokenRefreshed(current),
                    ConfigurationLoader.load(new ConfigSources(name -> Optional.empty(), name -> null, params::get,
                            Map.of())),
                    key, Optional.of(key), privateKeyJwt, secretJwt,
                    new TokenRequest(URI.create("https://login.example.com/token"),
                            new AuthorizationCodeGrant(CODE, REDIRECT, VERIFIER), privateKeyJwt, Optional.empty()),
                    new TokenRequest(URI.create("https://login.example.com/token"),
                            new RefreshTokenGrant(REFRESH_TOKEN), secretJwt, Optional.empty()),
                    new RevocationRequest(URI.create("https://login.example.com/revoke"), REFRESH_TOKEN,
                            RevocationRequest.TokenTypeHint.REFRESH_TOKEN, privateKeyJwt),
                    ConfigurationLoader.load(new ConfigSources(name -> Optional.empty(), name -> null,
                            keyParams::get, Map.of())),
                    ConfigurationLoader.load(new ConfigSources(name -> Optional.empty(), name -> null,
                            keyParams::get, Map.of())).client().authentication(),
                    dpopKey, Optional.of(dpopKey), dpopTokens, dpopTokens.dpopKey(), dpopLogin,
                    PendingLogins.NONE.with(dpopLogin, NOW, Duration.ofMinutes(10)), proofs, dpopCurrent,
                    new LoginSucceeded(dpopCurrent), dpopResponse,
                    new TokenRequest(URI.create("https://login.example.com/token"),
                            new RefreshTokenGrant(REFRESH_TOKEN), post, Optional.empty(), Optional.of(dpopKey)),
                    new RevocationRequest(URI.create("https://login.example.com/revoke"), ACCESS_TOKEN,
                            RevocationRequest.TokenTypeHint.ACCESS_TOKEN, post, Optional.of(dpopKey)),
                    new PushedAuthorizationRequest(URI.create("https://login.example.com/par"),
                            new AuthorizationRequest(URI.create("https://login.example.com/authorize"), "shop",
                                    REDIRECT, "openid", STATE, VERIFIER.challenge(), Optional.empty(), Map.of()),
                            post, Optional.of(dpopKey)));

            List<String> leaks = new ArrayList<>();
            for (Object holder : holders) {
                String text = holder.toString();
                for (String secret : List.of(ACCESS_TOKEN, REFRESH_TOKEN, ID_TOKEN, ID_TOKEN.split("\\.")[1], CODE,
                        VERIFIER.value(), VERIFIER.challenge(), STATE.value(), SECRET, JWT_SECRET, KEY_PASSWORD,
                        privateKeyJwk, pkcs8.substring(pkcs8.length() - 40), dpopD, dpopBytes, dpopNonce, proof,
                        proof.split("\\.")[2], dpopKey.thumbprint())) {
                    if (text.contains(secret) || text.contains(URLEncoder.encode(secret, StandardCharsets.UTF_8))) {
                        leaks.add(holder.getClass().getSimpleName() + " shows a secret: " + text);
                    }
                }
            }
            assertEquals(List.of(), leaks);
        }
    }
}
