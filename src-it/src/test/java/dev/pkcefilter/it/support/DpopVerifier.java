package dev.pkcefilter.it.support;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.SignedJWT;

/**
 * The fake's check of a DPoP proof (RFC 9449 §4.3), with Nimbus JOSE+JWT: one {@code DPoP} header, a JWS with
 * {@code typ: dpop+jwt}, an asymmetric {@code alg}, a public {@code jwk} that verifies the signature, {@code jti},
 * {@code htm} equal to the request's method, {@code htu} equal to the request's URI (and without query or fragment,
 * as §4.2 tells the client), {@code iat} within {@link #PAST} before and {@link #AHEAD} after now, {@code ath} when an
 * access token is presented (§4.3 item 12), the key bound to the token (§7.1), the server's nonce when it asks for
 * one (§8, §9), and a {@code jti} not seen before at the same {@code htu} while the proof could still pass (§11.1;
 * Keycloak keys its replay cache on {@code jti} and {@code htu} alike). Instance state only: one per fake.
 */
final class DpopVerifier {

    /** The algorithms it takes: asymmetric ones Nimbus verifies without extra libraries (RFC 9449 §4.3 item 5). */
    static final List<JWSAlgorithm> ALGORITHMS = List.of(JWSAlgorithm.ES256, JWSAlgorithm.ES384,
            JWSAlgorithm.ES512, JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512, JWSAlgorithm.PS256,
            JWSAlgorithm.PS384, JWSAlgorithm.PS512);

    /** How old a proof's {@code iat} may be (Keycloak: 25 s; more here, for a slow test machine). */
    static final Duration PAST = Duration.ofSeconds(60);
    /** How far ahead a proof's {@code iat} may be (Keycloak: 15 s). */
    static final Duration AHEAD = Duration.ofSeconds(15);

    /** JWK members that only a private or symmetric key has (RFC 7518 §6.2.2, §6.3.2, §6.4; RFC 8037 §2). */
    private static final Set<String> PRIVATE_MEMBERS = Set.of("d", "p", "q", "dp", "dq", "qi", "oth", "k");

    /** {@code htu + "\n" + jti} of every proof accepted, until it could no longer pass the {@code iat} check. */
    private final Map<String, Instant> seen = new ConcurrentHashMap<>();

    /** What a check came to: accepted (with the key's thumbprint), refused, or refused for want of the nonce. */
    record Outcome(String jkt, String problem, boolean needsNonce) {
        static Outcome refused(String problem) {
            return new Outcome(null, problem, false);
        }

        boolean accepted() {
            return problem == null;
        }
    }

    /**
     * @param values the request's {@code DPoP} header values
     * @param method the request's method
     * @param target the request's URI, scheme, host, port and path (query ignored)
     * @param accessToken the access token presented with the proof, or {@code null} (then {@code ath} is not needed)
     * @param boundJkt the thumbprint the token or code is bound to, or {@code null}
     * @param nonce the nonce the server wants in the proof, or {@code null}
     * @return the outcome; a proof accepted is remembered, and the same {@code jti} at the same {@code htu} refused
     */
    Outcome check(List<String> values, String method, URI target, String accessToken, String boundJkt,
            String nonce) {
        if (values == null || values.isEmpty()) {
            return Outcome.refused("DPoP proof is missing");
        }
        if (values.size() > 1 || values.get(0).contains(",")) {
            return Outcome.refused("more than one DPoP header"); // §4.3 item 1
        }
        DpopProof proof;
        SignedJWT jwt;
        try {
            proof = DpopProof.parse(values.get(0));
            Map<String, Object> jwk = proof.jwk();
            if (!"dpop+jwt".equals(proof.typ())) {
                return Outcome.refused("typ is not dpop+jwt"); // item 4
            }
            if (proof.alg() == null || !ALGORITHMS.contains(JWSAlgorithm.parse(proof.alg()))) {
                return Outcome.refused("alg " + proof.alg() + " is not an asymmetric algorithm"); // item 5
            }
            if (jwk == null) {
                return Outcome.refused("no jwk");
            }
            if (jwk.keySet().stream().anyMatch(PRIVATE_MEMBERS::contains)) {
                return Outcome.refused("jwk is not a public key"); // item 7
            }
            jwt = proof.signed();
        } catch (ParseException | RuntimeException e) {
            return Outcome.refused("not a JWS");
        }
        try {
            JWK key = JWK.parse(proof.jwk());
            JWSVerifier verifier = key instanceof ECKey ec ? new ECDSAVerifier(ec)
                    : key instanceof RSAKey rsa ? new RSASSAVerifier(rsa) : null;
            if (verifier == null || !verifier.supportedJWSAlgorithms().contains(jwt.getHeader().getAlgorithm())
                    || !jwt.verify(verifier)) {
                return Outcome.refused("signature does not verify with the jwk"); // item 6
            }
        } catch (ParseException | JOSEException e) {
            return Outcome.refused("signature does not verify with the jwk");
        }
        if (proof.jti() == null || proof.htm() == null || proof.htu() == null || proof.iat() == null) {
            return Outcome.refused("DPoP mandatory claims are missing"); // item 3
        }
        if (!method.equals(proof.htm())) {
            return Outcome.refused("htm is not " + method); // item 8
        }
        String htuProblem = htuProblem(proof.htu(), target);
        if (htuProblem != null) {
            return Outcome.refused(htuProblem); // item 9
        }
        Instant now = Instant.now();
        if (proof.iat().isBefore(now.minus(PAST))) {
            return Outcome.refused("iat is too old"); // item 11
        }
        if (proof.iat().isAfter(now.plus(AHEAD))) {
            return Outcome.refused("iat is in the future");
        }
        if (accessToken != null) {
            if (proof.ath() == null) {
                return Outcome.refused("no ath"); // item 12
            }
            if (!ath(accessToken).equals(proof.ath())) {
                return Outcome.refused("ath is not the access token's hash");
            }
        }
        if (boundJkt != null && !boundJkt.equals(proof.jkt())) {
            return Outcome.refused("the proof's key is not the bound one (jkt)"); // §7.1, item 13
        }
        if (nonce != null && !nonce.equals(proof.nonce())) {
            return new Outcome(null, proof.nonce() == null ? "no nonce" : "nonce is not the current one", true);
        }
        seen.values().removeIf(until -> until.isBefore(now)); // bounded by the requests of one iat window
        if (seen.putIfAbsent(proof.htu() + "\n" + proof.jti(), proof.iat().plus(PAST).plus(AHEAD)) != null) {
            return Outcome.refused("jti already used"); // §11.1
        }
        return new Outcome(proof.jkt(), null, false);
    }

    /** @return why {@code htu} is not the request's URI (RFC 9449 §4.3 item 9: scheme and host in any case), or null */
    private static String htuProblem(String htu, URI target) {
        URI claimed;
        try {
            claimed = new URI(htu);
        } catch (URISyntaxException e) {
            return "htu is not a URI";
        }
        if (claimed.getRawQuery() != null || claimed.getRawFragment() != null) {
            return "htu has a query or fragment"; // §4.2: "without query and fragment parts"
        }
        boolean same = claimed.getScheme() != null && claimed.getScheme().equalsIgnoreCase(target.getScheme())
                && claimed.getHost() != null && claimed.getHost().equalsIgnoreCase(target.getHost())
                && port(claimed) == port(target)
                && pathOf(claimed).equals(pathOf(target));
        return same ? null : "htu is not " + target.getScheme() + "://" + target.getRawAuthority() + pathOf(target);
    }

    private static int port(URI uri) {
        return uri.getPort() >= 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

    private static String pathOf(URI uri) {
        return uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    }

    /** @return {@code ath} of an access token: base64url SHA-256 of its ASCII octets (RFC 9449 §4.2) */
    static String ath(String accessToken) {
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(
                    MessageDigest.getInstance("SHA-256").digest(accessToken.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
