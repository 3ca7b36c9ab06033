package dev.pkcefilter;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import jakarta.enterprise.inject.spi.CDI;
import jakarta.ws.rs.client.ClientRequestContext;
import jakarta.ws.rs.client.ClientRequestFilter;
import jakarta.ws.rs.client.ClientResponseContext;
import jakarta.ws.rs.client.ClientResponseFilter;
import jakarta.ws.rs.client.Entity;
import jakarta.ws.rs.client.Invocation;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MultivaluedHashMap;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;

/**
 * Adds the current user's access token to outgoing JAX-RS client calls as {@code Authorization: Bearer …}
 * (RFC 6750 §2.1). Works with the JAX-RS client and with MicroProfile Rest Client, on requests that pkce-filter
 * protects; elsewhere it adds nothing, and a header the call sets itself is left alone.
 *
 * <p>A DPoP-bound token ({@code pkce.dpop=true}, RFC 9449) goes as {@code Authorization: DPoP …} with a new proof
 * of the login's key in a {@code DPoP} header, for the call's method and URL and with the token's hash (§7.1). When
 * the API answers {@code 401} with {@code WWW-Authenticate: DPoP error="use_dpop_nonce"} and a {@code DPoP-Nonce}
 * (§9), the call is sent once more with a proof that carries the nonce, and the application sees that second answer.
 * (A call whose entity is an {@code InputStream} cannot be sent twice: it gets the 401.)
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
public class BearerTokenFilter implements ClientRequestFilter, ClientResponseFilter {

    /** The request property that marks a call this filter gave a DPoP proof. */
    static final String DPOP_SENT = "dev.pkcefilter.BearerTokenFilter.dpop";

    /** The request property of the one retry (RFC 9449 §9): it is never retried again. */
    static final String RETRY = "dev.pkcefilter.BearerTokenFilter.retry";

    /** A {@code DPoP} challenge (RFC 9449 §7.1) with {@code error="use_dpop_nonce"} (§9), among others. */
    private static final Pattern NONCE_CHALLENGE = Pattern.compile(
            "(?i)(?:^|,)\\s*DPoP(?:\\s+|\\s*,\\s*)(?:[^,]*,\\s*)*?error\\s*=\\s*\"?use_dpop_nonce\"?\\s*(?:,|$)");

    /** Headers of the first call that the retry does not copy: the token's and those of the entity. */
    private static final Set<String> NOT_COPIED = Set.of("authorization", "dpop", "content-length", "content-type",
            "host");

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

    private AccessToken currentToken() {
        return client == null ? CDI.current().select(AccessToken.class).get()
                : CDI.current().select(AccessTokens.class).get().get(client);
    }

    @Override
    public void filter(ClientRequestContext request) {
        filter(request, this::currentToken);
    }

    /** With the token from {@code token}, asked only when the request has no {@code Authorization} header. */
    void filter(ClientRequestContext request, Supplier<AccessToken> token) {
        if (request.getHeaders().containsKey(HttpHeaders.AUTHORIZATION)) {
            return;
        }
        AccessToken current = token.get();
        if (current.isPresent()) {
            // checked before the request is sent: the exception aborts it (RFC 6750 §5.2, token disclosure)
            Map<String, String> headers = current.headersFor(request.getMethod(), request.getUri());
            headers.forEach((name, value) -> request.getHeaders().putSingle(name, value));
            if (headers.containsKey("DPoP")) {
                request.setProperty(DPOP_SENT, Boolean.TRUE);
            }
        }
    }

    /**
     * A resource server's nonce challenge to a call with this filter's DPoP proof (RFC 9449 §9): the call is sent
     * once more, with a proof that carries the nonce, and its answer replaces the first.
     *
     * @param request the call as it was sent
     * @param response the resource server's answer, replaced by the retry's
     * @throws IOException when the first answer's entity cannot be closed
     */
    @Override
    public void filter(ClientRequestContext request, ClientResponseContext response) throws IOException {
        filter(request, response, this::currentToken);
    }

    void filter(ClientRequestContext request, ClientResponseContext response, Supplier<AccessToken> token)
            throws IOException {
        if (request.getProperty(DPOP_SENT) == null || request.getProperty(RETRY) != null
                || request.getEntity() instanceof InputStream) {
            return;
        }
        String nonce = response.getHeaderString("DPoP-Nonce");
        if (nonce == null || nonce.isBlank() || !asksForNonce(response.getStatus(), response.getHeaders())) {
            return;
        }
        AccessToken current = token.get();
        if (!current.isPresent()) {
            return;
        }
        Map<String, String> headers = current.headersFor(request.getMethod(), request.getUri(), nonce.strip());
        Resent again = resend(request, headers);
        if (response.hasEntity()) {
            response.getEntityStream().close();
        }
        response.setStatus(again.status());
        response.getHeaders().clear();
        again.headers().forEach((name, values) -> response.getHeaders().put(name, new ArrayList<>(values)));
        response.setEntityStream(again.entity());
    }

    /**
     * @return whether a {@code 401}'s {@code WWW-Authenticate} is a {@code DPoP} challenge with
     *         {@code error="use_dpop_nonce"} (RFC 9449 §9)
     */
    static boolean asksForNonce(int status, MultivaluedMap<String, String> headers) {
        if (status != 401) {
            return false;
        }
        for (Map.Entry<String, List<String>> header : headers.entrySet()) {
            if (header.getKey().equalsIgnoreCase(HttpHeaders.WWW_AUTHENTICATE) && header.getValue() != null
                    && header.getValue().stream().anyMatch(v -> v != null && NONCE_CHALLENGE.matcher(v).find())) {
                return true;
            }
        }
        return false;
    }

    /** The answer to the retry, as the first response takes it over. */
    record Resent(int status, MultivaluedMap<String, String> headers, InputStream entity) {
    }

    /**
     * Sends the call once more through the same JAX-RS client, with the first call's headers but the token's, the
     * given ones, and {@link #RETRY} set, so that it is not retried again and this filter's request side leaves its
     * {@code Authorization} alone.
     */
    Resent resend(ClientRequestContext request, Map<String, String> tokenHeaders) {
        Invocation.Builder retry = request.getClient().target(request.getUri()).request();
        request.getStringHeaders().forEach((name, values) -> {
            if (!NOT_COPIED.contains(name.toLowerCase(Locale.ROOT))) {
                values.forEach(value -> retry.header(name, value));
            }
        });
        tokenHeaders.forEach(retry::header);
        retry.property(RETRY, Boolean.TRUE);
        Response answer = request.hasEntity()
                ? retry.method(request.getMethod(), Entity.entity(request.getEntity(), request.getMediaType()))
                : retry.method(request.getMethod());
        MultivaluedMap<String, String> headers = new MultivaluedHashMap<>();
        answer.getStringHeaders().forEach((name, values) -> headers.put(name, new ArrayList<>(values)));
        InputStream entity;
        if (answer.hasEntity()) {
            entity = answer.readEntity(InputStream.class); // the application reads and closes it
        } else {
            entity = new ByteArrayInputStream(new byte[0]);
            answer.close();
        }
        return new Resent(answer.getStatus(), headers, entity);
    }
}
