package dev.pkcefilter.impl.protocol;

import java.net.URI;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An authorization request of the code flow with PKCE (RFC 6749 §4.1.1, RFC 7636 §4.3).
 * {@code toString()} shows neither the state nor the challenge, and never the full URL.
 *
 * @param endpoint the authorization endpoint; a query it already has is kept
 * @param clientId the client identifier
 * @param redirectUri the redirection endpoint, sent again identically in the token request
 * @param scope space-separated scopes; omitted when empty
 * @param state the state of this login
 * @param codeChallenge the S256 challenge of this login's verifier
 * @param audience the {@code audience} parameter, for servers that want one
 * @param extraParameters configured extra parameters, in order
 */
public record AuthorizationRequest(URI endpoint, String clientId, URI redirectUri, String scope, State state,
                                   String codeChallenge, Optional<String> audience,
                                   Map<String, String> extraParameters) {

    public AuthorizationRequest {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(redirectUri, "redirectUri");
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(codeChallenge, "codeChallenge");
        Objects.requireNonNull(audience, "audience");
        extraParameters = Collections.unmodifiableMap(new LinkedHashMap<>(extraParameters));
    }

    /** @return the parameters in the order they are sent */
    public Map<String, String> toParameters() {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("response_type", "code");
        params.put("client_id", clientId);
        params.put("redirect_uri", redirectUri.toString());
        if (!scope.isEmpty()) {
            params.put("scope", scope);
        }
        params.put("state", state.value());
        params.put("code_challenge", codeChallenge);
        params.put("code_challenge_method", CodeVerifier.METHOD); // RFC 7636 §4.3; never "plain"
        audience.ifPresent(a -> params.put("audience", a));
        params.putAll(extraParameters);
        return params;
    }

    /** @return the URL to send the browser to */
    public URI toURI() {
        return URI.create(toUrl());
    }

    /**
     * The URL to send the browser to, as the {@code Location} of a redirect: the same as {@link #toURI()} without
     * parsing it again (every part is already a valid URI or form-encoded), which was most of a login's cost.
     *
     * @return the URL
     */
    public String toUrl() {
        String separator = endpoint.getRawQuery() == null ? "?" : "&";
        return endpoint + separator + FormEncoding.encode(toParameters());
    }

    @Override
    public String toString() {
        return "AuthorizationRequest[endpoint=" + endpoint.getHost() + endpoint.getRawPath() + ", clientId=" + clientId
                + "]";
    }
}
