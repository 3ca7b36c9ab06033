package dev.pkcefilter.impl.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.net.URI;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

/** DPoP proofs (RFC 9449 §4.2) and their key, checked as a server checks them (§4.3), with Nimbus JOSE+JWT. */
class DpopProofTest {

    private static final Instant NOW = Instant.parse("2030-01-01T10:00:00Z");
    private static final URI TOKEN_ENDPOINT = URI.create("https://login.example.com:8443/realms/shop/protocol/openid-connect/token");
    /** RFC 9449 §4.2's example token and its {@code ath}, from the RFC's Figure 8 / §7.1 example. */
    private static final String RFC_ACCESS_TOKEN = "Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxU";
    private static final String RFC_ATH = "fUHyO2r2Z3DZ53EsNrWBb0xWXoaNy59IiKCAqksmQEo";

    private final DpopKey key = DpopKey.generate();

    private static SignedJWT parse(String proof) throws Exception {
        return SignedJWT.parse(proof);
    }

    @Test
    void signsAProofTheServerVerifiesWithTheHeadersKey() throws Exception {
        SignedJWT jwt = parse(DpopProof.create(key, "POST", TOKEN_ENDPOINT, NOW, Optional.empty(), Optional.empty()));

        assertEquals("dpop+jwt", jwt.getHeader().getType().getType());
        assertEquals(JWSAlgorithm.ES256, jwt.getHeader().getAlgorithm());
        ECKey jwk = (ECKey) jwt.getHeader().getJWK();
        assertFalse(jwk.isPrivate(), "the header's jwk has no private member");
        assertNull(jwk.getD());
        assertEquals(Curve.P_256, jwk.getCurve());
        assertTrue(jwt.verify(new ECDSAVerifier(jwk)));
        assertEquals(key.thumbprint(), jwk.computeThumbprint().toString());
        assertFalse(jwt.getHeader().toJSONObject().containsKey("kid"));
    }

    @Test
    void claimsTheMethodTheUrlTheTimeAndAFreshId() throws Exception {
        JWTClaimsSet claims = parse(DpopProof.create(key, "POST", URI.create(TOKEN_ENDPOINT + "?a=1#f"), NOW,
                Optional.empty(), Optional.empty())).getJWTClaimsSet();

        assertEquals("POST", claims.getStringClaim("htm"));
        assertEquals(TOKEN_ENDPOINT.toString(), claims.getStringClaim("htu"));
        assertEquals(Date.from(NOW), claims.getIssueTime());
        assertTrue(claims.getJWTID().length() >= 32, claims.getJWTID());
        assertNull(claims.getClaim("ath"));
        assertNull(claims.getClaim("nonce"));
        assertNull(claims.getExpirationTime());
        assertEquals(java.util.Set.of("jti", "htm", "htu", "iat"), claims.getClaims().keySet());
    }

    @Test
    void eachProofHasItsOwnId() throws Exception {
        String first = parse(DpopProof.create(key, "GET", TOKEN_ENDPOINT, NOW, Optional.empty(), Optional.empty()))
                .getJWTClaimsSet().getJWTID();
        String second = parse(DpopProof.create(key, "GET", TOKEN_ENDPOINT, NOW, Optional.empty(), Optional.empty()))
                .getJWTClaimsSet().getJWTID();

        assertNotEquals(first, second);
    }

    @Test
    void hashesThePresentedAccessTokenAsTheRfcExampleDoes() throws Exception {
        assertEquals(RFC_ATH, DpopProof.ath(RFC_ACCESS_TOKEN));

        JWTClaimsSet claims = parse(DpopProof.create(key, "GET", URI.create("https://resource.example.org/protectedresource"),
                NOW, Optional.of(RFC_ACCESS_TOKEN), Optional.of("eyJ7S_zG.eyJH0-Z.HX4w-7v"))).getJWTClaimsSet();

        assertEquals(RFC_ATH, claims.getStringClaim("ath"));
        assertEquals("eyJ7S_zG.eyJH0-Z.HX4w-7v", claims.getStringClaim("nonce"));
        assertEquals("https://resource.example.org/protectedresource", claims.getStringClaim("htu"));
    }

    @ParameterizedTest
    @CsvSource({
            "https://api.example.com/orders?page=2, https://api.example.com/orders",
            "https://api.example.com, https://api.example.com/",
            "https://user:pw@api.example.com:8443/a%20b/c?x#y, https://api.example.com:8443/a%20b/c",
            "http://127.0.0.1:8180/realms/x/protocol/openid-connect/userinfo, http://127.0.0.1:8180/realms/x/protocol/openid-connect/userinfo"})
    void theUrlClaimHasNoQueryFragmentOrUserInfo(String target, String htu) {
        assertEquals(htu, DpopProof.htu(URI.create(target)));
    }

    @Test
    void refusesARelativeUrl() {
        assertThrows(IllegalArgumentException.class, () -> DpopProof.htu(URI.create("/orders")));
    }

    @Test
    void theKeyRoundTripsThroughItsBytes() throws Exception {
        byte[] bytes = key.toBytes();
        DpopKey again = DpopKey.fromBytes(bytes);

        assertEquals(DpopKey.ENCODED_LENGTH, bytes.length);
        assertEquals(key, again);
        assertEquals(key.thumbprint(), again.thumbprint());
        // a proof of the key read again verifies with the first key's public key
        SignedJWT jwt = parse(DpopProof.create(again, "POST", TOKEN_ENDPOINT, NOW, Optional.empty(), Optional.empty()));
        assertTrue(jwt.verify(new ECDSAVerifier(key.publicJwk())));
    }

    @Test
    void theKeyRoundTripsThroughJavaSerialization() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ObjectOutputStream objects = new ObjectOutputStream(out)) {
            objects.writeObject(key);
        }
        DpopKey again;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(out.toByteArray()))) {
            again = (DpopKey) in.readObject();
        }

        assertEquals(key, again);
        assertTrue(parse(DpopProof.create(again, "GET", TOKEN_ENDPOINT, NOW, Optional.empty(), Optional.empty()))
                .verify(new ECDSAVerifier(key.publicJwk())));
        assertTrue(out.size() < 300, out.size() + " bytes");
    }

    @Test
    void refusesBytesOfAnotherLength() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DpopKey.fromBytes(new byte[95]));
        assertEquals("a DPoP key has 96 bytes, not 95", e.getMessage());
    }

    @Test
    void refusesAPointThatIsNotOnTheCurve() {
        byte[] bytes = key.toBytes();
        bytes[DpopKey.ENCODED_LENGTH - 1] ^= 1; // y changed

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DpopKey.fromBytes(bytes));
        assertEquals("the bytes are not an EC P-256 key pair", e.getMessage());
    }

    @Test
    void refusesASerializedKeyWhosePointIsNotOnTheCurve() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ObjectOutputStream objects = new ObjectOutputStream(out)) {
            objects.writeObject(key);
        }
        byte[] stream = out.toByteArray();
        stream[stream.length - 1] ^= 1; // the array is last: y's last byte

        assertThrows(InvalidObjectException.class, () -> {
            try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(stream))) {
                in.readObject();
            }
        });
    }

    @Test
    void neverPrintsTheKey() throws Exception {
        String shown = key.toString();
        String d = Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(key.toBytes(), 32));

        assertEquals("DpopKey[EC P-256, ES256]", shown);
        assertFalse(shown.contains(d));
        assertFalse(shown.contains(key.thumbprint()));
    }

    @Test
    void theBytesCopyIsTheCallers() {
        byte[] bytes = key.toBytes();
        bytes[0] ^= 1;
        assertArrayEquals(key.toBytes(), DpopKey.fromBytes(key.toBytes()).toBytes());
        assertNotEquals(bytes[0], key.toBytes()[0]);
    }
}
