package dev.pkcefilter.impl.protocol;

import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;

/**
 * The client's private key for {@code private_key_jwt} (RFC 7523 §2.2, OpenID Connect Core 1.0 §9), with the JWS
 * algorithm it signs with (RFC 7518 §3.1) and the {@code kid} the assertion names it by (RFC 7515 §4.1.4). An RSA key
 * of 2048 bits or more signs PS256 (the default, as FAPI 2.0 §5.4.1 asks) or RS256; an EC key on P-256 signs ES256.
 * Built with {@link #of}, which refuses a key and algorithm that do not fit and a public key that is not the private
 * key's. {@code toString()} shows the key type, algorithm and {@code kid}, never the key.
 */
public final class ClientKey {

    /** The algorithms {@code pkce.client-key-algorithm} may name. */
    public static final List<String> ALGORITHMS = List.of("RS256", "PS256", "ES256");

    /** The smallest RSA key accepted (RFC 7518 §3.3, and what Nimbus JOSE+JWT enforces). */
    static final int MIN_RSA_BITS = 2048;

    private final JWK jwk;
    private final JWSAlgorithm algorithm;

    private ClientKey(JWK jwk, JWSAlgorithm algorithm) {
        this.jwk = jwk;
        this.algorithm = algorithm;
    }

    /**
     * @param privateKey the private key, RSA or EC
     * @param publicKey its public key
     * @param algorithm RS256, PS256 or ES256; empty for PS256 with an RSA key, ES256 with an EC key
     * @param keyId the {@code kid}; empty for the public key's RFC 7638 thumbprint
     * @return the key
     * @throws IllegalArgumentException naming what does not fit, never showing the key
     */
    public static ClientKey of(PrivateKey privateKey, PublicKey publicKey, Optional<String> algorithm,
                               Optional<String> keyId) {
        Objects.requireNonNull(privateKey, "privateKey");
        Objects.requireNonNull(publicKey, "publicKey");
        Optional<String> alg = algorithm.map(a -> a.trim().toUpperCase(Locale.ROOT));
        if (alg.isPresent() && !ALGORITHMS.contains(alg.get())) {
            throw new IllegalArgumentException("'" + algorithm.get() + "' is not an algorithm for client assertions:"
                    + " use one of " + String.join(", ", ALGORITHMS));
        }
        try {
            if (privateKey instanceof RSAPrivateKey rsa && publicKey instanceof RSAPublicKey rsaPublic) {
                int bits = rsaPublic.getModulus().bitLength();
                if (bits < MIN_RSA_BITS) {
                    throw new IllegalArgumentException("is an RSA key of " + bits + " bits: use one of at least "
                            + MIN_RSA_BITS + " bits (RFC 7518 §3.3)");
                }
                JWSAlgorithm jws = JWSAlgorithm.parse(alg.orElse("PS256"));
                if (jws.equals(JWSAlgorithm.ES256)) {
                    throw new IllegalArgumentException("is an RSA key, which cannot sign ES256: use PS256 or RS256,"
                            + " or an EC P-256 key for ES256");
                }
                RSAKey key = new RSAKey.Builder(rsaPublic).privateKey(rsa).algorithm(jws).build();
                return checked(withKid(key, keyId), jws, new RSASSASigner(rsa), new RSASSAVerifier(rsaPublic));
            }
            if (privateKey instanceof ECPrivateKey ec && publicKey instanceof ECPublicKey ecPublic) {
                Curve curve = Curve.forECParameterSpec(ecPublic.getParams());
                if (!Curve.P_256.equals(curve)) {
                    throw new IllegalArgumentException("is an EC key on " + (curve == null ? "another curve"
                            : curve.getName()) + ": ES256 needs one on P-256 (RFC 7518 §3.4)");
                }
                JWSAlgorithm jws = JWSAlgorithm.parse(alg.orElse("ES256"));
                if (!jws.equals(JWSAlgorithm.ES256)) {
                    throw new IllegalArgumentException("is an EC key, which cannot sign " + jws.getName()
                            + ": use ES256, or an RSA key for " + jws.getName());
                }
                ECKey key = new ECKey.Builder(Curve.P_256, ecPublic).privateKey(ec).algorithm(jws).build();
                return checked(withKid(key, keyId), jws, new ECDSASigner(ec), new ECDSAVerifier(ecPublic));
            }
        } catch (JOSEException e) { // its message describes the key's kind, never its value
            throw new IllegalArgumentException("cannot sign: " + e.getMessage(), e);
        }
        throw new IllegalArgumentException("holds a " + privateKey.getAlgorithm() + " key with a "
                + publicKey.getAlgorithm() + " public key: use an RSA or EC P-256 key pair");
    }

    private static JWK withKid(JWK key, Optional<String> keyId) throws JOSEException {
        String kid = keyId.map(String::trim).filter(k -> !k.isEmpty()).orElse(key.computeThumbprint().toString());
        return key instanceof RSAKey rsa ? new RSAKey.Builder(rsa).keyID(kid).build()
                : new ECKey.Builder((ECKey) key).keyID(kid).build();
    }

    /** A probe signed and verified: the public key (a certificate's, a PEM block's) is the private key's. */
    private static ClientKey checked(JWK jwk, JWSAlgorithm algorithm, JWSSigner signer, JWSVerifier verifier)
            throws JOSEException {
        JWSHeader header = new JWSHeader(algorithm);
        byte[] probe = "pkce-filter key check".getBytes(StandardCharsets.US_ASCII);
        Base64URL signature = signer.sign(header, probe);
        if (!verifier.verify(header, probe, signature)) {
            throw new IllegalArgumentException("holds a public key (or certificate) that does not belong to its"
                    + " private key: give the key pair's own certificate or public key");
        }
        return new ClientKey(jwk, algorithm);
    }

    /** @return the JWS algorithm the key signs with */
    public JWSAlgorithm algorithm() {
        return algorithm;
    }

    /** @return the {@code kid} of the assertions' header */
    public String keyId() {
        return jwk.getKeyID();
    }

    /** @return the public key as a JWK, without the private part: what is registered at the server */
    public JWK publicJwk() {
        return jwk.toPublicJWK();
    }

    /** @return a signer with the private key */
    JWSSigner signer() throws JOSEException {
        return jwk instanceof RSAKey rsa ? new RSASSASigner(rsa) : new ECDSASigner((ECKey) jwk);
    }

    @Override
    public String toString() {
        return "ClientKey[" + jwk.getKeyType() + ", alg=" + algorithm.getName() + ", kid=" + keyId() + "]";
    }
}
