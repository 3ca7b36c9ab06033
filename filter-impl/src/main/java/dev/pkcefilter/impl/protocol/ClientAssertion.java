package dev.pkcefilter.impl.protocol;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Objects;
import java.util.UUID;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

/**
 * Makes client assertions: JWTs by which the client authenticates (RFC 7523 §2.2 and §3, OpenID Connect Core 1.0
 * §9). Each is new: {@code iss} and {@code sub} the client id, {@code aud} the issuer or the endpoint, a random
 * {@code jti} the server remembers to refuse a replay, {@code iat} now and {@code exp} {@link #LIFETIME} later.
 * {@code private_key_jwt} signs with the client's key and names it by {@code kid}; {@code client_secret_jwt} signs
 * HS256 with the client secret. The signing is Nimbus JOSE+JWT's.
 */
public final class ClientAssertion {

    /** {@code client_assertion_type} (RFC 7523 §2.2). */
    public static final String TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

    /** How long an assertion is valid: one request's worth (RFC 7523 §3 item 4 asks for a short time). */
    public static final Duration LIFETIME = Duration.ofSeconds(60);

    /** The shortest secret HS256 takes: as long as its hash (RFC 7518 §3.2). */
    public static final int MIN_SECRET_BYTES = 32;

    private ClientAssertion() {
    }

    /**
     * @param clientId {@code iss} and {@code sub}
     * @param audience {@code aud}
     * @param key the private key, for {@code private_key_jwt}
     * @param now {@code iat}
     * @return the signed, compact JWT
     */
    static String signed(String clientId, URI audience, ClientKey key, Instant now) {
        Objects.requireNonNull(key, "key");
        try {
            return sign(new JWSHeader.Builder(key.algorithm()).keyID(key.keyId()).build(), key.signer(), clientId,
                    audience, now);
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign the client assertion with " + key, e);
        }
    }

    /**
     * @param clientId {@code iss} and {@code sub}
     * @param audience {@code aud}
     * @param secret the client secret, for {@code client_secret_jwt}: at least {@link #MIN_SECRET_BYTES} in UTF-8
     * @param now {@code iat}
     * @return the JWT, HS256
     */
    static String macced(String clientId, URI audience, ClientSecret secret, Instant now) {
        try {
            return sign(new JWSHeader(JWSAlgorithm.HS256),
                    new MACSigner(secret.value().getBytes(StandardCharsets.UTF_8)), clientId, audience, now);
        } catch (JOSEException e) { // a secret too short; the message tells its length in bits, not the secret
            throw new IllegalStateException("cannot sign the client assertion with the client secret: "
                    + e.getMessage(), e);
        }
    }

    private static String sign(JWSHeader header, JWSSigner signer, String clientId, URI audience, Instant now)
            throws JOSEException {
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(clientId)
                .subject(clientId)
                .audience(audience.toString())
                .jwtID(UUID.randomUUID().toString()) // 122 random bits from the JDK's SecureRandom
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(LIFETIME)))
                .build();
        SignedJWT jwt = new SignedJWT(header, claims);
        jwt.sign(signer);
        return jwt.serialize();
    }
}
