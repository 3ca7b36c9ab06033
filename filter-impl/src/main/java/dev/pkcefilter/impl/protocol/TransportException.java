package dev.pkcefilter.impl.protocol;

import java.util.Objects;

/**
 * No whole HTTP response arrived from the authorization server (see {@link BoundedHttp}): it was slow, could not
 * be reached, or sent more than the bound. Each caller decides what that means for its step: the token endpoint
 * client, discovery and revocation. The message names what happened, never a request or body.
 */
public final class TransportException extends Exception {

    private static final long serialVersionUID = 1L;

    /** What went wrong on the way. */
    public enum Kind {
        /** No whole answer within {@code pkce.http-timeout}. */
        TIMEOUT,
        /** The server could not be reached (refused, reset, no route, TLS failure), or the wait was interrupted. */
        UNREACHABLE,
        /** The body passed {@link BoundedHttp#MAX_BYTES}. */
        TOO_LARGE
    }

    private final Kind kind;

    TransportException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = Objects.requireNonNull(kind, "kind");
    }

    /** @return what went wrong */
    public Kind kind() {
        return kind;
    }
}
