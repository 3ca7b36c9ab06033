package dev.pkcefilter;

import java.util.List;
import java.util.Map;

/**
 * The user of the current request, as the authorization server's ID token names them, after pkce-filter verified
 * that token at sign-in (OpenID Connect Core 1.0 §3.1.3.7: signature, issuer, audience, expiry, nonce) and again at
 * every refresh that brought a new one (§12.2).
 *
 * <p>Request scoped: inject it anywhere, beside {@link AccessToken}. On a protected request of a user signed in
 * with an ID token it is present; on any other request (not protected, or a login without {@code openid} in
 * {@code pkce.scope}) {@link #isPresent()} is {@code false} and the accessors throw. The same user is the
 * container's: {@code request.getUserPrincipal()}, {@code getRemoteUser()}, {@code isUserInRole(role)}, and the
 * JAX-RS {@code SecurityContext}.
 *
 * <pre>{@code
 * @Inject SignedInUser user;
 *
 * if (user.isPresent() && user.roles().contains("admin")) { ... }
 * }</pre>
 */
public interface SignedInUser {

    /** @return whether a verified user is signed in on this request */
    boolean isPresent();

    /**
     * @return the user's name: the claim {@code pkce.principal-claim} names, by default {@code preferred_username},
     *         else the subject
     * @throws PkceFilterException when no user is present
     */
    String name();

    /**
     * @return the {@code sub} claim: the issuer's stable identifier of the user (OpenID Connect Core 1.0 §2)
     * @throws PkceFilterException when no user is present
     */
    String subject();

    /**
     * @return the {@code iss} claim: the issuer that signed the ID token
     * @throws PkceFilterException when no user is present
     */
    String issuer();

    /**
     * @return the roles read from {@code pkce.roles-claim} (such as {@code realm_access.roles}), in the token's
     *         order; empty when the key is not set, or no user is present
     */
    List<String> roles();

    /**
     * @return the claims of the verified ID token, as JSON values (strings, numbers, booleans, lists, maps); empty
     *         when no user is present
     */
    Map<String, Object> claims();
}
