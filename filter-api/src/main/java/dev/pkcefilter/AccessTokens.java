package dev.pkcefilter;

import java.util.List;

/**
 * The current request's access tokens by client, for names known only at run time; inject it anywhere.
 *
 * <pre>{@code
 * @Inject AccessTokens tokens;
 *
 * AccessToken loom = tokens.get("loom"); // isPresent() is false while the user has not connected it
 * }</pre>
 */
public interface AccessTokens {

    /**
     * The token of a further client, as {@code @Inject @OAuthClient(client) AccessToken} gives it: refreshed when it
     * came due, absent when the client is not connected.
     *
     * @param client a name {@code pkce.clients} lists
     * @return the client's token on this request
     * @throws PkceFilterException when {@code pkce.clients} does not list {@code client}
     */
    AccessToken get(String client);

    /** @return the token of the client users sign in with, as {@code @Inject AccessToken} gives it */
    AccessToken signIn();

    /** @return the further clients' names, in the order {@code pkce.clients} lists them */
    List<String> clients();
}
