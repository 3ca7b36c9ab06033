package dev.pkcefilter.it.support;

import java.text.ParseException;
import java.time.Instant;
import java.util.Map;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

/**
 * A DPoP proof as a client sent it (RFC 9449 §4.2), read for tests to assert: its JOSE header and claims, and the
 * RFC 7638 thumbprint of its {@code jwk}. Reading checks nothing; {@link DpopVerifier} does the checking.
 *
 * @param compact the proof as sent, in the {@code DPoP} header
 * @param header its JOSE header as a JSON object ({@code typ}, {@code alg}, {@code jwk})
 * @param claims its claims ({@code jti}, {@code htm}, {@code htu}, {@code iat}, {@code ath}, {@code nonce})
 * @param jkt the base64url SHA-256 thumbprint of {@code jwk} (RFC 7638 §3, RFC 9449 §6.1), {@code null} without one
 */
public record DpopProof(String compact, Map<String, Object> header, JWTClaimsSet claims, String jkt) {

    /**
     * @param compact a {@code DPoP} header's value
     * @return its header and claims
     * @throws ParseException when it is not a JWS with a JSON header and a JSON claims set
     */
    public static DpopProof parse(String compact) throws ParseException {
        int dot = compact.indexOf('.');
        if (dot < 0) {
            throw new ParseException("not a JWS", 0);
        }
        // the header as JSON, not through JWSHeader: Nimbus refuses a private jwk there, and the fake must see it
        Map<String, Object> header = JSONObjectUtils.parse(new Base64URL(compact.substring(0, dot)).decodeToString());
        JWTClaimsSet claims = JWTClaimsSet.parse(
                new Base64URL(compact.substring(dot + 1, compact.indexOf('.', dot + 1) < 0 ? compact.length()
                        : compact.indexOf('.', dot + 1))).decodeToString());
        String jkt = null;
        Object jwk = header.get("jwk");
        if (jwk instanceof Map<?, ?> map) {
            try {
                @SuppressWarnings("unchecked")
                JWK key = JWK.parse((Map<String, Object>) map);
                jkt = key.computeThumbprint().toString();
            } catch (ParseException | JOSEException e) {
                jkt = null;
            }
        }
        return new DpopProof(compact, Map.copyOf(header), claims, jkt);
    }

    /** @return the signed JWT, for its signature */
    SignedJWT signed() throws ParseException {
        return SignedJWT.parse(compact);
    }

    /** @return the header's {@code typ}, {@code null} without */
    public String typ() {
        return (String) header.get("typ");
    }

    /** @return the header's {@code alg}, {@code null} without */
    public String alg() {
        return (String) header.get("alg");
    }

    /** @return the header's {@code jwk} as JSON, {@code null} without */
    @SuppressWarnings("unchecked")
    public Map<String, Object> jwk() {
        return header.get("jwk") instanceof Map<?, ?> map ? (Map<String, Object>) map : null;
    }

    /** @return the {@code jti} claim */
    public String jti() {
        return claims.getJWTID();
    }

    /** @return the {@code htm} claim */
    public String htm() {
        return stringClaim("htm");
    }

    /** @return the {@code htu} claim */
    public String htu() {
        return stringClaim("htu");
    }

    /** @return the {@code iat} claim, {@code null} without */
    public Instant iat() {
        return claims.getIssueTime() == null ? null : claims.getIssueTime().toInstant();
    }

    /** @return the {@code ath} claim (RFC 9449 §4.2: base64url SHA-256 of the access token), {@code null} without */
    public String ath() {
        return stringClaim("ath");
    }

    /** @return the {@code nonce} claim (RFC 9449 §8, §9), {@code null} without */
    public String nonce() {
        return stringClaim("nonce");
    }

    private String stringClaim(String name) {
        Object value = claims.getClaim(name);
        return value instanceof String s ? s : null;
    }

    /** Only the claims: the proof itself is a credential for its short life. */
    @Override
    public String toString() {
        return "DpopProof" + header.keySet() + claims.getClaims().keySet();
    }
}
