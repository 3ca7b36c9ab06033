package dev.pkcefilter.impl.refresh;

import java.util.Objects;

import dev.pkcefilter.impl.session.TokenSet;

/** What the filter does with a request whose token came due: {@link TokenRefresher#decide} gives it. */
public sealed interface RefreshDecision {

    /** The request goes on with these tokens. */
    record Pass(TokenSet tokens) implements RefreshDecision {
        public Pass {
            Objects.requireNonNull(tokens, "tokens");
        }
    }

    /** A page navigation signs in again (302 to the authorization endpoint). */
    record StartLogin() implements RefreshDecision {
    }

    /** A script gets 401: it has no usable token, and a login page is of no use to it. */
    record Unauthorized() implements RefreshDecision {
    }

    /**
     * A script gets 503 with {@code Retry-After}: its token expired and cannot be renewed right now, but may be
     * soon (the server is down, or another node of the cluster is renewing it).
     *
     * @param retryAfterSeconds the {@code Retry-After} value, at least 1
     */
    record Unavailable(long retryAfterSeconds) implements RefreshDecision {
        public Unavailable {
            retryAfterSeconds = Math.max(1, retryAfterSeconds);
        }
    }

    RefreshDecision START_LOGIN = new StartLogin();
    RefreshDecision UNAUTHORIZED = new Unauthorized();
}
