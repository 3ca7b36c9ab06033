package dev.pkcefilter.impl.protocol;

import java.lang.System.Logger.Level;
import java.net.http.HttpRequest;
import java.time.Clock;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

import jakarta.json.bind.Jsonb;

/**
 * Sends token requests (RFC 6749 §3.2) and reads their answers. Failures become a {@link TokenEndpointException}
 * whose {@link TokenEndpointException.Failure} decides the status shown to the user, with the HTTP status and the
 * OAuth error code where the server sent them; they are logged at WARNING with the status and OAuth error code,
 * never with a request or response body. A transport failure ({@link TransportException}) is its cause.
 *
 * <p>A request with a DPoP key ({@code pkce.dpop}) carries a new proof (RFC 9449 §5), and a server's
 * {@code use_dpop_nonce} is answered by one retry ({@link DpopProofs#sendToAuthorizationServer}, §8). Its answer must
 * be {@code token_type} {@code DPoP} (§5): a {@code Bearer} token is refused as an invalid response, unless
 * {@code pkce.dpop-accept-bearer} keeps it, and then it is used as a bearer token.
 */
public final class TokenEndpointClient {

    private static final System.Logger LOG = System.getLogger(TokenEndpointClient.class.getName());

    private final BoundedHttp http;
    private final Jsonb jsonb;
    private final TokenRequestFormat format;
    private final Clock clock;
    private final Set<String> acceptedTokenTypes;
    private final DpopProofs dpop;
    private final boolean dpopAcceptBearer;

    /**
     * A client whose requests carry no DPoP proof.
     *
     * @param acceptedTokenTypes the {@code token_type} values to accept, in lower case ({@code pkce.accepted-token-types})
     */
    public TokenEndpointClient(BoundedHttp http, Jsonb jsonb, TokenRequestFormat format, Clock clock,
                               Set<String> acceptedTokenTypes) {
        this(http, jsonb, format, clock, acceptedTokenTypes, new DpopProofs(clock, jsonb), false);
    }

    /**
     * @param acceptedTokenTypes the {@code token_type} values to accept, in lower case ({@code pkce.accepted-token-types})
     * @param dpop the client's DPoP proofs and nonces, for requests with a DPoP key
     * @param dpopAcceptBearer whether a Bearer answer to a request with a proof is kept ({@code pkce.dpop-accept-bearer})
     */
    public TokenEndpointClient(BoundedHttp http, Jsonb jsonb, TokenRequestFormat format, Clock clock,
                               Set<String> acceptedTokenTypes, DpopProofs dpop, boolean dpopAcceptBearer) {
        this.http = Objects.requireNonNull(http, "http");
        this.jsonb = Objects.requireNonNull(jsonb, "jsonb");
        this.format = Objects.requireNonNull(format, "format");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.acceptedTokenTypes = Set.copyOf(acceptedTokenTypes);
        this.dpop = Objects.requireNonNull(dpop, "dpop");
        this.dpopAcceptBearer = dpopAcceptBearer;
    }

    /**
     * Sends the request and reads the tokens.
     *
     * @param request the token request
     * @return the tokens
     * @throws TokenEndpointException when no tokens came back
     */
    public TokenResponse send(TokenRequest request) {
        BoundedHttp.Response response;
        try {
            response = request.dpopKey().isPresent()
                    ? dpop.sendToAuthorizationServer(http, request.dpopKey().get(), request.endpoint(),
                            proof -> toHttpRequest(request, Optional.of(proof)))
                    : http.send(toHttpRequest(request, Optional.empty()));
        } catch (TransportException e) {
            throw fail(TokenEndpointException.Failure.of(e.kind()), request, e.getMessage(), OptionalInt.empty(), Optional.empty(), e);
        }
        int status = response.status();
        if (status == 200) {
            TokenResponse tokens;
            try {
                tokens = TokenResponse.parse(jsonb, response.body(), clock.instant());
            } catch (InvalidResponseException e) {
                throw fail(TokenEndpointException.Failure.INVALID_RESPONSE, request, "answered HTTP 200 but "
                        + e.getMessage(), OptionalInt.of(status), Optional.empty(), null);
            }
            String type = tokens.tokenType().toLowerCase(Locale.ROOT);
            if (request.dpopKey().isPresent() && !type.equals("dpop")) {
                // RFC 9449 §5: a server that does not bind the token answers another type; without binding, a
                // stolen token works for whoever holds it, which is what DPoP was asked for to prevent
                if (!dpopAcceptBearer || !acceptedTokenTypes.contains(type)) {
                    throw fail(TokenEndpointException.Failure.INVALID_RESPONSE, request, "answered token_type '"
                            + RemoteText.clean(tokens.tokenType(), 40) + "' to a request with a DPoP proof, not DPoP"
                            + " (RFC 9449 §5): the token is not bound to the key. Set pkce.dpop-accept-bearer=true"
                            + " to use such tokens as bearer tokens", OptionalInt.of(status), Optional.empty(), null);
                }
                LOG.log(Level.DEBUG, "The token endpoint answered a token that is not DPoP-bound;"
                        + " pkce.dpop-accept-bearer keeps it");
                return tokens;
            }
            // RFC 6749 §7.1: a client must not use a token whose type it does not understand; compared
            // case-insensitively (RFC 6750 §4); a DPoP token to a request with a proof (RFC 9449 §5)
            if (!(type.equals("dpop") && request.dpopKey().isPresent()) && !acceptedTokenTypes.contains(type)) {
                throw fail(TokenEndpointException.Failure.INVALID_RESPONSE, request, "answered token_type '"
                        + RemoteText.clean(tokens.tokenType(), 40) + "', which pkce.accepted-token-types does not list",
                        OptionalInt.of(status), Optional.empty(), null);
            }
            return tokens;
        }
        Optional<OAuthError> error = JsonObjects.parse(jsonb, response.body()).flatMap(OAuthError::from);
        if (error.isPresent() && status >= 400 && status < 500) {
            throw fail(TokenEndpointException.Failure.REFUSED, request,
                    "refused the request with HTTP " + status + " and error " + RemoteText.clean(error.get().error(), 100),
                    OptionalInt.of(status), error, null);
        }
        throw fail(TokenEndpointException.Failure.SERVER_ERROR, request, "answered HTTP " + status
                + error.map(e -> " with error " + RemoteText.clean(e.error(), 100)).orElse(" without an OAuth error"),
                OptionalInt.of(status), error, null);
    }

    /** @param dpopProof the {@code DPoP} header, when the request carries a proof (RFC 9449 §5) */
    private HttpRequest toHttpRequest(TokenRequest request, Optional<String> dpopProof) {
        String body;
        String contentType;
        if (format == TokenRequestFormat.JSON) {
            body = jsonb.toJson(request.toParameters());
            contentType = "application/json";
        } else {
            body = FormEncoding.encode(request.toParameters());
            contentType = "application/x-www-form-urlencoded";
        }
        return http.post(request.endpoint(), contentType, body, request.authorizationHeader(), dpopProof);
    }

    private static TokenEndpointException fail(TokenEndpointException.Failure failure, TokenRequest request,
                                               String what, OptionalInt status, Optional<OAuthError> error,
                                               Throwable cause) {
        String message = "The token endpoint " + request.endpoint().getHost() + " " + what + " ("
                + request.grant().type() + " grant)";
        TokenEndpointException e = new TokenEndpointException(failure, message, status, error, cause);
        LOG.log(Level.DEBUG, e::logLine); // the caller logs it at the level the failure deserves
        return e;
    }

}
