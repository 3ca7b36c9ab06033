package dev.pkcefilter;

import jakarta.enterprise.inject.spi.CDI;
import jakarta.ws.rs.client.ClientRequestContext;
import jakarta.ws.rs.client.ClientRequestFilter;
import jakarta.ws.rs.core.HttpHeaders;

/**
 * Adds the current user's access token to outgoing JAX-RS client calls as {@code Authorization: Bearer …}
 * (RFC 6750 §2.1). Works with the JAX-RS client and with MicroProfile Rest Client, on requests that pkce-filter
 * protects; elsewhere it adds nothing, and a header the call sets itself is left alone.
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
        if (request.getHeaders().containsKey(HttpHeaders.AUTHORIZATION)) {
            return;
        }
        AccessToken token = CDI.current().select(AccessToken.class).get();
        if (token.isPresent()) {
            request.getHeaders().putSingle(HttpHeaders.AUTHORIZATION, token.authorizationHeader());
        }
    }
}
