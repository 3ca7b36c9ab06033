package dev.pkcefilter.impl.protocol;

import java.net.URI;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import dev.pkcefilter.impl.config.ClientAuthMethod;

/**
 * A token request (RFC 6749 §4.1.3 for the code, §6 for a refresh) with the client's authentication
 * (RFC 6749 §2.3.1). {@code toString()} shows the grant type only.
 *
 * @param endpoint the token endpoint
 * @param grantParameters the grant's own parameters, {@code grant_type} first
 * @param clientId the client identifier
 * @param clientAuth how the client authenticates
 * @param clientSecret the secret, required unless {@code clientAuth} is {@code none}
 * @param audience the {@code audience} parameter, for servers that want one
 */
public record TokenRequest(URI endpoint, Map<String, String> grantParameters, String clientId,
                           ClientAuthMethod clientAuth, Optional<ClientSecret> clientSecret,
                           Optional<String> audience) {

    public TokenRequest {
        Objects.requireNonNull(endpoint, "endpoint");
        grantParameters = Collections.unmodifiableMap(new LinkedHashMap<>(grantParameters));
        if (!grantParameters.containsKey("grant_type")) {
            throw new IllegalArgumentException("grantParameters must hold grant_type");
        }
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(clientAuth, "clientAuth");
        Objects.requireNonNull(clientSecret, "clientSecret");
        Objects.requireNonNull(audience, "audience");
        new ClientAuthentication(clientId, clientAuth, clientSecret); // checks that the method has its secret
    }

    /**
     * A token request with the client's authentication as one value.
     *
     * @param endpoint the token endpoint
     * @param grantParameters the grant's own parameters, {@code grant_type} first
     * @param client how the client authenticates
     * @param audience the {@code audience} parameter, for servers that want one
     */
    public TokenRequest(URI endpoint, Map<String, String> grantParameters, ClientAuthentication client,
                        Optional<String> audience) {
        this(endpoint, grantParameters, client.clientId(), client.method(), client.secret(), audience);
    }

    /**
     * The grant of an authorization code (RFC 6749 §4.1.3, RFC 7636 §4.5).
     *
     * @return {@code grant_type}, {@code code}, {@code redirect_uri} and {@code code_verifier}
     */
    public static Map<String, String> authorizationCodeGrant(String code, URI redirectUri, CodeVerifier verifier) {
        Map<String, String> grant = new LinkedHashMap<>();
        grant.put("grant_type", "authorization_code");
        grant.put("code", Objects.requireNonNull(code, "code"));
        grant.put("redirect_uri", redirectUri.toString()); // RFC 6749 §4.1.3: identical to the authorization request
        grant.put("code_verifier", verifier.value());
        return grant;
    }

    /**
     * The grant of a refresh (RFC 6749 §6).
     *
     * @param refreshToken the refresh token
     * @param scope the configured scope; omitted when empty, which keeps the granted one
     * @return {@code grant_type}, {@code refresh_token} and {@code scope}
     */
    public static Map<String, String> refreshTokenGrant(String refreshToken, String scope) {
        Map<String, String> grant = new LinkedHashMap<>();
        grant.put("grant_type", "refresh_token");
        grant.put("refresh_token", Objects.requireNonNull(refreshToken, "refreshToken"));
        if (!scope.isEmpty()) {
            grant.put("scope", scope);
        }
        return grant;
    }

    /** @return how the client authenticates, shared with the revocation request */
    public ClientAuthentication clientAuthentication() {
        return new ClientAuthentication(clientId, clientAuth, clientSecret);
    }

    /** @return the body parameters, client authentication in the body included where the method says so */
    public Map<String, String> toParameters() {
        Map<String, String> params = new LinkedHashMap<>(grantParameters);
        params.putAll(clientAuthentication().bodyParameters());
        audience.ifPresent(a -> params.put("audience", a));
        return params;
    }

    /**
     * @return the {@code Authorization} header of {@code client_secret_basic}, or empty for the other methods
     * @see ClientAuthentication#authorizationHeader()
     */
    public Optional<String> authorizationHeader() {
        return clientAuthentication().authorizationHeader();
    }

    @Override
    public String toString() {
        return "TokenRequest[grant_type=" + grantParameters.get("grant_type") + ", clientAuth=" + clientAuth.value() + "]";
    }
}
