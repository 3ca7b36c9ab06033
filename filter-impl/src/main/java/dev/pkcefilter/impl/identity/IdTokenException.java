package dev.pkcefilter.impl.identity;

import java.util.Objects;

/**
 * An ID token that may not be used (OpenID Connect Core 1.0 §3.1.3.7, §12.2), or the issuer's keys that could not
 * be had to check it. The message says which check failed, for the log; it never holds a token or a claim of one
 * beyond the issuer and audience names.
 */
public final class IdTokenException extends Exception {

    private static final long serialVersionUID = 1L;

    /** Why the ID token is not used. */
    public enum Failure {
        /** A check failed: the token is forged, replayed, for another client or expired. */
        INVALID,
        /** The issuer's keys could not be fetched now: trying again later may succeed. */
        KEYS_UNAVAILABLE
    }

    private final Failure failure;

    IdTokenException(Failure failure, String message) {
        this(failure, message, null);
    }

    IdTokenException(Failure failure, String message, Throwable cause) {
        super(message, cause);
        this.failure = Objects.requireNonNull(failure, "failure");
    }

    /** @return why the token is not used */
    public Failure failure() {
        return failure;
    }
}
