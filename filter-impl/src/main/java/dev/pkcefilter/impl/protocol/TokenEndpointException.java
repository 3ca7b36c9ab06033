package dev.pkcefilter.impl.protocol;

import java.util.Optional;

import dev.pkcefilter.PkceFilterException;

/** A token request that did not give tokens; {@link #failure()} says why, the message holds no secret. */
public class TokenEndpointException extends PkceFilterException {

    private static final long serialVersionUID = 1L;

    /** Why a token request failed. */
    public enum Failure {
        /** The server answered with an OAuth error (RFC 6749 §5.2), such as {@code invalid_grant}. */
        REFUSED,
        /** The server answered an HTTP error without an OAuth error. */
        SERVER_ERROR,
        /** The server answered 200 with a body that is not a token response. */
        INVALID_RESPONSE,
        /** No answer within {@code pkce.http-timeout}. */
        TIMEOUT,
        /** The server could not be reached. */
        UNREACHABLE
    }

    private final Failure failure;

    TokenEndpointException(Failure failure, String message, Optional<OAuthError> error, Throwable cause) {
        super(message, error.map(OAuthError::error).orElse(null),
                error.flatMap(OAuthError::description).orElse(null), cause);
        this.failure = failure;
    }

    /** @return why the request failed */
    public Failure failure() {
        return failure;
    }
}
