package dev.pkcefilter.impl.protocol;

import java.net.URI;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The endpoints of an authorization server, configured or discovered (RFC 8414 §2, OpenID Connect Discovery
 * 1.0 §3).
 *
 * @param issuer the issuer, when known
 * @param authorizationEndpoint where the browser is sent to log in
 * @param tokenEndpoint where codes and refresh tokens are exchanged
 * @param revocationEndpoint RFC 7009 token revocation
 * @param endSessionEndpoint OpenID Connect RP-initiated logout
 * @param userinfoEndpoint OpenID Connect userinfo
 * @param issParameterSupported whether the server sends {@code iss} on the callback (RFC 9207 §3)
 * @param codeChallengeMethods the PKCE methods the server lists, empty when it lists none
 * @param jwksUri the issuer's signing keys (RFC 8414 §2 {@code jwks_uri}), for ID token signatures
 * @param pushedAuthorizationRequestEndpoint where authorization requests are pushed (RFC 9126 §5
 *        {@code pushed_authorization_request_endpoint})
 * @param requirePushedAuthorizationRequests whether the server accepts authorization requests only through that
 *        endpoint (RFC 9126 §5 {@code require_pushed_authorization_requests})
 */
public record ProviderMetadata(Optional<URI> issuer, URI authorizationEndpoint, URI tokenEndpoint,
                               Optional<URI> revocationEndpoint, Optional<URI> endSessionEndpoint,
                               Optional<URI> userinfoEndpoint, boolean issParameterSupported,
                               List<String> codeChallengeMethods, Optional<URI> jwksUri,
                               Optional<URI> pushedAuthorizationRequestEndpoint,
                               boolean requirePushedAuthorizationRequests) {

    /** Metadata without a pushed authorization request endpoint. */
    public ProviderMetadata(Optional<URI> issuer, URI authorizationEndpoint, URI tokenEndpoint,
                            Optional<URI> revocationEndpoint, Optional<URI> endSessionEndpoint,
                            Optional<URI> userinfoEndpoint, boolean issParameterSupported,
                            List<String> codeChallengeMethods, Optional<URI> jwksUri) {
        this(issuer, authorizationEndpoint, tokenEndpoint, revocationEndpoint, endSessionEndpoint, userinfoEndpoint,
                issParameterSupported, codeChallengeMethods, jwksUri, Optional.empty(), false);
    }

    public ProviderMetadata {
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(authorizationEndpoint, "authorizationEndpoint");
        Objects.requireNonNull(tokenEndpoint, "tokenEndpoint");
        Objects.requireNonNull(revocationEndpoint, "revocationEndpoint");
        Objects.requireNonNull(endSessionEndpoint, "endSessionEndpoint");
        Objects.requireNonNull(userinfoEndpoint, "userinfoEndpoint");
        codeChallengeMethods = List.copyOf(codeChallengeMethods);
        Objects.requireNonNull(jwksUri, "jwksUri");
        Objects.requireNonNull(pushedAuthorizationRequestEndpoint, "pushedAuthorizationRequestEndpoint");
    }
}
