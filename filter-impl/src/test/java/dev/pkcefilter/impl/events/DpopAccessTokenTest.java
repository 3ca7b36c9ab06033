package dev.pkcefilter.impl.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;

import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.pkcefilter.PkceFilterException;
import dev.pkcefilter.impl.protocol.DpopKey;
import dev.pkcefilter.impl.protocol.DpopProof;
import dev.pkcefilter.impl.protocol.DpopProofs;
import dev.pkcefilter.impl.protocol.TokenResponse;
import dev.pkcefilter.impl.session.TokenSet;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import org.junit.jupiter.api.Test;

/** {@code AccessToken.headersFor} of a DPoP-bound token (RFC 9449 §7.1, §9) and of a bearer token. */
class DpopAccessTokenTest {

    private static final String TOKEN = "eyJ.secret-access-token.sig";
    private static final Jsonb JSONB = JsonbBuilder.create();
    private static final Instant NOW = Instant.parse("2030-01-01T10:00:00Z");
    private static final URI API = URI.create("https://login.example.com/realms/shop/protocol/openid-connect/userinfo?x=1");
    private static final ApiOrigins ORIGINS = new ApiOrigins(Optional.empty(),
            Optional.of(URI.create("https://login.example.com/realms/shop")), Optional::empty);

    private final DpopKey key = DpopKey.generate();
    private final DpopProofs proofs = new DpopProofs(Clock.fixed(NOW, ZoneOffset.UTC), JSONB);

    private CurrentAccessToken token(String type, DpopKey dpopKey) {
        return new CurrentAccessToken(TokenSet.from(new TokenResponse(TOKEN, type,
                Optional.of(Instant.parse("2031-01-01T00:00:00Z")), Optional.empty(), Optional.empty(),
                Optional.empty()), "openid", NOW, null, dpopKey), JSONB, ORIGINS, proofs);
    }

    private JWTClaimsSet verified(String proof) throws Exception {
        SignedJWT jwt = SignedJWT.parse(proof);
        assertEquals("dpop+jwt", jwt.getHeader().getType().getType());
        ECKey jwk = (ECKey) jwt.getHeader().getJWK();
        assertFalse(jwk.isPrivate());
        assertTrue(jwt.verify(new ECDSAVerifier(jwk)));
        assertEquals(key.thumbprint(), jwk.computeThumbprint().toString());
        return jwt.getJWTClaimsSet();
    }

    @Test
    void aDpopTokenGoesWithAProofOfItsKeyForTheMethodAndUrl() throws Exception {
        CurrentAccessToken token = token("DPoP", key);

        Map<String, String> headers = token.headersFor("GET", API);

        assertEquals("DPoP", token.type());
        assertEquals(java.util.List.of("Authorization", "DPoP"), java.util.List.copyOf(headers.keySet()));
        assertEquals("DPoP " + TOKEN, headers.get("Authorization"));
        JWTClaimsSet claims = verified(headers.get("DPoP"));
        assertEquals("GET", claims.getStringClaim("htm"));
        assertEquals("https://login.example.com/realms/shop/protocol/openid-connect/userinfo", claims.getStringClaim("htu"));
        assertEquals(DpopProof.ath(TOKEN), claims.getStringClaim("ath"));
        assertEquals(NOW, claims.getIssueTime().toInstant());
        assertNull(claims.getClaim("nonce"));
        assertEquals("DPoP " + TOKEN, token.authorizationHeader());
        assertEquals("DPoP " + TOKEN, token.authorizationHeaderFor(API));
    }

    @Test
    void eachCallHasANewProof() throws Exception {
        CurrentAccessToken token = token("DPoP", key);

        String first = verified(token.headersFor("GET", API).get("DPoP")).getJWTID();
        String second = verified(token.headersFor("GET", API).get("DPoP")).getJWTID();

        assertFalse(first.equals(second));
    }

    @Test
    void aRetryCarriesTheServersNonceAndTheNextCallsToo() throws Exception {
        CurrentAccessToken token = token("DPoP", key);

        Map<String, String> retry = token.headersFor("POST", API, "rs-nonce-1");

        assertEquals("rs-nonce-1", verified(retry.get("DPoP")).getStringClaim("nonce"));
        assertEquals("POST", verified(retry.get("DPoP")).getStringClaim("htm"));
        assertEquals("rs-nonce-1", verified(token.headersFor("GET", API).get("DPoP")).getStringClaim("nonce"),
                "remembered for the origin");
        assertEquals("rs-nonce-1", verified(token("DPoP", key).headersFor("GET", API).get("DPoP"))
                .getStringClaim("nonce"), "by the client, not the request");
    }

    @Test
    void refusesAnotherOriginBeforeMakingAProof() {
        CurrentAccessToken token = token("DPoP", key);

        PkceFilterException e = assertThrows(PkceFilterException.class,
                () -> token.headersFor("GET", URI.create("https://hooks.example.net/in")));

        assertTrue(e.getMessage().contains("https://hooks.example.net"), e.getMessage());
        assertFalse(e.getMessage().contains(TOKEN));
    }

    @Test
    void aBearerTokenOfADpopLoginGoesAsBearerWithoutProof() {
        // pkce.dpop-accept-bearer kept a Bearer answer: the key is there, the token is not bound to it
        CurrentAccessToken token = token("Bearer", key);

        assertEquals(Map.of("Authorization", "Bearer " + TOKEN), token.headersFor("GET", API));
        assertEquals(Map.of("Authorization", "Bearer " + TOKEN), token.headersFor("GET", API, "n"));
        assertEquals("Bearer", token.type());
    }

    @Test
    void aBearerTokenGoesAsBearer() {
        assertEquals(Map.of("Authorization", "Bearer " + TOKEN), token("Bearer", null).headersFor("GET", API));
    }

    @Test
    void noHeadersWithoutAToken() {
        CurrentAccessToken absent = new CurrentAccessToken(null, JSONB, ORIGINS, proofs);

        assertThrows(PkceFilterException.class, () -> absent.headersFor("GET", API));
    }

    @Test
    void neverShowsTheTokenTheKeyOrAProof() {
        CurrentAccessToken token = token("DPoP", key);
        String proof = token.headersFor("GET", API).get("DPoP");

        String shown = token + " " + proofs;
        assertFalse(shown.contains(TOKEN), shown);
        assertFalse(shown.contains(proof), shown);
        assertFalse(shown.contains(key.thumbprint()), shown);
    }
}
