package dev.pkcefilter.impl.protocol;

import java.io.IOException;
import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.Serial;
import java.io.Serializable;
import java.util.Arrays;
import java.util.Objects;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.util.Base64URL;

/**
 * The key pair of one login's DPoP proofs (RFC 9449 §4, §4.2): ES256, an EC key on P-256 (RFC 7518 §3.4), made by
 * Nimbus JOSE+JWT with the JDK's {@code SecureRandom} when the login starts, kept in the pending login and then with
 * the tokens, so that every proof of the session, the refreshes' and the API calls', is signed by the key the
 * access token is bound to ({@code cnf.jkt}, RFC 9449 §6).
 *
 * <p>Its serialized form, part of the session a cluster replicates, is {@link #ENCODED_LENGTH} bytes: the private
 * scalar {@code d} and the public point's {@code x} and {@code y}, 32 bytes each, unsigned big-endian (RFC 7518
 * §6.2.1.2, §6.2.2.1). Reading it checks the length and that the point lies on the curve. It is a private key: the
 * session store holds it as it holds the tokens.
 *
 * <p>{@code toString()} says what kind of key it is, never the key (nor its thumbprint).
 */
public final class DpopKey implements Serializable {

    @Serial
    private static final long serialVersionUID = 1L;

    /** The bytes of one coordinate or scalar of P-256. */
    private static final int PART = 32;

    /** The length of {@link #toBytes()}: {@code d}, {@code x}, {@code y}. */
    public static final int ENCODED_LENGTH = 3 * PART;

    /** {@code d || x || y}; never changed, never handed out (copies are). */
    private final byte[] encoded;
    /** The key as Nimbus holds it; made again after deserialization. */
    private transient ECKey jwk;
    /** The public JWK's JSON members (RFC 7517 §4), for the proofs' header, made once. */
    private transient ECKey publicJwk;
    /** A signer with the private key; Nimbus's ECDSA signer takes a new JCA {@code Signature} per signature. */
    private transient JWSSigner signer;

    private DpopKey(ECKey jwk, byte[] encoded) {
        this.jwk = jwk;
        this.encoded = encoded;
    }

    /**
     * A new key pair (RFC 9449 §2: one the client makes; here one per login).
     *
     * @return the key
     */
    public static DpopKey generate() {
        try {
            ECKey key = new ECKeyGenerator(Curve.P_256).generate();
            byte[] bytes = new byte[ENCODED_LENGTH];
            put(bytes, 0, key.getD());
            put(bytes, PART, key.getX());
            put(bytes, 2 * PART, key.getY());
            return new DpopKey(key, bytes);
        } catch (JOSEException e) { // no EC provider in this JDK: a broken runtime, not an input
            throw new IllegalStateException("cannot make a DPoP key pair (EC P-256): " + e.getMessage(), e);
        }
    }

    /**
     * The key of its {@link #toBytes()} form.
     *
     * @param bytes {@code d || x || y}
     * @return the key
     * @throws IllegalArgumentException when the bytes are not an EC P-256 key pair (the message shows none of them)
     */
    public static DpopKey fromBytes(byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        byte[] copy = bytes.clone();
        return new DpopKey(decode(copy), copy);
    }

    private static ECKey decode(byte[] bytes) {
        if (bytes.length != ENCODED_LENGTH) {
            throw new IllegalArgumentException("a DPoP key has " + ENCODED_LENGTH + " bytes, not " + bytes.length);
        }
        try { // Nimbus checks that (x, y) lies on P-256
            return new ECKey.Builder(Curve.P_256, part(bytes, PART), part(bytes, 2 * PART))
                    .d(part(bytes, 0)).build();
        } catch (IllegalStateException | IllegalArgumentException e) {
            throw new IllegalArgumentException("the bytes are not an EC P-256 key pair");
        }
    }

    private static Base64URL part(byte[] bytes, int offset) {
        return Base64URL.encode(Arrays.copyOfRange(bytes, offset, offset + PART));
    }

    /** Writes a coordinate or scalar as exactly {@link #PART} bytes, unsigned big-endian. */
    private static void put(byte[] target, int offset, Base64URL value) {
        byte[] raw = value.decode();
        int start = 0;
        while (raw.length - start > PART && raw[start] == 0) {
            start++;
        }
        int length = raw.length - start;
        if (length > PART) {
            throw new IllegalStateException("a P-256 value longer than " + PART + " bytes");
        }
        System.arraycopy(raw, start, target, offset + PART - length, length);
    }

    /** @return {@code d || x || y}, a copy: what the session keeps */
    public byte[] toBytes() {
        return encoded.clone();
    }

    /** @return the public key as a JWK, no private member: the proofs' {@code jwk} header (RFC 9449 §4.2) */
    public ECKey publicJwk() {
        ECKey known = publicJwk;
        if (known == null) {
            known = jwk.toPublicJWK();
            publicJwk = known; // a benign race: equal values
        }
        return known;
    }

    /**
     * @return the public key's JWK SHA-256 thumbprint (RFC 7638), base64url: the {@code jkt} a bound token's
     *         {@code cnf} names (RFC 9449 §6.1)
     */
    public String thumbprint() {
        try {
            return publicJwk().computeThumbprint().toString();
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot compute the DPoP key's thumbprint", e);
        }
    }

    /** @return a signer with the private key, made once per instance */
    JWSSigner signer() {
        JWSSigner known = signer;
        if (known == null) {
            try {
                known = new ECDSASigner(jwk);
            } catch (JOSEException e) {
                throw new IllegalStateException("cannot sign with the DPoP key", e);
            }
            signer = known; // a benign race: equivalent signers
        }
        return known;
    }

    @Serial
    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        if (encoded == null) {
            throw new InvalidObjectException("a DPoP key without its bytes");
        }
        try {
            jwk = decode(encoded);
        } catch (IllegalArgumentException e) {
            throw new InvalidObjectException(e.getMessage());
        }
    }

    /** Two keys are equal when their bytes are; compared in constant time. */
    @Override
    public boolean equals(Object other) {
        return other instanceof DpopKey key && java.security.MessageDigest.isEqual(encoded, key.encoded);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(Arrays.copyOfRange(encoded, PART, 2 * PART)); // the public x only
    }

    @Override
    public String toString() {
        return "DpopKey[EC P-256, ES256]";
    }
}
