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
 */
public record RevocationRequest(URI endpoint, String token, TokenTypeHint hint, ClientAuthentication client) {

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
        return "RevocationRequest[token_type_hint=" + hint.value() + ", clientAuth=" + client.method().value() + "]";
    }
}
