package dev.pkcefilter.impl.protocol;

import java.lang.System.Logger.Level;
import java.util.Objects;
import java.util.Optional;

import jakarta.json.bind.Jsonb;

/**
 * Sends token revocation requests (RFC 7009 §2). Revocation is best effort at logout: a failure is logged at
 * WARNING with the endpoint's host, the token type and the status or OAuth error code, never a token, and is
 * returned rather than thrown, so that the logout goes on. With DPoP-bound tokens each request carries a proof
 * of their key (RFC 9449 §5; {@code ath} when the token revoked is the access token, §4.2), and a
 * {@code use_dpop_nonce} is answered by one retry (§8).
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
    private final DpopProofs dpop;

    /** A client whose requests carry no DPoP proof. */
    public RevocationClient(BoundedHttp http, Jsonb jsonb) {
        this(http, jsonb, new DpopProofs(java.time.Clock.systemUTC(), jsonb));
    }

    /** @param dpop the client's DPoP proofs and nonces, for a request with a DPoP key (RFC 9449 §8) */
    public RevocationClient(BoundedHttp http, Jsonb jsonb, DpopProofs dpop) {
        this.http = Objects.requireNonNull(http, "http");
        this.jsonb = Objects.requireNonNull(jsonb, "jsonb");
        this.dpop = Objects.requireNonNull(dpop, "dpop");
    }

    /**
     * Sends the request.
     *
     * @param request the revocation request
     * @return what happened; never throws for a server's failure
     */
    public Result revoke(RevocationRequest request) {
        // RFC 7009 §2.1: always application/x-www-form-urlencoded, whatever pkce.token-request-format says
        String what = "The revocation endpoint " + request.endpoint().getHost() + " ";
        String which = " (" + request.hint().value() + "); the logout goes on";
        BoundedHttp.Response response;
        try {
            response = request.dpopKey().isPresent()
                    ? dpop.sendToAuthorizationServer(http, request.dpopKey().get(), request.endpoint(),
                            request.presentedAccessToken(), proof -> http.postForm(request.endpoint(),
                                    request.toParameters(), request.authorizationHeader(), Optional.of(proof)))
                    : http.send(http.postForm(request.endpoint(), request.toParameters(),
                            request.authorizationHeader()));
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
