package dev.pkcefilter.impl.protocol;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A token request (RFC 6749 §3.2): a {@link Grant} (§4.1.3 for a code, §6 for a refresh) and the client's
 * authentication (§2.3.1), and with {@code pkce.dpop} the login's key, whose proof goes with it (RFC 9449 §5).
 * {@code toString()} shows the grant type, the authentication method and whether a proof goes with it only.
 *
 * <pre>{@code
 * TokenRequest request = new TokenRequest(tokenEndpoint, new RefreshTokenGrant(refreshToken),
 *         config.client().authentication(), config.audience());
 * }</pre>
 *
 * @param endpoint the token endpoint
 * @param grant what is exchanged for tokens
 * @param clientAuthentication how the client authenticates
 * @param audience the {@code audience} parameter, for servers that want one
 * @param dpopKey the key whose DPoP proof goes with the request (RFC 9449 §5), or empty for none
 */
public record TokenRequest(URI endpoint, Grant grant, ClientAuthentication clientAuthentication,
                           Optional<String> audience, Optional<DpopKey> dpopKey) {

    public TokenRequest {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(grant, "grant");
        Objects.requireNonNull(clientAuthentication, "clientAuthentication");
        Objects.requireNonNull(audience, "audience");
        Objects.requireNonNull(dpopKey, "dpopKey");
    }

    /** A request without a DPoP proof. */
    public TokenRequest(URI endpoint, Grant grant, ClientAuthentication clientAuthentication,
                        Optional<String> audience) {
        this(endpoint, grant, clientAuthentication, audience, Optional.empty());
    }

    /**
     * @return the grant's parameters, then the client authentication that goes in the body (for the JWT methods a
     *         new client assertion at each call, RFC 7523 §2.2), then the audience
     */
    public Map<String, String> toParameters() {
        Map<String, String> params = new LinkedHashMap<>(grant.toParameters());
        params.putAll(clientAuthentication.bodyParameters(endpoint));
        audience.ifPresent(a -> params.put("audience", a));
        return params;
    }

    /**
     * @return the {@code Authorization} header of {@code client_secret_basic}, or empty for the other methods
     * @see ClientAuthentication#authorizationHeader()
     */
    public Optional<String> authorizationHeader() {
        return clientAuthentication.authorizationHeader();
    }

    @Override
    public String toString() {
        return "TokenRequest[grant_type=" + grant.type() + ", clientAuth=" + clientAuthentication.method().value()
                + (dpopKey.isPresent() ? ", dpop" : "") + "]";
    }
}
