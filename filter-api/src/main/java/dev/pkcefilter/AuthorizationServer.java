package dev.pkcefilter;

import java.net.URI;
import java.util.Optional;

/**
 * The authorization server this application signs users in at, with the endpoints pkce-filter configured or
 * discovered (RFC 8414, OpenID Connect Discovery 1.0). Application scoped: inject it to call, for example, the
 * userinfo endpoint with the user's {@link AccessToken}.
 *
 * <pre>{@code
 * @Inject AuthorizationServer server;
 * @Inject AccessToken token;
 *
 * URI userinfo = server.userinfoEndpoint().orElseThrow();
 * }</pre>
 */
public interface AuthorizationServer {

    /** @return the configured issuer, if any */
    Optional<URI> issuer();

    /**
     * @return the OpenID Connect userinfo endpoint, when discovery found one
     * @throws PkceFilterException when the endpoints are not known yet and the server cannot be reached
     */
    Optional<URI> userinfoEndpoint();
}
