package dev.pkcefilter.impl.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.pkcefilter.impl.testing.TestKeys;

/** The client assertions of {@code private_key_jwt} and {@code client_secret_jwt} (RFC 7523 §2.2, §3; OIDC Core §9). */
class ClientAuthenticationTest {

    static final KeyPair RSA = TestKeys.rsa(2048);
    static final KeyPair EC = TestKeys.ec("secp256r1");
    private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final URI ISSUER = URI.create("https://login.example.com/realms/shop");
    private static final URI TOKEN = URI.create("https://login.example.com/realms/shop/token");
    private static final URI REVOKE = URI.create("https://login.example.com/realms/shop/revoke");
    private static final String SECRET = "a-client-secret-of-32-bytes-or-more!";

    static ClientAuthentication privateKeyJwt(ClientKey key, Optional<URI> audience) {
        return new ClientAuthentication("shop", ClientAuthMethod.PRIVATE_KEY_JWT, Optional.empty(), Optional.of(key),
                audience, CLOCK);
    }

    private static SignedJWT assertion(Map<String, String> params) throws Exception {
        assertEquals("urn:ietf:params:oauth:client-assertion-type:jwt-bearer", params.get("client_assertion_type"));
        return SignedJWT.parse(params.get("client_assertion"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"RS256", "PS256", "ES256"})
    void signsAnAssertionWithTheClaimsOfRfc7523AndTheKid(String algorithm) throws Exception {
        KeyPair pair = algorithm.equals("ES256") ? EC : RSA;
        ClientKey key = ClientKey.of(pair.getPrivate(), pair.getPublic(), Optional.of(algorithm), Optional.empty());

        Map<String, String> params = privateKeyJwt(key, Optional.of(ISSUER)).bodyParameters(TOKEN);

        assertEquals(List.of("client_id", "client_assertion_type", "client_assertion"), List.copyOf(params.keySet()));
        assertEquals("shop", params.get("client_id"));
        SignedJWT jwt = assertion(params);
        JWSVerifier verifier = algorithm.equals("ES256") ? new ECDSAVerifier((ECPublicKey) pair.getPublic())
                : new RSASSAVerifier((RSAPublicKey) pair.getPublic());
        assertTrue(jwt.verify(verifier), "the signature verifies with the public key");
        assertEquals(JWSAlgorithm.parse(algorithm), jwt.getHeader().getAlgorithm());
        JWK publicJwk = algorithm.equals("ES256") ? new ECKey.Builder(com.nimbusds.jose.jwk.Curve.P_256,
                (ECPublicKey) pair.getPublic()).build() : new RSAKey.Builder((RSAPublicKey) pair.getPublic()).build();
        assertEquals(publicJwk.computeThumbprint().toString(), jwt.getHeader().getKeyID(), "RFC 7638 thumbprint");
        assertEquals("shop", jwt.getJWTClaimsSet().getIssuer());
        assertEquals("shop", jwt.getJWTClaimsSet().getSubject());
        assertEquals(List.of(ISSUER.toString()), jwt.getJWTClaimsSet().getAudience());
        assertEquals(Date.from(NOW), jwt.getJWTClaimsSet().getIssueTime());
        assertEquals(Date.from(NOW.plusSeconds(60)), jwt.getJWTClaimsSet().getExpirationTime());
        assertTrue(jwt.getJWTClaimsSet().getJWTID().length() >= 32, jwt.getJWTClaimsSet().getJWTID());
        assertEquals(Set.of("iss", "sub", "aud", "jti", "iat", "exp"), jwt.getJWTClaimsSet().getClaims().keySet());
    }

    @Test
    void defaultsToPs256ForRsaAndEs256ForEc() {
        assertEquals(JWSAlgorithm.PS256, ClientKey.of(RSA.getPrivate(), RSA.getPublic(), Optional.empty(),
                Optional.empty()).algorithm());
        assertEquals(JWSAlgorithm.ES256, ClientKey.of(EC.getPrivate(), EC.getPublic(), Optional.empty(),
                Optional.empty()).algorithm());
    }

    @Test
    void namesTheKeyByTheConfiguredKid() throws Exception {
        ClientKey key = ClientKey.of(EC.getPrivate(), EC.getPublic(), Optional.empty(), Optional.of("shop-2030"));

        assertEquals("shop-2030", assertion(privateKeyJwt(key, Optional.of(ISSUER)).bodyParameters(TOKEN))
                .getHeader().getKeyID());
        assertEquals("shop-2030", key.publicJwk().getKeyID());
        assertFalse(key.publicJwk().isPrivate());
    }

    @Test
    void addressesTheEndpointWhenNoIssuerIsGivenForTheAudience() throws Exception {
        ClientKey key = ClientKey.of(EC.getPrivate(), EC.getPublic(), Optional.empty(), Optional.empty());
        ClientAuthentication client = privateKeyJwt(key, Optional.empty());

        assertEquals(List.of(TOKEN.toString()), assertion(client.bodyParameters(TOKEN)).getJWTClaimsSet().getAudience());
        assertEquals(List.of(REVOKE.toString()), assertion(client.bodyParameters(REVOKE)).getJWTClaimsSet()
                .getAudience());
    }

    @Test
    void makesAFreshAssertionWithANewJtiForEveryRequest() throws Exception {
        ClientAuthentication client = privateKeyJwt(ClientKey.of(EC.getPrivate(), EC.getPublic(), Optional.empty(),
                Optional.empty()), Optional.of(ISSUER));
        Set<String> ids = new HashSet<>();
        Set<String> assertions = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            Map<String, String> params = client.bodyParameters(TOKEN);
            assertions.add(params.get("client_assertion"));
            ids.add(assertion(params).getJWTClaimsSet().getJWTID());
        }
        assertEquals(50, ids.size());
        assertEquals(50, assertions.size());
    }

    @Test
    void clientSecretJwtMacsHs256WithTheSecretAndSendsNoSecret() throws Exception {
        ClientAuthentication client = new ClientAuthentication("shop", ClientAuthMethod.CLIENT_SECRET_JWT,
                Optional.of(new ClientSecret(SECRET)), Optional.empty(), Optional.of(ISSUER), CLOCK);

        Map<String, String> params = client.bodyParameters(TOKEN);

        assertFalse(params.containsKey("client_secret"));
        assertFalse(params.values().stream().anyMatch(v -> v.contains(SECRET)));
        assertEquals(Optional.empty(), client.authorizationHeader());
        SignedJWT jwt = assertion(params);
        assertEquals(JWSAlgorithm.HS256, jwt.getHeader().getAlgorithm());
        assertNull(jwt.getHeader().getKeyID());
        assertTrue(jwt.verify(new MACVerifier(SECRET.getBytes(StandardCharsets.UTF_8))));
        assertFalse(jwt.verify(new MACVerifier("another-client-secret-of-32-bytes-!!".getBytes(StandardCharsets.UTF_8))));
        assertEquals("shop", jwt.getJWTClaimsSet().getIssuer());
        assertEquals("shop", jwt.getJWTClaimsSet().getSubject());
        assertEquals(List.of(ISSUER.toString()), jwt.getJWTClaimsSet().getAudience());
        assertEquals(Date.from(NOW.plusSeconds(60)), jwt.getJWTClaimsSet().getExpirationTime());
    }

    @Test
    void refusesAJwtMethodWithoutItsKeyOrWithAShortSecret() {
        assertEquals("private_key_jwt needs a client key", assertThrows(IllegalArgumentException.class,
                () -> new ClientAuthentication("shop", ClientAuthMethod.PRIVATE_KEY_JWT, Optional.empty())).getMessage());
        assertEquals("client_secret_jwt needs a client secret", assertThrows(IllegalArgumentException.class,
                () -> new ClientAuthentication("shop", ClientAuthMethod.CLIENT_SECRET_JWT, Optional.empty())).getMessage());
        assertEquals("client_secret_jwt needs a client secret of at least 32 bytes (HS256, RFC 7518 §3.2)",
                assertThrows(IllegalArgumentException.class, () -> new ClientAuthentication("shop",
                        ClientAuthMethod.CLIENT_SECRET_JWT, Optional.of(new ClientSecret("short")))).getMessage());
    }

    @Test
    void refusesAnAlgorithmThatDoesNotFitTheKey() {
        assertEquals("is an RSA key, which cannot sign ES256: use PS256 or RS256, or an EC P-256 key for ES256",
                assertThrows(IllegalArgumentException.class, () -> ClientKey.of(RSA.getPrivate(), RSA.getPublic(),
                        Optional.of("ES256"), Optional.empty())).getMessage());
        assertEquals("is an EC key, which cannot sign PS256: use ES256, or an RSA key for PS256",
                assertThrows(IllegalArgumentException.class, () -> ClientKey.of(EC.getPrivate(), EC.getPublic(),
                        Optional.of("PS256"), Optional.empty())).getMessage());
        assertEquals("'HS256' is not an algorithm for client assertions: use one of RS256, PS256, ES256",
                assertThrows(IllegalArgumentException.class, () -> ClientKey.of(EC.getPrivate(), EC.getPublic(),
                        Optional.of("HS256"), Optional.empty())).getMessage());
    }

    @Test
    void refusesWeakKeysOtherCurvesAndAPublicKeyOfAnotherPair() {
        KeyPair small = TestKeys.rsa(1024);
        assertEquals("is an RSA key of 1024 bits: use one of at least 2048 bits (RFC 7518 §3.3)",
                assertThrows(IllegalArgumentException.class, () -> ClientKey.of(small.getPrivate(), small.getPublic(),
                        Optional.empty(), Optional.empty())).getMessage());
        KeyPair p384 = TestKeys.ec("secp384r1");
        assertEquals("is an EC key on P-384: ES256 needs one on P-256 (RFC 7518 §3.4)",
                assertThrows(IllegalArgumentException.class, () -> ClientKey.of(p384.getPrivate(), p384.getPublic(),
                        Optional.empty(), Optional.empty())).getMessage());
        KeyPair other = TestKeys.ec("secp256r1");
        assertEquals("holds a public key (or certificate) that does not belong to its private key: give the key"
                + " pair's own certificate or public key", assertThrows(IllegalArgumentException.class,
                () -> ClientKey.of(EC.getPrivate(), other.getPublic(), Optional.empty(), Optional.empty()))
                .getMessage());
        assertEquals("holds a EC key with a RSA public key: use an RSA or EC P-256 key pair",
                assertThrows(IllegalArgumentException.class, () -> ClientKey.of(EC.getPrivate(), RSA.getPublic(),
                        Optional.empty(), Optional.empty())).getMessage());
    }

    @Test
    void neverPrintsTheKeyOrTheSecret() throws Exception {
        ClientKey rsa = ClientKey.of(RSA.getPrivate(), RSA.getPublic(), Optional.empty(), Optional.of("k1"));
        ClientKey ec = ClientKey.of(EC.getPrivate(), EC.getPublic(), Optional.empty(), Optional.of("k2"));
        // the private parts as a JWK would show them (RFC 7518 §6.3.2.1, §6.2.2.1), and as PKCS#8 Base64
        String d = new RSAKey.Builder((RSAPublicKey) RSA.getPublic())
                .privateKey((java.security.interfaces.RSAPrivateKey) RSA.getPrivate()).build().getPrivateExponent()
                .toString();
        String ecD = new ECKey.Builder(com.nimbusds.jose.jwk.Curve.P_256, (ECPublicKey) EC.getPublic())
                .privateKey((java.security.interfaces.ECPrivateKey) EC.getPrivate()).build().getD().toString();
        String pkcs8 = java.util.Base64.getEncoder().encodeToString(EC.getPrivate().getEncoded()).substring(0, 40);
        ClientAuthentication jwt = privateKeyJwt(ec, Optional.of(ISSUER));
        ClientAuthentication mac = new ClientAuthentication("shop", ClientAuthMethod.CLIENT_SECRET_JWT,
                Optional.of(new ClientSecret(SECRET)), Optional.empty(), Optional.of(ISSUER), CLOCK);

        assertEquals("ClientKey[RSA, alg=PS256, kid=k1]", rsa.toString());
        assertEquals("ClientKey[EC, alg=ES256, kid=k2]", ec.toString());
        assertEquals("ClientAuthentication[clientId=shop, method=private_key_jwt, kid=k2]", jwt.toString());
        assertEquals("ClientAuthentication[clientId=shop, method=client_secret_jwt]", mac.toString());
        for (Object holder : List.of(rsa, ec, jwt, mac, privateKeyJwt(rsa, Optional.empty()))) {
            assertFalse(holder.toString().contains(d), holder.toString());
            assertFalse(holder.toString().contains(ecD), holder.toString());
            assertFalse(holder.toString().contains(SECRET), holder.toString());
            assertFalse(holder.toString().contains(pkcs8), holder.toString());
        }
        assertNotEquals(d, ecD);
    }
}
