package dev.pkcefilter;

import java.util.Objects;
import java.util.function.Supplier;

import jakarta.enterprise.inject.spi.CDI;
import jakarta.ws.rs.client.ClientRequestContext;
import jakarta.ws.rs.client.ClientRequestFilter;
import jakarta.ws.rs.core.HttpHeaders;

/**
 * Adds the current user's access token to outgoing JAX-RS client calls as {@code Authorization: Bearer …}
 * (RFC 6750 §2.1). Works with the JAX-RS client and with MicroProfile Rest Client, on requests that pkce-filter
 * protects; elsewhere it adds nothing, and a header the call sets itself is left alone.
 *
 * <p>The token goes only to the origins named in {@code pkce.api-origins} (by default the issuer's and the
 * discovered userinfo endpoint's origin): a signed-in user's call to any other origin fails with a
 * {@link PkceFilterException} naming that origin and the key, and is not sent (RFC 6750 §5.2, token disclosure).
 * The JAX-RS client reports it wrapped in a {@code jakarta.ws.rs.ProcessingException}.
 *
 * <pre>{@code
 * String orders = ClientBuilder.newClient()
 *         .register(BearerTokenFilter.class)
 *         .target("https://api.example.com/orders")
 *         .request(MediaType.APPLICATION_JSON)
 *         .get(String.class);
 *
 * @RegisterRestClient @RegisterProvider(BearerTokenFilter.class)
 * public interface OrdersApi { ... }
 * }</pre>
 *
 * <p>For a further client ({@code pkce.clients}), construct it with the client's name; its token goes only to that
 * client's {@code pkce.<name>.api-origins}. MicroProfile Rest Client registers providers by class, so name a subclass:
 * <pre>{@code
 * client.register(new BearerTokenFilter("loom"));
 *
 * public class LoomToken extends BearerTokenFilter { public LoomToken() { super("loom"); } }
 * @RegisterRestClient @RegisterProvider(LoomToken.class)
 * public interface LoomApi { ... }
 * }</pre>
 */
public class BearerTokenFilter implements ClientRequestFilter {

    private final String client; // null: the default client

    /** The token of the client users sign in with. */
    public BearerTokenFilter() {
        this.client = null;
    }

    /**
     * The token of a further client.
     *
     * @param client a name {@code pkce.clients} lists
     */
    public BearerTokenFilter(String client) {
        this.client = Objects.requireNonNull(client, "client");
    }

    @Override
    public void filter(ClientRequestContext request) {
        filter(request, () -> client == null ? CDI.current().select(AccessToken.class).get()
                : CDI.current().select(AccessTokens.class).get().get(client));
    }

    /** With the token from {@code token}, asked only when the request has no {@code Authorization} header. */
    void filter(ClientRequestContext request, Supplier<AccessToken> token) {
        if (request.getHeaders().containsKey(HttpHeaders.AUTHORIZATION)) {
            return;
        }
        AccessToken current = token.get();
        if (current.isPresent()) {
            // checked before the request is sent: the exception aborts it (RFC 6750 §5.2, token disclosure)
            request.getHeaders().putSingle(HttpHeaders.AUTHORIZATION, current.authorizationHeaderFor(request.getUri()));
        }
    }
}
