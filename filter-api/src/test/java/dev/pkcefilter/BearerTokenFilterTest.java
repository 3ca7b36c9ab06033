package dev.pkcefilter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.reflect.Proxy;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import jakarta.ws.rs.client.ClientRequestContext;
import jakarta.ws.rs.core.MultivaluedHashMap;
import jakarta.ws.rs.core.MultivaluedMap;
import org.junit.jupiter.api.Test;

class BearerTokenFilterTest {

    private static final String TOKEN = "at-4f0c1d6e-access";
    private static final URI ALLOWED = URI.create("https://api.example.com/orders");

    private final MultivaluedMap<String, Object> headers = new MultivaluedHashMap<>();
    private final List<URI> checked = new ArrayList<>();

    private ClientRequestContext request(URI uri) {
        return (ClientRequestContext) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {ClientRequestContext.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getHeaders" -> headers;
                    case "getUri" -> uri;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    /** A token that, as pkce-filter's, gives its header only for {@link #ALLOWED}'s origin. */
    private AccessToken token(boolean present) {
        return new AccessToken() {
            public boolean isPresent() {
                return present;
            }

            public String value() {
                return TOKEN;
            }

            public String type() {
                return "Bearer";
            }

            public Optional<Instant> expiresAt() {
                return Optional.empty();
            }

            public Set<String> scopes() {
                return Set.of();
            }

            public Map<String, Object> idTokenClaims() {
                return Map.of();
            }

            public String authorizationHeader() {
                throw new AssertionError("the header must be asked for with the target URL");
            }

            public String authorizationHeaderFor(URI target) {
                checked.add(target);
                if (!target.getHost().equals(ALLOWED.getHost())) {
                    throw new PkceFilterException("refused " + target.getHost());
                }
                return "Bearer " + TOKEN;
            }
        };
    }

    @Test
    void addsTheTokenForTheRequestsUrl() {
        new BearerTokenFilter().filter(request(ALLOWED), () -> token(true));

        assertEquals(List.of("Bearer " + TOKEN), headers.get("Authorization"));
        assertEquals(List.of(ALLOWED), checked);
    }

    @Test
    void refusesAnotherOriginAndAddsNothing() {
        URI hook = URI.create("https://hooks.example.net/in");

        PkceFilterException e = assertThrows(PkceFilterException.class,
                () -> new BearerTokenFilter().filter(request(hook), () -> token(true)));

        assertEquals("refused hooks.example.net", e.getMessage());
        assertEquals(Map.of(), headers);
    }

    @Test
    void addsNothingWithoutAToken() {
        new BearerTokenFilter().filter(request(URI.create("https://hooks.example.net/in")), () -> token(false));

        assertEquals(Map.of(), headers);
        assertEquals(List.of(), checked);
    }

    @Test
    void leavesAnAuthorizationHeaderTheCallSetItself() {
        headers.putSingle("Authorization", "Basic abc");

        new BearerTokenFilter().filter(request(URI.create("https://hooks.example.net/in")), () -> {
            throw new AssertionError("no token is needed");
        });

        assertEquals(List.of("Basic abc"), headers.get("Authorization"));
        assertSame(0, checked.size());
    }
}
