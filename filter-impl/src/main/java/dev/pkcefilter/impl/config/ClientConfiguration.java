package dev.pkcefilter.impl.config;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import dev.pkcefilter.impl.protocol.ClientAuthentication;
import dev.pkcefilter.impl.protocol.ClientSecret;
import dev.pkcefilter.impl.protocol.ClientAuthMethod;
import dev.pkcefilter.impl.protocol.TokenRequestFormat;

/**
 * A validated client configuration: every value checked and defaulted. Built by {@link ConfigurationLoader};
 * {@code toString()} redacts the client secret.
 *
 * @param issuer the issuer, when endpoints are to be discovered or checked against it
 * @param authorizationEndpoint set explicitly, else discovered
 * @param tokenEndpoint set explicitly, else discovered
 * @param revocationEndpoint set explicitly, else discovered
 * @param endSessionEndpoint set explicitly, else discovered
 * @param clientId the client identifier
 * @param clientSecret the secret of a confidential client
 * @param clientAuth how the client authenticates at the token endpoint
 * @param scope space-separated scopes, possibly empty
 * @param audience the {@code audience} parameter
 * @param authorizeParams extra authorization request parameters, in order
 * @param tokenRequestFormat form or JSON token request bodies
 * @param protectedPaths servlet URL patterns the filter guards
 * @param publicPaths patterns inside those that stay open
 * @param callbackPath the redirection endpoint's path inside the context
 * @param logoutPath the logout endpoint's path inside the context
 * @param redirectUri the absolute redirect URI, when it is not derived from the request
 * @param postLogoutRedirect where to go after logout
 * @param refreshSkew refresh this long before expiry
 * @param loginTimeout how long a pending login stays valid
 * @param httpTimeout connect and read timeout towards the authorization server
 * @param allowInsecureHttp whether {@code http} to a host that is not loopback is allowed (warned at every start)
 * @param acceptedTokenTypes the {@code token_type} values accepted from the token endpoint, in lower case
 * @param apiOrigins the origins the access token may be sent to; empty for the issuer's and userinfo's
 */
public record ClientConfiguration(
        Optional<URI> issuer,
        Optional<URI> authorizationEndpoint,
        Optional<URI> tokenEndpoint,
        Optional<URI> revocationEndpoint,
        Optional<URI> endSessionEndpoint,
        String clientId,
        Optional<ClientSecret> clientSecret,
        ClientAuthMethod clientAuth,
        String scope,
        Optional<String> audience,
        Map<String, String> authorizeParams,
        TokenRequestFormat tokenRequestFormat,
        List<String> protectedPaths,
        List<String> publicPaths,
        String callbackPath,
        String logoutPath,
        Optional<URI> redirectUri,
        Optional<String> postLogoutRedirect,
        Duration refreshSkew,
        Duration loginTimeout,
        Duration httpTimeout,
        boolean allowInsecureHttp,
        Set<String> acceptedTokenTypes,
        Optional<List<Origin>> apiOrigins) {

    public ClientConfiguration {
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(authorizationEndpoint, "authorizationEndpoint");
        Objects.requireNonNull(tokenEndpoint, "tokenEndpoint");
        Objects.requireNonNull(revocationEndpoint, "revocationEndpoint");
        Objects.requireNonNull(endSessionEndpoint, "endSessionEndpoint");
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(clientSecret, "clientSecret");
        Objects.requireNonNull(clientAuth, "clientAuth");
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(audience, "audience");
        authorizeParams = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(authorizeParams));
        Objects.requireNonNull(tokenRequestFormat, "tokenRequestFormat");
        protectedPaths = List.copyOf(protectedPaths);
        publicPaths = List.copyOf(publicPaths);
        Objects.requireNonNull(callbackPath, "callbackPath");
        Objects.requireNonNull(logoutPath, "logoutPath");
        Objects.requireNonNull(redirectUri, "redirectUri");
        Objects.requireNonNull(postLogoutRedirect, "postLogoutRedirect");
        Objects.requireNonNull(refreshSkew, "refreshSkew");
        Objects.requireNonNull(loginTimeout, "loginTimeout");
        Objects.requireNonNull(httpTimeout, "httpTimeout");
        acceptedTokenTypes = Set.copyOf(acceptedTokenTypes);
        apiOrigins = apiOrigins.map(List::copyOf);
    }

    /** @return how this client authenticates at the token and revocation endpoints */
    public ClientAuthentication clientAuthentication() {
        return new ClientAuthentication(clientId, clientAuth, clientSecret);
    }
}
