package dev.pkcefilter.impl.identity;

import java.util.Objects;

/**
 * An ID token that may not be used (OpenID Connect Core 1.0 §3.1.3.7, §12.2), a userinfo answer that may not be used
 * (§5.3.4), or the issuer's keys or userinfo that could not be had. The message says which check failed, for the log; it never holds a token or a claim of one
 * beyond the issuer and audience names.
 */
public final class IdTokenException extends Exception {

    private static final long serialVersionUID = 1L;

    /** Why the ID token is not used. */
    public enum Failure {
        /** A check failed: the token is forged, replayed, for another client or expired. */
        INVALID,
        /** The issuer's keys, or its userinfo, could not be fetched now: trying again later may succeed. */
        UNAVAILABLE
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
