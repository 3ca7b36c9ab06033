package dev.pkcefilter.impl.protocol;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An RP-initiated logout request (OpenID Connect RP-Initiated Logout 1.0 §2): the browser is sent to the end-session
 * endpoint, which ends the user's session at the authorization server and sends the browser on to
 * {@code post_logout_redirect_uri}. {@code toString()} never shows the ID token, and the URI it builds holds it, so
 * neither the URI nor the whole request is ever logged.
 *
 * @param endpoint the end-session endpoint
 * @param postLogoutRedirectUri where the server sends the browser afterwards; registered with the client
 * @param clientId the client identifier (§2: lets the server check the redirect URI without an ID token)
 * @param idTokenHint the ID token received at login, when there was one (§2: RECOMMENDED)
 */
public record EndSessionRequest(URI endpoint, URI postLogoutRedirectUri, String clientId,
                                Optional<String> idTokenHint) {

    public EndSessionRequest {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(postLogoutRedirectUri, "postLogoutRedirectUri");
        if (!postLogoutRedirectUri.isAbsolute()) {
            throw new IllegalArgumentException("post_logout_redirect_uri must be absolute");
        }
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(idTokenHint, "idTokenHint");
    }

    /** @return {@code post_logout_redirect_uri}, {@code client_id}, and {@code id_token_hint} when there is one */
    public Map<String, String> toParameters() {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("post_logout_redirect_uri", postLogoutRedirectUri.toString());
        params.put("client_id", clientId);
        idTokenHint.ifPresent(t -> params.put("id_token_hint", t));
        return params;
    }

    /** @return the endpoint with the parameters added to its query (§2: GET with query parameters) */
    public URI toURI() {
        String separator = endpoint.getRawQuery() == null ? "?" : "&";
        return URI.create(endpoint + separator + FormEncoding.encode(toParameters()));
    }

    @Override
    public String toString() {
        return "EndSessionRequest[endpoint=" + endpoint.getHost() + endpoint.getRawPath() + ", clientId=" + clientId
                + ", idTokenHint=" + (idTokenHint.isPresent() ? "present" : "absent") + "]";
    }
}
