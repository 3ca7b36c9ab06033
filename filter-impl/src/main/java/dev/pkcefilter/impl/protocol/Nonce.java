package dev.pkcefilter.impl.protocol;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Objects;

/**
 * The {@code nonce} of one OpenID Connect authentication request (OpenID Connect Core 1.0 §3.1.2.1, §15.5.2): 256
 * random bits, kept with the pending login and compared with the ID token's {@code nonce} claim, which binds the ID
 * token to this login and this browser (a replayed or injected ID token has another one). Compares in constant
 * time and never prints itself.
 *
 * @param value the nonce as sent to the authorization server
 */
public record Nonce(String value) implements Serializable {

    private static final int RANDOM_BYTES = 32;

    public Nonce {
        Objects.requireNonNull(value, "value");
    }

    /**
     * @param random a cryptographically strong source
     * @return a new nonce
     */
    public static Nonce generate(SecureRandom random) {
        return new Nonce(Randoms.base64Url(random, RANDOM_BYTES));
    }

    /**
     * @param candidate the ID token's {@code nonce} claim
     * @return whether it is this nonce, compared in constant time
     */
    public boolean matches(String candidate) {
        return candidate != null && MessageDigest.isEqual(value.getBytes(StandardCharsets.UTF_8),
                candidate.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "Nonce[redacted]";
    }
}
