package dev.pkcefilter;

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
 */
public class BearerTokenFilter implements ClientRequestFilter {

    @Override
    public void filter(ClientRequestContext request) {
        filter(request, () -> CDI.current().select(AccessToken.class).get());
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
