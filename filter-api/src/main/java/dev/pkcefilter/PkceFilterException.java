package dev.pkcefilter;

import java.util.Optional;

/**
 * The one unchecked exception of pkce-filter: configuration problems, protocol errors from the authorization
 * server, and use of a token that is not there.
 *
 * <p>When the authorization server answered with an OAuth error (RFC 6749 §4.1.2.1, §5.2), {@link #error()} and
 * {@link #errorDescription()} carry its {@code error} and {@code error_description}. Messages never contain a
 * token, code, verifier or secret.
 *
 * <pre>{@code
 * try {
 *     String header = token.authorizationHeaderFor(target);
 * } catch (PkceFilterException e) {
 *     log.warning(e.getMessage()); // safe to log: it names the key to set, never a token
 * }
 * }</pre>
 */
public class PkceFilterException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** The server's {@code error} code, or {@code null}. */
    private final String error;
    /** The server's {@code error_description}, or {@code null}. */
    private final String errorDescription;

    /**
     * An exception with a message only.
     *
     * @param message what went wrong and, where it helps, how to fix it
     */
    public PkceFilterException(String message) {
        this(message, null, null, null);
    }

    /**
     * An exception with a message and a cause.
     *
     * @param message what went wrong
     * @param cause the underlying failure
     */
    public PkceFilterException(String message, Throwable cause) {
        this(message, null, null, cause);
    }

    /**
     * An exception for an OAuth error answered by the authorization server.
     *
     * @param message what went wrong
     * @param error the server's {@code error} code, may be {@code null}
     * @param errorDescription the server's {@code error_description}, may be {@code null}
     * @param cause the underlying failure, may be {@code null}
     */
    public PkceFilterException(String message, String error, String errorDescription, Throwable cause) {
        super(message, cause);
        this.error = error;
        this.errorDescription = errorDescription;
    }

    /**
     * The OAuth {@code error} code from the authorization server.
     *
     * @return the code, such as {@code invalid_grant}, or empty when the failure was not an OAuth error
     */
    public Optional<String> error() {
        return Optional.ofNullable(error);
    }

    /**
     * The OAuth {@code error_description} from the authorization server. It is text from a remote party:
     * escape it before showing it on a page.
     *
     * @return the description, or empty
     */
    public Optional<String> errorDescription() {
        return Optional.ofNullable(errorDescription);
    }
}
