package dev.pkcefilter.impl.protocol;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A pushed authorization request (RFC 9126 §2.1): every parameter of an {@link AuthorizationRequest}, sent
 * form-encoded in the back channel to the server's {@code pushed_authorization_request_endpoint} with the client's
 * authentication exactly as at the token endpoint (RFC 9126 §2: "the same rules for client authentication as
 * are applied to the token endpoint"). The browser then carries only {@code client_id} and {@code request_uri}
 * ({@link #authorizationUrl}, §4). {@code toString()} shows the endpoint's host and the authentication method only.
 *
 * <pre>{@code
 * PushedAuthorizationRequest push = new PushedAuthorizationRequest(parEndpoint, authorization,
 *         config.client().authentication());
 * }</pre>
 *
 * @param endpoint the server's {@code pushed_authorization_request_endpoint}
 * @param authorization the authorization request whose parameters are pushed
 * @param clientAuthentication how the client authenticates
 * @param dpopKey the login's DPoP key, whose proof goes with the push, or empty: a server may bind the code to its
 *        thumbprint (RFC 9449 §10.1; Keycloak does)
 */
public record PushedAuthorizationRequest(URI endpoint, AuthorizationRequest authorization,
                                         ClientAuthentication clientAuthentication, Optional<DpopKey> dpopKey) {

    public PushedAuthorizationRequest {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(authorization, "authorization");
        Objects.requireNonNull(clientAuthentication, "clientAuthentication");
        Objects.requireNonNull(dpopKey, "dpopKey");
    }

    /** A push without a DPoP proof. */
    public PushedAuthorizationRequest(URI endpoint, AuthorizationRequest authorization,
                                      ClientAuthentication clientAuthentication) {
        this(endpoint, authorization, clientAuthentication, Optional.empty());
    }

    /**
     * @return the authorization request's parameters, then the client authentication that goes in the body:
     *         {@code client_id} stays in its place (RFC 9126 §2.1 sends it with {@code client_secret_basic} too)
     */
    public Map<String, String> toParameters() {
        Map<String, String> params = new LinkedHashMap<>(authorization.toParameters());
        params.putAll(clientAuthentication.bodyParameters(endpoint)); // a new assertion for each push
        return params;
    }

    /** @return the {@code Authorization} header of the authentication method, if it has one */
    public Optional<String> authorizationHeader() {
        return clientAuthentication.authorizationHeader();
    }

    /**
     * The URL the browser is sent to after a push (RFC 9126 §4): the authorization endpoint with {@code client_id}
     * and {@code request_uri} alone; a query the endpoint already has is kept.
     *
     * @param response the push's answer
     * @return the URL, for a redirect's {@code Location}
     */
    public String authorizationUrl(PushedAuthorizationResponse response) {
        URI authorizationEndpoint = authorization.endpoint();
        Map<String, String> params = new LinkedHashMap<>();
        params.put("client_id", authorization.clientId());
        params.put("request_uri", response.requestUri());
        return authorizationEndpoint + (authorizationEndpoint.getRawQuery() == null ? "?" : "&")
                + FormEncoding.encode(params);
    }

    @Override
    public String toString() {
        return "PushedAuthorizationRequest[endpoint=" + endpoint.getHost() + endpoint.getRawPath() + ", clientAuth="
                + clientAuthentication.method().value() + (dpopKey.isPresent() ? ", dpop" : "") + "]";
    }
}
