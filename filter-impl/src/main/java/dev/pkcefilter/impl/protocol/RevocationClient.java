package dev.pkcefilter.impl.protocol;

import java.lang.System.Logger.Level;
import java.net.http.HttpRequest;
import java.util.Objects;
import java.util.Optional;

import jakarta.json.bind.Jsonb;

/**
 * Sends token revocation requests (RFC 7009 §2). Revocation is best effort at logout: a failure is logged at
 * WARNING with the endpoint's host, the token type and the status or OAuth error code, never a token, and is
 * returned rather than thrown, so that the logout goes on.
 */
public final class RevocationClient {

    private static final System.Logger LOG = System.getLogger(RevocationClient.class.getName());

    /** What a revocation request gave. */
    public enum Result {
        /** HTTP 200: revoked, or the token was not valid anyway (RFC 7009 §2.2). */
        REVOKED,
        /** The server answered, but not 200 (an OAuth error, a 5xx, a 503 asking to try later). */
        FAILED,
        /** No answer: the server could not be reached or did not answer in time. */
        UNREACHABLE
    }

    private final BoundedHttp http;
    private final Jsonb jsonb;

    public RevocationClient(BoundedHttp http, Jsonb jsonb) {
        this.http = Objects.requireNonNull(http, "http");
        this.jsonb = Objects.requireNonNull(jsonb, "jsonb");
    }

    /**
     * Sends the request.
     *
     * @param request the revocation request
     * @return what happened; never throws for a server's failure
     */
    public Result revoke(RevocationRequest request) {
        // RFC 7009 §2.1: always application/x-www-form-urlencoded, whatever pkce.token-request-format says
        HttpRequest post = http.postForm(request.endpoint(), request.toParameters(), request.authorizationHeader());
        String what = "The revocation endpoint " + request.endpoint().getHost() + " ";
        String which = " (" + request.hint().value() + "); the logout goes on";
        BoundedHttp.Response response;
        try {
            response = http.send(post);
        } catch (TransportException e) {
            LOG.log(Level.WARNING, what + e.getMessage() + which);
            return e.kind() == TransportException.Kind.TOO_LARGE ? Result.FAILED : Result.UNREACHABLE;
        }
        if (response.status() == 200) {
            LOG.log(Level.DEBUG, () -> "Revoked the " + request.hint().value());
            return Result.REVOKED;
        }
        Optional<OAuthError> error = JsonObjects.parse(jsonb, response.body()).flatMap(OAuthError::from);
        LOG.log(Level.WARNING, what + "answered HTTP " + response.status()
                + error.map(e -> " with error " + RemoteText.clean(e.error(), 100)).orElse("") + which);
        return Result.FAILED;
    }
}
