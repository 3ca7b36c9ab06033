package dev.pkcefilter.impl.protocol;

import java.util.Optional;
import java.util.OptionalInt;

import dev.pkcefilter.PkceFilterException;

/**
 * A token request that did not give tokens; the message holds no secret. {@link #failure()} says why,
 * {@link #status()} is the HTTP status when the server answered at all, and {@link #error()} the OAuth
 * {@code error} code when it sent one (RFC 6749 §5.2), so that a caller can tell {@code invalid_grant} from
 * {@code invalid_scope}, {@code invalid_client}, {@code temporarily_unavailable} or a 429.
 */
public class TokenEndpointException extends PkceFilterException {

    private static final long serialVersionUID = 1L;

    /** Why a token request failed. */
    public enum Failure {
        /** The server answered a 4xx with an OAuth error (RFC 6749 §5.2), such as {@code invalid_grant}. */
        REFUSED,
        /** The server answered another HTTP error, or one without an OAuth error. */
        SERVER_ERROR,
        /** The server answered 200 with a body that is not a valid token response, or sent too much. */
        INVALID_RESPONSE,
        /** No answer within {@code pkce.http-timeout}. */
        TIMEOUT,
        /** The server could not be reached. */
        UNREACHABLE;

        /** @return the failure a request that got no usable answer had */
        static Failure of(TransportException.Kind kind) {
            return switch (kind) {
                case TIMEOUT -> TIMEOUT;
                case UNREACHABLE -> UNREACHABLE;
                case TOO_LARGE -> INVALID_RESPONSE;
            };
        }
    }

    private final Failure failure;
    private final int status;

    TokenEndpointException(Failure failure, String message, OptionalInt status, Optional<OAuthError> error,
                           Throwable cause) {
        super(message, error.map(OAuthError::error).orElse(null),
                error.flatMap(OAuthError::description).orElse(null), cause);
        this.failure = failure;
        this.status = status.orElse(-1);
    }

    /** @return why the request failed */
    public Failure failure() {
        return failure;
    }

    /**
     * @return the message and the server's {@code error_description} (cleaned, bounded), for a log line; never a
     *         token or secret
     */
    public String logLine() {
        return getMessage() + errorDescription().map(d -> ": " + RemoteText.clean(d, 200)).orElse("");
    }

    /** @return the HTTP status the server answered, or empty when no whole answer arrived */
    public OptionalInt status() {
        return status < 0 ? OptionalInt.empty() : OptionalInt.of(status);
    }
}
