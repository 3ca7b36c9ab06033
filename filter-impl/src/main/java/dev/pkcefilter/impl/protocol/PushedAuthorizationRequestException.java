package dev.pkcefilter.impl.protocol;

import java.util.Optional;
import java.util.OptionalInt;

import dev.pkcefilter.PkceFilterException;

/**
 * A pushed authorization request (RFC 9126 §2) that gave no {@code request_uri}; the message holds no secret and
 * no request body. {@link #failure()} says why (as a token request's does: {@link TokenEndpointException.Failure}),
 * {@link #status()} is the HTTP status when the server answered, {@link #error()} the OAuth {@code error} code
 * when it sent one (RFC 9126 §2.3).
 */
public class PushedAuthorizationRequestException extends PkceFilterException {

    private static final long serialVersionUID = 1L;

    private final TokenEndpointException.Failure failure;
    private final int status;

    PushedAuthorizationRequestException(TokenEndpointException.Failure failure, String message, OptionalInt status,
                                        Optional<OAuthError> error, Throwable cause) {
        super(message, error.map(OAuthError::error).orElse(null),
                error.flatMap(OAuthError::description).orElse(null), cause);
        this.failure = failure;
        this.status = status.orElse(-1);
    }

    /** @return why the request failed */
    public TokenEndpointException.Failure failure() {
        return failure;
    }

    /** @return the message and the server's {@code error_description} (cleaned, bounded), for a log line */
    public String logLine() {
        return getMessage() + errorDescription().map(d -> ": " + RemoteText.clean(d, 200)).orElse("");
    }

    /** @return the HTTP status the server answered, or empty when no whole answer arrived */
    public OptionalInt status() {
        return status < 0 ? OptionalInt.empty() : OptionalInt.of(status);
    }
}
