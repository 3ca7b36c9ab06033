package dev.pkcefilter.impl.protocol;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Objects;

/**
 * The {@code state} of one authorization request (RFC 6749 §10.12, RFC 9700 §4.7.1): 256 random bits, bound to the
 * session that started the login, used once. Compares in constant time and never prints itself.
 *
 * @param value the state string as sent to the authorization server
 */
public record State(String value) implements Serializable {

    private static final int RANDOM_BYTES = 32;

    public State {
        Objects.requireNonNull(value, "value");
    }

    /**
     * @param random a cryptographically strong source
     * @return a new state
     */
    public static State generate(SecureRandom random) {
        return new State(Randoms.base64Url(random, RANDOM_BYTES));
    }

    /**
     * Whether {@code candidate}, as it came back on the callback, is this state.
     *
     * @param candidate the callback's {@code state} parameter
     * @return whether they are equal, compared in constant time
     */
    public boolean matches(String candidate) {
        return candidate != null && MessageDigest.isEqual(value.getBytes(StandardCharsets.UTF_8),
                candidate.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof State state && matches(state.value);
    }

    @Override
    public int hashCode() {
        return 0;
    }

    @Override
    public String toString() {
        return "State[redacted]";
    }
}
