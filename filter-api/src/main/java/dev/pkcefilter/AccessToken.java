package dev.pkcefilter;

import java.net.URI;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The OAuth 2.0 access token of the current request, for calling an API on the signed-in user's behalf.
 *
 * <p>Request scoped: inject it anywhere in the application (servlets, JAX-RS resources, CDI beans). On a
 * request that the pkce-filter protects it holds the user's current, unexpired token; on any other request
 * {@link #isPresent()} is {@code false} and {@link #value()} throws.
 *
 * <pre>{@code
 * @Inject AccessToken token;
 *
 * HttpRequest request = HttpRequest.newBuilder(apiUri)
 *         .header("Authorization", token.authorizationHeader())
 *         .build();
 * }</pre>
 *
 * <p>{@link #toString()} never prints the token itself.
 *
 * <p>With {@code pkce.dpop=true} the token is DPoP-bound (RFC 9449): {@link #type()} is {@code DPoP}, and a request
 * needs {@code Authorization: DPoP <token>} and a new proof in a {@code DPoP} header, which {@link #headersFor} gives:
 * <pre>{@code
 * HttpRequest.Builder request = HttpRequest.newBuilder(apiUri).GET();
 * token.headersFor("GET", apiUri).forEach(request::header);
 * }</pre>
 *
 * <p>Related specifications: RFC 6749 §5.1 (access token response), RFC 6750 §2.1 (bearer token usage), RFC 9449
 * §7 (DPoP-bound tokens at a resource server).
 */
public interface AccessToken {

    /**
     * Whether a token is available on this request.
     *
     * @return {@code true} on a protected request of a signed-in user
     */
    boolean isPresent();

    /**
     * The raw token, to send to an API. Never log it.
     *
     * @return the access token string
     * @throws PkceFilterException when no token is present
     */
    String value();

    /**
     * The token type the authorization server gave (RFC 6749 §7.1): {@code Bearer}, or {@code DPoP} for a token bound
     * to the login's DPoP key (RFC 9449 §5).
     *
     * @return the token type
     * @throws PkceFilterException when no token is present
     */
    String type();

    /**
     * When the token expires, if the authorization server said so.
     *
     * @return the expiry instant, or empty when the server gave no lifetime or no token is present
     */
    Optional<Instant> expiresAt();

    /**
     * The scopes granted to this token (RFC 6749 §3.3), in the order the server listed them; the requested ones
     * when the server did not list them.
     *
     * @return an unmodifiable set, empty when no token is present
     */
    Set<String> scopes();

    /**
     * The claims of the OpenID Connect ID token the authorization server sent with this token, as JSON values
     * (strings, numbers, booleans, lists, maps), once pkce-filter has verified it (OpenID Connect Core 1.0
     * §3.1.3.7: signature, issuer, audience, expiry, nonce); the same as {@link SignedInUser#claims()}.
     *
     * @return the claims, empty when no verified ID token was received or no token is present
     */
    Map<String, Object> idTokenClaims();

    /**
     * The value for an HTTP {@code Authorization} header: {@code "Bearer " + value()} (RFC 6750 §2.1), or
     * {@code "DPoP " + value()} for a DPoP-bound token (RFC 9449 §7.1), which also needs a proof: use
     * {@link #headersFor}.
     *
     * @return the header value
     * @throws PkceFilterException when no token is present
     */
    String authorizationHeader();

    /**
     * The value for an HTTP {@code Authorization} header of a request to {@code target}, when {@code target}'s
     * origin (scheme, host and port) is one the application named in {@code pkce.api-origins} (by default the
     * issuer's origin and the discovered userinfo endpoint's origin). A bearer token works for whoever holds it
     * (RFC 6750 §5.1, §5.2): this keeps it from a webhook, a link preview or a URL that came from user input.
     *
     * <pre>{@code
     * HttpRequest request = HttpRequest.newBuilder(apiUri)
     *         .header("Authorization", token.authorizationHeaderFor(apiUri))
     *         .build();
     * }</pre>
     *
     * @param target the URL the request goes to
     * @return {@code "Bearer " + value()}, or {@code "DPoP " + value()} for a DPoP-bound token
     * @throws PkceFilterException when {@code target}'s origin is not allowed (the message names it and
     *         {@code pkce.api-origins}), or when no token is present
     */
    String authorizationHeaderFor(URI target);

    /**
     * The headers that present this token on one request to {@code target}, when its origin is allowed as for
     * {@link #authorizationHeaderFor(URI)}: {@code Authorization}, and for a DPoP-bound token a {@code DPoP} header
     * with a new proof (RFC 9449 §4.2, §7.1) for this method and URL, with the token's hash ({@code ath}) and the
     * latest nonce {@code target}'s origin gave. A proof is good for one request: ask again for every request.
     *
     * <pre>{@code
     * HttpRequest.Builder request = HttpRequest.newBuilder(apiUri).POST(body);
     * token.headersFor("POST", apiUri).forEach(request::header);
     * }</pre>
     *
     * @param method the request's HTTP method, such as {@code GET}
     * @param target the URL the request goes to
     * @return header names and values, unmodifiable; a bearer token's holds {@code Authorization} only
     * @throws PkceFilterException when {@code target}'s origin is not allowed, or when no token is present
     */
    default Map<String, String> headersFor(String method, URI target) {
        return Map.of("Authorization", authorizationHeaderFor(target));
    }

    /**
     * {@link #headersFor(String, URI)} for the one retry after a resource server's {@code 401} with
     * {@code WWW-Authenticate: DPoP error="use_dpop_nonce"} (RFC 9449 §9): the proof carries the nonce the server
     * sent in its {@code DPoP-Nonce} header, which is remembered for that origin's next requests too.
     *
     * @param method the request's HTTP method
     * @param target the URL the request goes to
     * @param dpopNonce the value of the response's {@code DPoP-Nonce} header
     * @return header names and values, unmodifiable
     * @throws PkceFilterException when {@code target}'s origin is not allowed, or when no token is present
     */
    default Map<String, String> headersFor(String method, URI target, String dpopNonce) {
        return headersFor(method, target);
    }
}
