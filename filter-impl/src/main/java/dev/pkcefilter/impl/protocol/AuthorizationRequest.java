package dev.pkcefilter.impl.protocol;

import java.net.URI;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An authorization request of the code flow with PKCE (RFC 6749 §4.1.1, RFC 7636 §4.3).
 * {@code toString()} shows neither the state, the nonce nor the challenge, and never the full URL.
 *
 * @param endpoint the authorization endpoint; a query it already has is kept
 * @param clientId the client identifier
 * @param redirectUri the redirection endpoint, sent again identically in the token request
 * @param scope space-separated scopes; omitted when empty
 * @param state the state of this login
 * @param codeChallenge the S256 challenge of this login's verifier
 * @param audience the {@code audience} parameter, for servers that want one
 * @param extraParameters configured extra parameters, in order
 * @param nonce the OpenID Connect nonce (Core 1.0 §3.1.2.1), sent when the scope has {@code openid}
 */
public record AuthorizationRequest(URI endpoint, String clientId, URI redirectUri, String scope, State state,
                                   String codeChallenge, Optional<String> audience,
                                   Map<String, String> extraParameters, Optional<Nonce> nonce) {

    /** A request without a nonce. */
    public AuthorizationRequest(URI endpoint, String clientId, URI redirectUri, String scope, State state,
                                String codeChallenge, Optional<String> audience, Map<String, String> extraParameters) {
        this(endpoint, clientId, redirectUri, scope, state, codeChallenge, audience, extraParameters, Optional.empty());
    }

    public AuthorizationRequest {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(redirectUri, "redirectUri");
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(codeChallenge, "codeChallenge");
        Objects.requireNonNull(audience, "audience");
        extraParameters = Collections.unmodifiableMap(new LinkedHashMap<>(extraParameters));
        Objects.requireNonNull(nonce, "nonce");
    }

    /**
     * @param scope space-separated scopes
     * @return whether they ask for OpenID Connect authentication ({@code openid}, Core 1.0 §3.1.2.1), so that an ID
     *         token comes back and a nonce is due
     */
    public static boolean isOpenId(String scope) {
        for (String each : scope.split(" ")) {
            if (each.equals("openid")) {
                return true;
            }
        }
        return false;
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
        nonce.ifPresent(n -> params.put("nonce", n.value()));
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
