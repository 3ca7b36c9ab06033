package dev.pkcefilter.impl.protocol;

import java.lang.System.Logger.Level;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

import jakarta.json.bind.Jsonb;

/**
 * Sends pushed authorization requests (RFC 9126 §2.1) through {@link BoundedHttp} ({@code pkce.http-timeout}, a
 * bounded body, no redirects followed) and reads their answers (§2.2, §2.3). Anything but a 201 with a valid
 * {@link PushedAuthorizationResponse} is a {@link PushedAuthorizationRequestException} naming the endpoint's host,
 * the HTTP status and the OAuth error code; never a request body, a secret or the {@code request_uri}.
 */
public final class PushedAuthorizationRequestClient {

    private static final System.Logger LOG = System.getLogger(PushedAuthorizationRequestClient.class.getName());

    private final BoundedHttp http;
    private final Jsonb jsonb;
    private final DpopProofs dpop;

    /** A client whose pushes carry no DPoP proof. */
    public PushedAuthorizationRequestClient(BoundedHttp http, Jsonb jsonb) {
        this(http, jsonb, new DpopProofs(java.time.Clock.systemUTC(), jsonb));
    }

    /** @param dpop the client's DPoP proofs and nonces, for a push with a DPoP key (RFC 9449 §10.1, §8) */
    public PushedAuthorizationRequestClient(BoundedHttp http, Jsonb jsonb, DpopProofs dpop) {
        this.http = Objects.requireNonNull(http, "http");
        this.jsonb = Objects.requireNonNull(jsonb, "jsonb");
        this.dpop = Objects.requireNonNull(dpop, "dpop");
    }

    /**
     * Pushes the request.
     *
     * @param request the pushed authorization request
     * @return the {@code request_uri} and its lifetime
     * @throws PushedAuthorizationRequestException when none came back
     */
    public PushedAuthorizationResponse push(PushedAuthorizationRequest request) {
        // RFC 9126 §2.1: application/x-www-form-urlencoded, whatever pkce.token-request-format says; with a
        // DPoP key a proof, and one retry on use_dpop_nonce (RFC 9449 §8), with a new client assertion
        BoundedHttp.Response response;
        try {
            response = request.dpopKey().isPresent()
                    ? dpop.sendToAuthorizationServer(http, request.dpopKey().get(), request.endpoint(),
                            proof -> http.postForm(request.endpoint(), request.toParameters(),
                                    request.authorizationHeader(), Optional.of(proof)))
                    : http.send(http.postForm(request.endpoint(), request.toParameters(),
                            request.authorizationHeader()));
        } catch (TransportException e) {
            throw fail(TokenEndpointException.Failure.of(e.kind()), request, e.getMessage(), OptionalInt.empty(), Optional.empty(), e);
        }
        int status = response.status();
        if (status == 201) { // RFC 9126 §2.2: 201 Created, nothing else
            try {
                return PushedAuthorizationResponse.parse(jsonb, response.body());
            } catch (InvalidResponseException e) {
                throw fail(TokenEndpointException.Failure.INVALID_RESPONSE, request, "answered HTTP 201 but "
                        + e.getMessage(), OptionalInt.of(status), Optional.empty(), null);
            }
        }
        // RFC 9126 §2.3: the token endpoint's error response (RFC 6749 §5.2)
        Optional<OAuthError> error = JsonObjects.parse(jsonb, response.body()).flatMap(OAuthError::from);
        if (error.isPresent() && status >= 400 && status < 500) {
            throw fail(TokenEndpointException.Failure.REFUSED, request, "refused the request with HTTP " + status
                    + " and error " + RemoteText.clean(error.get().error(), 100), OptionalInt.of(status), error, null);
        }
        throw fail(TokenEndpointException.Failure.SERVER_ERROR, request, "answered HTTP " + status
                + error.map(e -> " with error " + RemoteText.clean(e.error(), 100)).orElse(" without an OAuth error"),
                OptionalInt.of(status), error, null);
    }

    private static PushedAuthorizationRequestException fail(TokenEndpointException.Failure failure,
                                                            PushedAuthorizationRequest request, String what,
                                                            OptionalInt status, Optional<OAuthError> error,
                                                            Throwable cause) {
        String message = "The pushed authorization request endpoint " + request.endpoint().getHost() + " " + what;
        PushedAuthorizationRequestException e = new PushedAuthorizationRequestException(failure, message, status,
                error, cause);
        LOG.log(Level.DEBUG, e::logLine); // the caller logs it at WARNING
        return e;
    }
}
