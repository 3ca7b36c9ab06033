package dev.pkcefilter.impl.protocol;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Date;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

/**
 * Makes DPoP proofs (RFC 9449 §4.2): JWTs signed with the login's {@link DpopKey}, one per HTTP request, that show
 * the server the request comes from the holder of the key the tokens are bound to.
 * <ul>
 *   <li>header: {@code typ} {@value #TYPE}, {@code alg} ES256, {@code jwk} the public key (no private member);</li>
 *   <li>claims: {@code jti} a new random value (122 bits, a UUID: the server refuses a proof it saw before, §11.1),
 *       {@code htm} the request's method, {@code htu} its URL without query and fragment, {@code iat} now;</li>
 *   <li>{@code ath}, when an access token is presented with the request (§7): base64url of its SHA-256;</li>
 *   <li>{@code nonce}, when the server gave one with {@code DPoP-Nonce} (§8, §9).</li>
 * </ul>
 * The signing is Nimbus JOSE+JWT's. A proof is a credential for a few seconds: it never goes to a log.
 */
public final class DpopProof {

    /** The proof's {@code typ} header (RFC 9449 §4.2). */
    public static final String TYPE = "dpop+jwt";

    /** The request header that carries a proof (RFC 9449 §4.1). */
    public static final String HEADER = "DPoP";

    private static final JOSEObjectType JOSE_TYPE = new JOSEObjectType(TYPE);

    private DpopProof() {
    }

    /**
     * @param key the login's key
     * @param method the HTTP method, {@code htm}, as sent (RFC 9110 §9: case-sensitive)
     * @param target the request's URL; {@code htu} is it without query and fragment
     * @param now {@code iat}
     * @param accessToken the access token the request presents, for {@code ath}; empty for none
     * @param nonce the server's {@code DPoP-Nonce}, for {@code nonce}; empty for none
     * @return the signed, compact JWT, for the {@code DPoP} header
     */
    public static String create(DpopKey key, String method, URI target, Instant now, Optional<String> accessToken,
                                Optional<String> nonce) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(target, "target");
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .jwtID(UUID.randomUUID().toString()) // 122 random bits from the JDK's SecureRandom
                .claim("htm", method)
                .claim("htu", htu(target))
                .issueTime(Date.from(now));
        accessToken.ifPresent(token -> claims.claim("ath", ath(token)));
        nonce.ifPresent(n -> claims.claim("nonce", n));
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).type(JOSE_TYPE)
                .jwk(key.publicJwk()).build(), claims.build());
        try {
            jwt.sign(key.signer());
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign the DPoP proof with " + key, e);
        }
        return jwt.serialize();
    }

    /**
     * {@code htu} (RFC 9449 §4.2): the URL without query and fragment, its scheme, host, port and path as given (the
     * server compares them, §4.3 item 9), an empty path as {@code /}, as it goes on the wire; never user-info.
     *
     * @param target an absolute URL
     * @return the {@code htu} value
     */
    public static String htu(URI target) {
        if (!target.isAbsolute() || target.getHost() == null) {
            throw new IllegalArgumentException("a DPoP proof is for an absolute URL with a host");
        }
        String path = target.getRawPath() == null || target.getRawPath().isEmpty() ? "/" : target.getRawPath();
        return target.getScheme() + "://" + target.getHost() + (target.getPort() < 0 ? "" : ":" + target.getPort())
                + path;
    }

    /**
     * {@code ath} (RFC 9449 §4.2): the base64url (no padding) SHA-256 of the access token's ASCII bytes.
     *
     * @param accessToken the access token
     * @return the hash
     */
    public static String ath(String accessToken) {
        try {
            return Base64URL.encode(MessageDigest.getInstance("SHA-256")
                    .digest(accessToken.getBytes(StandardCharsets.US_ASCII))).toString();
        } catch (NoSuchAlgorithmException e) { // every JDK has SHA-256
            throw new IllegalStateException(e);
        }
    }
}
