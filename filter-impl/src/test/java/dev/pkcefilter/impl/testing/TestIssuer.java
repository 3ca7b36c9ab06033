package dev.pkcefilter.impl.testing;

import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.UUID;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

/**
 * An issuer's signing key for unit tests: signs ID tokens RS256 and publishes its public JWK set. Generating an
 * RSA key takes a moment, so tests share {@link #SHARED}.
 */
public final class TestIssuer {

    public static final TestIssuer SHARED = new TestIssuer();

    private final RSAKey key;

    public TestIssuer() {
        try {
            key = new RSAKeyGenerator(2048).keyID(UUID.randomUUID().toString()).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** @return the key, private part included */
    public RSAKey key() {
        return key;
    }

    /** @return the public JWK set, as a {@code jwks_uri} serves it (RFC 7517 §5) */
    public String jwks() {
        return new JWKSet(key.toPublicJWK()).toString();
    }

    /**
     * An ID token valid for five minutes.
     *
     * @param extra further claims, or ones that replace the defaults
     */
    public String idToken(String issuer, String audience, String subject, Map<String, Object> extra) {
        Instant now = Instant.now();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().issuer(issuer).audience(audience).subject(subject)
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(300)));
        extra.forEach(claims::claim);
        return sign(claims.build());
    }

    /** @return the claims signed RS256 with this key, its {@code kid} in the header */
    public String sign(JWTClaimsSet claims) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(),
                    claims);
            jwt.sign(new RSASSASigner(key));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }
}
