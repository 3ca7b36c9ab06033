package dev.pkcefilter.impl.protocol;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An OAuth error, from the callback (RFC 6749 §4.1.2.1) or the token endpoint (RFC 6749 §5.2).
 *
 * @param error the error code
 * @param description the human-readable description; text from a remote party, escape it before display
 */
public record OAuthError(String error, Optional<String> description) {

    public OAuthError {
        Objects.requireNonNull(error, "error");
        Objects.requireNonNull(description, "description");
    }

    /** @return the error in a JSON object, if it has a string {@code error} member */
    static Optional<OAuthError> from(Map<String, Object> json) {
        if (json.get("error") instanceof String error && !error.isBlank()) {
            Object description = json.get("error_description");
            return Optional.of(new OAuthError(error, description instanceof String d && !d.isBlank()
                    ? Optional.of(d) : Optional.empty()));
        }
        return Optional.empty();
    }
}
