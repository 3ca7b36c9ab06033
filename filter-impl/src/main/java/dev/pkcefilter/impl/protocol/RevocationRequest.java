package dev.pkcefilter.impl.protocol;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A token revocation request (RFC 7009 §2.1): the token, a hint of its type, and the same client authentication
 * as at the token endpoint. {@code toString()} shows the hint only, never the token.
 *
 * @param endpoint the revocation endpoint
 * @param token the token to revoke
 * @param hint what kind of token it is
 * @param client how the client authenticates
 * @param dpopKey the key the tokens are bound to, whose proof goes with the request (RFC 9449 §5, and Keycloak
 *        wants one), or empty; a proof for an access token carries its {@code ath} (§4.2)
 */
public record RevocationRequest(URI endpoint, String token, TokenTypeHint hint, ClientAuthentication client,
                                Optional<DpopKey> dpopKey) {

    /** A revocation without a DPoP proof. */
    public RevocationRequest(URI endpoint, String token, TokenTypeHint hint, ClientAuthentication client) {
        this(endpoint, token, hint, client, Optional.empty());
    }

    /** The {@code token_type_hint} values of RFC 7009 §2.1. */
    public enum TokenTypeHint {
        ACCESS_TOKEN("access_token"),
        REFRESH_TOKEN("refresh_token");

        private final String value;

        TokenTypeHint(String value) {
            this.value = value;
        }

        /** @return the parameter value, such as {@code refresh_token} */
        public String value() {
            return value;
        }
    }

    public RevocationRequest {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(token, "token");
        if (token.isEmpty()) {
            throw new IllegalArgumentException("the token to revoke may not be empty");
        }
        Objects.requireNonNull(hint, "hint");
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(dpopKey, "dpopKey");
    }

    /** @return the access token the request presents, for the proof's {@code ath}: the token when it is one */
    Optional<String> presentedAccessToken() {
        return hint == TokenTypeHint.ACCESS_TOKEN ? Optional.of(token) : Optional.empty();
    }

    /**
     * @return {@code token}, {@code token_type_hint}, then the client authentication that goes in the body (for the
     *         JWT methods a new client assertion at each call, RFC 7523 §2.2)
     */
    public Map<String, String> toParameters() {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("token", token);
        params.put("token_type_hint", hint.value());
        params.putAll(client.bodyParameters(endpoint));
        return params;
    }

    /** @return the {@code Authorization} header of {@code client_secret_basic}, else empty */
    public Optional<String> authorizationHeader() {
        return client.authorizationHeader();
    }

    @Override
    public String toString() {
        return "RevocationRequest[token_type_hint=" + hint.value() + ", clientAuth=" + client.method().value()
                + (dpopKey.isPresent() ? ", dpop" : "") + "]";
    }
}
