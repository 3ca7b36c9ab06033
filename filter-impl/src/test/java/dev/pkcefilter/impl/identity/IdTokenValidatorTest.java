package dev.pkcefilter.impl.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;

import dev.pkcefilter.impl.config.ClientConfiguration;
import dev.pkcefilter.impl.protocol.BoundedHttp;
import dev.pkcefilter.impl.protocol.ClientSecret;
import dev.pkcefilter.impl.protocol.Nonce;
import dev.pkcefilter.impl.protocol.ProviderMetadata;
import dev.pkcefilter.impl.protocol.TokenResponse;
import dev.pkcefilter.impl.session.VerifiedUser;
import dev.pkcefilter.impl.testing.TestIssuer;

/**
 * Every check of {@link IdTokenValidator} against a JWK set served in-process, with the JWS examples of RFC 7515
 * Appendix A where they apply: each check refuses what it exists for, and an honest token passes them all.
 */
class IdTokenValidatorTest {

    private static final String ISSUER = "https://login.example/realms/shop";
    private static final String CLIENT = "shop";
    private static final String ACCESS_TOKEN = "access-token-for-at-hash";
    /** A client secret long enough for HS256 (RFC 7518 §3.2: a key of at least 256 bits). */
    private static final String SECRET = "a-client-secret-of-more-than-32-bytes!";
    private static final TestIssuer KEY = TestIssuer.SHARED;

    /** RFC 7515 A.2: an RS256 JWS by "joe", and the public part of its key. */
    static final String RFC7515_A2_JWS = "eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6"
            + "Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.cC4hiUPoj9Eetdgtv3hF80EGrhuB__dzERat0XF9g2VtQgr9PJbu3XOiZj5RZmh7AAu"
            + "HIm4Bh-0Qc_lF5YKt_O8W2Fp5jujGbds9uJdbF9CUAr7t1dnZcAcQjbKBYNX4BAynRFdiuB--f_nZLgrnbyTyWzO75vRK5h6xBArLIARNPv"
            + "kSjtQBMHlb1L07Qe7K0GarZRmB_eSN9383LcOLn6_dO--xi12jzDwusC-eOkHWEsqtFZESc6BfI7noOPqvhJ1phCnvWh6IeYI2w9QOYEUip"
            + "UTI8np6LbgGY9Fs98rqVt5AXLIhWkWywlVmtVrBp0igcN_IoypGlUPQGe77Rw";
    static final String RFC7515_A2_KEY = "{\"kty\":\"RSA\",\"e\":\"AQAB\",\"n\":\"ofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd_wWJ"
            + "cyQoTbji9k0l8W26mPddxHmfHQp-Vaw-4qPCJrcS2mJPMEzP1Pt0Bm4d4QlL-yRT-SFd2lZS-pCgNMsD1W_YpRPEwOWvG6b32690r2jZ47s"
            + "oMZo9wGzjb_7OMg0LOL-bSf63kpaSHSXndS5z5rexMdbBYUsLA9e-KXBdQOS-UTo7WTBEMa2R2CapHg665xsmtdVMTBQY4uDZlxvb3qCo5Z"
            + "wKh9kG4LT6_I5IhlJH7aGhyxXFvUK-DWNmoudF8NAco9_h9iaGNj8q2ethFkMLs91kzk2PAcDTW9gb54h4FRWyuXpoQ\"}";
    /** RFC 7515 A.3: the same claims, ES256 with a P-256 key. */
    static final String RFC7515_A3_JWS = "eyJhbGciOiJFUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6"
            + "Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQx"
            + "fKTUJqPP3-Kg6NU1Q";
    static final String RFC7515_A3_KEY = "{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uP"
            + "HvRVEU\",\"y\":\"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0\"}";
    /** RFC 7515 A.5: an unsecured JWS ({@code alg: none}) of the same claims. */
    static final String RFC7515_A5_JWS = "eyJhbGciOiJub25lIn0.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly"
            + "9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.";

    private final AtomicInteger jwksRequests = new AtomicInteger();
    private volatile String jwks = KEY.jwks();
    private volatile int jwksStatus = 200;
    private HttpServer server;
    private URI jwksUri;
    private MovableClock clock;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 10);
        server.createContext("/jwks", exchange -> {
            jwksRequests.incrementAndGet();
            byte[] bytes = jwks.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(jwksStatus, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
        jwksUri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/jwks");
        clock = new MovableClock(Instant.now());
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private IdTokenValidator validator(ClientConfiguration.Builder config) {
        ClientConfiguration built = config.clientId(CLIENT).build();
        return new IdTokenValidator(new IssuerKeys(new BoundedHttp(HttpClient.newHttpClient(), Duration.ofSeconds(2)),
                clock), CLIENT, built.client().secret(), built.identity(), clock);
    }

    private IdTokenValidator validator() {
        return validator(ClientConfiguration.builder());
    }

    private ProviderMetadata metadata() {
        return new ProviderMetadata(Optional.of(URI.create(ISSUER)), URI.create(ISSUER + "/auth"),
                URI.create(ISSUER + "/token"), Optional.empty(), Optional.empty(), Optional.empty(), true, List.of(),
                Optional.of(jwksUri));
    }

    private JWTClaimsSet.Builder claims() {
        Instant now = clock.instant();
        return new JWTClaimsSet.Builder().issuer(ISSUER).audience(CLIENT).subject("user-1")
                .claim("preferred_username", "alice").issueTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(300)));
    }

    private static TokenResponse response(String idToken) {
        return new TokenResponse(ACCESS_TOKEN, "Bearer", Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.of(idToken));
    }

    private VerifiedUser login(String idToken) throws IdTokenException {
        return validator().atLogin(response(idToken), metadata(), Optional.empty());
    }

    private String refused(String idToken) {
        return refused(validator(), idToken, Optional.empty());
    }

    private String refused(IdTokenValidator validator, String idToken, Optional<Nonce> nonce) {
        IdTokenException e = assertThrows(IdTokenException.class,
                () -> validator.atLogin(response(idToken), metadata(), nonce));
        assertEquals(IdTokenException.Failure.INVALID, e.failure(), e.getMessage());
        return e.getMessage();
    }

    private static String sign(JWK key, JWSAlgorithm algorithm, JWTClaimsSet claims) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(algorithm).keyID(key.getKeyID()).build(), claims);
        jwt.sign(key instanceof ECKey ec ? new ECDSASigner(ec) : new RSASSASigner((RSAKey) key));
        return jwt.serialize();
    }

    @Test
    void anHonestIdTokenNamesTheUser() throws Exception {
        VerifiedUser user = login(KEY.sign(claims().build()));

        assertEquals(new VerifiedUser("user-1", "alice", List.of()), user);
        assertEquals(1, jwksRequests.get());
    }

    @Test
    void theNameFallsBackToTheSubjectAndFollowsPrincipalClaim() throws Exception {
        assertEquals("user-1", login(KEY.sign(claims().claim("preferred_username", null).build())).name());
        VerifiedUser user = validator(ClientConfiguration.builder().principalClaim(Optional.of("email")))
                .atLogin(response(KEY.sign(claims().claim("email", "alice@example.com").build())), metadata(),
                        Optional.empty());
        assertEquals("alice@example.com", user.name());
    }

    @Test
    void readsTheRolesAtADottedPath() throws Exception {
        IdTokenValidator validator = validator(ClientConfiguration.builder()
                .rolesClaim(Optional.of("realm_access.roles")));
        VerifiedUser user = validator.atLogin(response(KEY.sign(claims()
                .claim("realm_access", Map.of("roles", List.of("admin", "user", 7))).build())), metadata(),
                Optional.empty());

        assertEquals(List.of("admin", "user"), user.roles(), "strings only");
        assertTrue(user.hasRole("admin") && user.hasRole("**") && !user.hasRole("root"));
    }

    @Test
    void readsTheRolesFromAVerifiedAccessTokenWhenTold() throws Exception {
        IdTokenValidator validator = validator(ClientConfiguration.builder().rolesClaim(Optional.of("roles"))
                .rolesSource(ClientConfiguration.RolesSource.ACCESS_TOKEN));
        String accessToken = KEY.sign(claims().audience("account").claim("roles", List.of("admin")).build());
        TokenResponse tokens = new TokenResponse(accessToken, "Bearer", Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.of(KEY.sign(claims().claim("roles", List.of("not-these")).build())));

        assertEquals(List.of("admin"), validator.atLogin(tokens, metadata(), Optional.empty()).roles());

        String forged = accessToken.substring(0, accessToken.lastIndexOf('.') + 1) + "AAAA";
        TokenResponse forgedTokens = new TokenResponse(forged, "Bearer", Optional.empty(), Optional.empty(),
                Optional.empty(), tokens.idToken());
        assertEquals(List.of(), validator.atLogin(forgedTokens, metadata(), Optional.empty()).roles(),
                "an access token the keys do not verify gives no roles");
    }

    @Test
    void acceptsRs256Ps256AndEs256ByDefault() throws Exception {
        ECKey ec = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
        jwks = new JWKSet(List.of(KEY.key().toPublicJWK(), ec.toPublicJWK())).toString();

        assertEquals("user-1", login(sign(KEY.key(), JWSAlgorithm.PS256, claims().build())).subject());
        assertEquals("user-1", login(sign(ec, JWSAlgorithm.ES256, claims().build())).subject());
        assertTrue(refused(sign(KEY.key(), JWSAlgorithm.RS512, claims().build())).contains("RS512"));
    }

    @Test
    void theRfc7515ExamplesPassTheirSignatureAndFailOnTheirIssuer() throws Exception {
        jwks = "{\"keys\":[" + RFC7515_A2_KEY + "," + RFC7515_A3_KEY + "]}";

        // signature first: a message about the issuer means the signature of the RFC's example verified
        assertTrue(refused(RFC7515_A2_JWS).contains("was issued by 'joe'"), refused(RFC7515_A2_JWS));
        assertTrue(refused(RFC7515_A3_JWS).contains("was issued by 'joe'"), refused(RFC7515_A3_JWS));
        String tampered = RFC7515_A2_JWS.substring(0, RFC7515_A2_JWS.length() - 4) + "AAAA";
        assertTrue(refused(tampered).contains("signature"), refused(tampered));
    }

    @Test
    void refusesAnUnsignedIdToken() {
        assertTrue(refused(RFC7515_A5_JWS).contains("not signed (alg none)"), refused(RFC7515_A5_JWS));
        String none = RFC7515_A5_JWS.substring(0, RFC7515_A5_JWS.indexOf('.') + 1)
                + Base64.getUrlEncoder().withoutPadding().encodeToString(claims().build().toString()
                        .getBytes(StandardCharsets.UTF_8)) + ".";
        assertTrue(refused(none).contains("alg none"), refused(none));
    }

    @Test
    void refusesHs256SignedWithThePublicKeyAlgorithmConfusion() throws Exception {
        byte[] publicKey = KEY.key().toRSAPublicKey().getEncoded();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(KEY.key().getKeyID()).build(),
                claims().build());
        jwt.sign(new MACSigner(publicKey));

        assertTrue(refused(jwt.serialize()).contains("HS256, which is not among the accepted"));
        // even where HS256 is accepted, its key is the client secret, never a public key
        IdTokenValidator hmac = validator(ClientConfiguration.builder()
                .clientSecret(Optional.of(new ClientSecret(SECRET))).idTokenAlgorithms(List.of("RS256", "HS256")));
        assertTrue(refused(hmac, jwt.serialize(), Optional.empty()).contains("client secret does not verify"));
    }

    @Test
    void acceptsHs256WithTheClientSecretWhenListed() throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims().build());
        jwt.sign(new MACSigner(SECRET.getBytes(StandardCharsets.UTF_8)));
        IdTokenValidator hmac = validator(ClientConfiguration.builder()
                .clientSecret(Optional.of(new ClientSecret(SECRET))).idTokenAlgorithms(List.of("HS256")));

        assertEquals("user-1", hmac.atLogin(response(jwt.serialize()), metadata(), Optional.empty()).subject());
        assertEquals(0, jwksRequests.get(), "HMAC needs no keys of the issuer");
    }

    @Test
    void refusesABadSignature() {
        String token = KEY.sign(claims().build());
        String flipped = token.substring(0, token.length() - 6) + (token.charAt(token.length() - 6) == 'A' ? 'B' : 'A')
                + token.substring(token.length() - 5);
        assertTrue(refused(flipped).contains("none of the issuer's keys verifies"), refused(flipped));
    }

    @Test
    void anUnknownKeyFetchesTheSetOnceMoreAtOnceThenAtMostEveryTenSeconds() throws Exception {
        IdTokenValidator validator = validator();
        assertEquals("user-1", validator.atLogin(response(KEY.sign(claims().build())), metadata(), Optional.empty())
                .subject());
        TestIssuer rotated = new TestIssuer();

        // the issuer rotates its keys a moment after the set was fetched: the next login fetches it again at once
        jwks = new JWKSet(List.of(KEY.key().toPublicJWK(), rotated.key().toPublicJWK())).toString();
        assertEquals("user-1", validator.atLogin(response(rotated.sign(claims().build())), metadata(),
                Optional.empty()).subject());
        assertEquals(2, jwksRequests.get(), "fetched once more");

        // a key the issuer never published: one more fetch, then none within the interval
        TestIssuer unknown = new TestIssuer();
        clock.advance(IssuerKeys.REFETCH_INTERVAL);
        assertTrue(refused(validator, unknown.sign(claims().build()), Optional.empty()).contains("does not publish"));
        assertEquals(3, jwksRequests.get());
        refused(validator, unknown.sign(claims().build()), Optional.empty());
        assertEquals(3, jwksRequests.get(), "not again within the interval");
        clock.advance(IssuerKeys.REFETCH_INTERVAL);
        refused(validator, unknown.sign(claims().build()), Optional.empty());
        assertEquals(4, jwksRequests.get(), "again after the interval");
    }

    @Test
    void keysThatCannotBeFetchedAreUnavailableNotInvalid() {
        jwksStatus = 503;
        IdTokenValidator validator = validator();
        IdTokenException e = assertThrows(IdTokenException.class,
                () -> validator.atLogin(response(KEY.sign(claims().build())), metadata(), Optional.empty()));
        assertEquals(IdTokenException.Failure.UNAVAILABLE, e.failure());
        assertThrows(IdTokenException.class,
                () -> validator.atLogin(response(KEY.sign(claims().build())), metadata(), Optional.empty()));
        assertEquals(1, jwksRequests.get(), "no second fetch during the back-off");
    }

    @Test
    void refusesAnotherIssuerAudienceOrAuthorizedParty() {
        assertTrue(refused(KEY.sign(claims().issuer("https://evil.example").build())).contains("evil.example"));
        assertTrue(refused(KEY.sign(claims().issuer(ISSUER + "/").build())).contains("was issued by"), "exactly");
        assertTrue(refused(KEY.sign(claims().audience("other-client").build())).contains("for another client"));
        assertTrue(refused(KEY.sign(claims().audience((String) null).build())).contains("aud is missing"));
        assertTrue(refused(KEY.sign(claims().audience(List.of(CLIENT, "api")).build())).contains("no azp"));
        assertTrue(refused(KEY.sign(claims().claim("azp", "other-client").build())).contains("azp"));
        assertTrue(refused(KEY.sign(claims().subject(null).build())).contains("no sub"));
    }

    @Test
    void severalAudiencesPassWithAnAzpNamingTheClient() throws Exception {
        assertEquals("user-1", login(KEY.sign(claims().audience(List.of(CLIENT, "api")).claim("azp", CLIENT).build()))
                .subject());
    }

    @Test
    void checksExpiryAndIssueTimeWithTheClockSkew() throws Exception {
        Instant now = clock.instant();
        assertTrue(refused(KEY.sign(claims().expirationTime(Date.from(now.minusSeconds(61))).build()))
                .contains("expired"));
        assertTrue(refused(KEY.sign(claims().expirationTime(null).build())).contains("no exp"));
        assertTrue(refused(KEY.sign(claims().issueTime(Date.from(now.plusSeconds(61))).build()))
                .contains("in the future"));
        // within the default skew of 60 s
        login(KEY.sign(claims().expirationTime(Date.from(now.minusSeconds(59))).build()));
        login(KEY.sign(claims().issueTime(Date.from(now.plusSeconds(59))).build()));
        // a skew of zero
        IdTokenValidator strict = validator(ClientConfiguration.builder().clockSkew(Duration.ZERO));
        refused(strict, KEY.sign(claims().expirationTime(Date.from(now.minusSeconds(1))).build()), Optional.empty());
    }

    @Test
    void comparesTheNonceTheLoginSent() throws Exception {
        Nonce nonce = new Nonce("nonce-" + UUID.randomUUID());
        IdTokenValidator validator = validator();

        assertEquals("user-1", validator.atLogin(response(KEY.sign(claims().claim("nonce", nonce.value()).build())),
                metadata(), Optional.of(nonce)).subject());
        assertTrue(refused(validator, KEY.sign(claims().build()), Optional.of(nonce)).contains("has no nonce"));
        assertTrue(refused(validator, KEY.sign(claims().claim("nonce", "another").build()), Optional.of(nonce))
                .contains("another nonce"));
    }

    @Test
    void checksAtHashWhenPresent() throws Exception {
        String atHash = IdTokenValidator.halfHash(JWSAlgorithm.RS256, ACCESS_TOKEN);
        login(KEY.sign(claims().claim("at_hash", atHash).build()));
        assertTrue(refused(KEY.sign(claims().claim("at_hash", "AAAAAAAAAAAAAAAAAAAAAA").build())).contains("at_hash"));
    }

    @Test
    void atHashIsTheLeftHalfOfTheHash() {
        // OpenID Connect Core 1.0 §3.1.3.6 with the access token of its Appendix A.3 (RS256)
        assertEquals("77QmUPtjPfzWtF2AnpK9RQ", IdTokenValidator.halfHash(JWSAlgorithm.RS256,
                "jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y"));
    }

    @Test
    void refusesAnAccessTokenPresentedAsIdToken() throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(KEY.key().getKeyID())
                .type(new JOSEObjectType("at+jwt")).build(), claims().build());
        jwt.sign(new RSASSASigner(KEY.key()));
        assertTrue(refused(jwt.serialize()).contains("access token"));
    }

    @Test
    void aRefreshedIdTokenMustNameTheSameUser() throws Exception {
        IdTokenValidator validator = validator(ClientConfiguration.builder().rolesClaim(Optional.of("roles")));
        VerifiedUser before = validator.atLogin(response(KEY.sign(claims().claim("roles", List.of("user")).build())),
                metadata(), Optional.empty());

        VerifiedUser after = validator.atRefresh(response(KEY.sign(claims().claim("roles", List.of("admin")).build())),
                metadata(), before);
        assertEquals(List.of("admin"), after.roles(), "roles read again");
        assertEquals(before.subject(), after.subject());

        IdTokenException other = assertThrows(IdTokenException.class, () -> validator.atRefresh(
                response(KEY.sign(claims().subject("user-2").build())), metadata(), before));
        assertTrue(other.getMessage().contains("another user"), other.getMessage());
        TokenResponse noIdToken = new TokenResponse(ACCESS_TOKEN, "Bearer", Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty());
        assertEquals(before, validator.atRefresh(noIdToken, metadata(), before), "no new ID token: the same user");
    }

    @Test
    void userinfoClaimsNameTheUserAndGiveRolesAndAreKept() throws Exception {
        IdTokenValidator validator = validator(ClientConfiguration.builder().rolesClaim(Optional.of("groups")));
        TokenResponse tokens = response(KEY.sign(claims().claim("groups", List.of("user")).build()));
        VerifiedUser user = validator.atLogin(tokens, metadata(), Optional.empty());
        String json = "{\"sub\":\"user-1\",\"preferred_username\":\"alice.l\",\"groups\":[\"admin\"]}";

        VerifiedUser merged = validator.withUserinfo(user, tokens, metadata(), new UserinfoClient.Userinfo(
                Map.of("sub", "user-1", "preferred_username", "alice.l", "groups", List.of("admin")),
                Optional.of(json)));

        assertEquals("alice.l", merged.name());
        assertEquals(List.of("admin"), merged.roles(), "the userinfo answer wins");
        assertEquals(Optional.of(json), merged.keptUserinfo());
        // a refresh reads the roles again from its ID token and the kept answer
        VerifiedUser refreshed = validator.atRefresh(response(KEY.sign(claims().claim("groups", List.of("user"))
                .build())), metadata(), merged);
        assertEquals(List.of("admin"), refreshed.roles());
        assertEquals("alice.l", refreshed.name());
    }

    @Test
    void noMessageHoldsTheToken() {
        String token = KEY.sign(claims().issuer("https://evil.example").build());
        String message = refused(token);
        assertTrue(!message.contains(token) && !message.contains(token.substring(token.lastIndexOf('.') + 1)), message);
    }

    /** A clock the test moves. */
    static final class MovableClock extends Clock {
        private volatile Instant now;

        MovableClock(Instant start) {
            now = start;
        }

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
