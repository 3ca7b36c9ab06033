package dev.pkcefilter.impl.protocol;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Objects;

/**
 * A client secret (RFC 6749 §2.3.1). Never prints itself; compares in constant time.
 *
 * @param value the secret
 */
public record ClientSecret(String value) {

    public ClientSecret {
        Objects.requireNonNull(value, "value");
        if (value.isEmpty()) {
            throw new IllegalArgumentException("a client secret may not be empty");
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ClientSecret secret && MessageDigest.isEqual(
                value.getBytes(StandardCharsets.UTF_8), secret.value.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public int hashCode() {
        return 0; // a hash of the secret would leak information about it; secrets are not map keys
    }

    @Override
    public String toString() {
        return "ClientSecret[redacted]";
    }
}
