package dev.pkcefilter.impl.protocol;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;

/**
 * A PKCE code verifier and its S256 challenge (RFC 7636 §4.1, §4.2). Only S256 is offered: {@code plain} is
 * never sent (RFC 9700 §2.1.1). Never prints itself; compares in constant time.
 *
 * @param value 43 to 128 characters of {@code [A-Z] / [a-z] / [0-9] / "-" / "." / "_" / "~"}
 */
public record CodeVerifier(String value) implements Serializable {

    /** The challenge method pkce-filter always uses. */
    public static final String METHOD = "S256";

    private static final int MIN_LENGTH = 43;
    private static final int MAX_LENGTH = 128;
    private static final int RANDOM_BYTES = 32; // RFC 7636 §7.1: 256 bits of entropy, 43 base64url characters

    public CodeVerifier {
        Objects.requireNonNull(value, "value");
        if (value.length() < MIN_LENGTH || value.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("a code verifier has 43 to 128 characters (RFC 7636 §4.1), this one "
                    + value.length());
        }
        for (int i = 0; i < value.length(); i++) {
            if (!isUnreserved(value.charAt(i))) {
                throw new IllegalArgumentException("a code verifier may only hold unreserved characters"
                        + " A-Z a-z 0-9 - . _ ~ (RFC 7636 §4.1)");
            }
        }
    }

    /**
     * A new verifier of 256 random bits.
     *
     * @param random a cryptographically strong source
     * @return the verifier
     */
    public static CodeVerifier generate(SecureRandom random) {
        return new CodeVerifier(Randoms.base64Url(random, RANDOM_BYTES));
    }

    /**
     * The S256 challenge: {@code BASE64URL(SHA256(ASCII(code_verifier)))} (RFC 7636 §4.2).
     *
     * @return the challenge, 43 characters
     */
    public String challenge() {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    private static boolean isUnreserved(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                || c == '-' || c == '.' || c == '_' || c == '~';
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof CodeVerifier verifier && MessageDigest.isEqual(
                value.getBytes(StandardCharsets.US_ASCII), verifier.value.getBytes(StandardCharsets.US_ASCII));
    }

    @Override
    public int hashCode() {
        return 0; // never used as a key; a hash would leak information about the secret
    }

    @Override
    public String toString() {
        return "CodeVerifier[redacted]";
    }
}
