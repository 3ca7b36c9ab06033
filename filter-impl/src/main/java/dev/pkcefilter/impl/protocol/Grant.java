package dev.pkcefilter.impl.protocol;

import java.util.Map;

/**
 * An authorization grant sent to the token endpoint (RFC 6749 §1.3, §4.1.3, §6): its {@code grant_type} and the
 * parameters that type defines. Each grant is an immutable value that checks itself when built; none prints its
 * code or token. A later grant (client credentials, RFC 6749 §4.4; token exchange, RFC 8693) is one more record
 * here.
 *
 * <pre>{@code
 * Grant code = new AuthorizationCodeGrant(code, redirectUri, verifier);
 * Grant refresh = new RefreshTokenGrant(refreshToken); // no scope: the server keeps the granted one
 * }</pre>
 */
public sealed interface Grant permits AuthorizationCodeGrant, RefreshTokenGrant {

    /** @return the {@code grant_type} value, such as {@code authorization_code} */
    String type();

    /** @return {@code grant_type} first, then the grant's own parameters, in the order they are sent */
    Map<String, String> toParameters();
}
