package dev.pkcefilter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import jakarta.ws.rs.client.ClientRequestContext;
import jakarta.ws.rs.client.ClientResponseContext;
import jakarta.ws.rs.core.MultivaluedHashMap;
import jakarta.ws.rs.core.MultivaluedMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BearerTokenFilterTest {

    private static final String TOKEN = "at-4f0c1d6e-access";
    private static final URI ALLOWED = URI.create("https://api.example.com/orders");

    private final MultivaluedMap<String, Object> headers = new MultivaluedHashMap<>();
    private final Map<String, Object> properties = new HashMap<>();
    private final List<URI> checked = new ArrayList<>();
    /** The nonces {@code headersFor} was asked with; {@code null} for none. */
    private final List<String> nonces = new ArrayList<>();
    private Object entity;

    private ClientRequestContext request(URI uri) {
        return (ClientRequestContext) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {ClientRequestContext.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getHeaders" -> headers;
                    case "getUri" -> uri;
                    case "getMethod" -> "POST";
                    case "getEntity" -> entity;
                    case "hasEntity" -> entity != null;
                    case "getProperty" -> properties.get((String) args[0]);
                    case "setProperty" -> properties.put((String) args[0], args[1]);
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    /** A token that, as pkce-filter's, gives its header only for {@link #ALLOWED}'s origin. */
    private AccessToken token(boolean present) {
        return token(present, false);
    }

    /** @param dpop whether it is DPoP-bound, its headers then with a proof that names the nonce */
    private AccessToken token(boolean present, boolean dpop) {
        return new AccessToken() {
            public boolean isPresent() {
                return present;
            }

            public String value() {
                return TOKEN;
            }

            public String type() {
                return dpop ? "DPoP" : "Bearer";
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
                return (dpop ? "DPoP " : "Bearer ") + TOKEN;
            }

            public Map<String, String> headersFor(String method, URI target) {
                return dpop ? proofHeaders(method, target, null) : AccessToken.super.headersFor(method, target);
            }

            public Map<String, String> headersFor(String method, URI target, String nonce) {
                return dpop ? proofHeaders(method, target, nonce) : AccessToken.super.headersFor(method, target, nonce);
            }

            private Map<String, String> proofHeaders(String method, URI target, String nonce) {
                nonces.add(nonce);
                Map<String, String> map = new LinkedHashMap<>();
                map.put("Authorization", authorizationHeaderFor(target));
                map.put("DPoP", "proof(" + method + " " + target + (nonce == null ? "" : " nonce=" + nonce) + ")");
                return map;
            }
        };
    }

    @Test
    void addsTheTokenForTheRequestsUrl() {
        new BearerTokenFilter().filter(request(ALLOWED), () -> token(true));

        assertEquals(List.of("Bearer " + TOKEN), headers.get("Authorization"));
        assertEquals(List.of(ALLOWED), checked);
        assertNull(properties.get(BearerTokenFilter.DPOP_SENT));
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
    void refusesAnotherOriginForADpopTokenAndAddsNoProof() {
        URI hook = URI.create("https://hooks.example.net/in");

        assertThrows(PkceFilterException.class,
                () -> new BearerTokenFilter().filter(request(hook), () -> token(true, true)));

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

    @Test
    void addsADpopTokenWithAProofForTheMethodAndUrl() {
        new BearerTokenFilter().filter(request(ALLOWED), () -> token(true, true));

        assertEquals(List.of("DPoP " + TOKEN), headers.get("Authorization"));
        assertEquals(List.of("proof(POST " + ALLOWED + ")"), headers.get("DPoP"));
        assertEquals(Boolean.TRUE, properties.get(BearerTokenFilter.DPOP_SENT));
    }

    // the nonce challenge of a resource server (RFC 9449 §9)

    /** Records the retry instead of sending it. */
    private final class Recording extends BearerTokenFilter {
        final List<Map<String, String>> resent = new ArrayList<>();

        @Override
        Resent resend(ClientRequestContext request, Map<String, String> tokenHeaders) {
            resent.add(tokenHeaders);
            MultivaluedMap<String, String> answerHeaders = new MultivaluedHashMap<>();
            answerHeaders.putSingle("Content-Type", "application/json");
            return new Resent(200, answerHeaders, new ByteArrayInputStream("{\"ok\":true}".getBytes(StandardCharsets.UTF_8)));
        }
    }

    /** A response, whose status, headers and entity the filter may replace. */
    private static final class FakeResponse {
        int status;
        final MultivaluedMap<String, String> headers = new MultivaluedHashMap<>();
        InputStream entity = new ByteArrayInputStream("{\"error\":\"use_dpop_nonce\"}".getBytes(StandardCharsets.UTF_8));
        boolean closed;

        FakeResponse(int status, String... namesAndValues) {
            this.status = status;
            for (int i = 0; i < namesAndValues.length; i += 2) {
                headers.add(namesAndValues[i], namesAndValues[i + 1]);
            }
            InputStream first = entity;
            entity = new java.io.FilterInputStream(first) {
                @Override
                public void close() throws java.io.IOException {
                    closed = true;
                    super.close();
                }
            };
        }

        ClientResponseContext context() {
            return (ClientResponseContext) Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] {ClientResponseContext.class}, (proxy, method, args) -> switch (method.getName()) {
                        case "getStatus" -> status;
                        case "setStatus" -> {
                            status = (Integer) args[0];
                            yield null;
                        }
                        case "getHeaders" -> headers;
                        case "getHeaderString" -> headers.containsKey((String) args[0])
                                ? String.join(",", headers.get((String) args[0])) : null;
                        case "hasEntity" -> entity != null;
                        case "getEntityStream" -> entity;
                        case "setEntityStream" -> {
                            entity = (InputStream) args[0];
                            yield null;
                        }
                        default -> throw new UnsupportedOperationException(method.getName());
                    });
        }
    }

    private static final String CHALLENGE = "DPoP error=\"use_dpop_nonce\", error_description=\"Resource server"
            + " requires nonce in DPoP proof\"";

    @Test
    void sendsOnceMoreWithTheNonceOfAUseDpopNonceChallenge() throws Exception {
        Recording filter = new Recording();
        ClientRequestContext request = request(ALLOWED);
        filter.filter(request, () -> token(true, true));
        FakeResponse response = new FakeResponse(401, "WWW-Authenticate", CHALLENGE, "DPoP-Nonce", "eyJ7S_zG.eyJH0-Z");

        filter.filter(request, response.context(), () -> token(true, true));

        assertEquals(List.of(Map.of("Authorization", "DPoP " + TOKEN,
                "DPoP", "proof(POST " + ALLOWED + " nonce=eyJ7S_zG.eyJH0-Z)")), filter.resent);
        assertEquals(200, response.status);
        assertEquals(List.of("application/json"), response.headers.get("Content-Type"));
        assertNull(response.headers.get("WWW-Authenticate"));
        assertEquals("{\"ok\":true}", new String(response.entity.readAllBytes(), StandardCharsets.UTF_8));
        assertTrue(response.closed, "the first answer's entity is closed");
    }

    @Test
    void neverRetriesTheRetry() throws Exception {
        Recording filter = new Recording();
        ClientRequestContext request = request(ALLOWED);
        filter.filter(request, () -> token(true, true));
        properties.put(BearerTokenFilter.RETRY, Boolean.TRUE);
        FakeResponse response = new FakeResponse(401, "WWW-Authenticate", CHALLENGE, "DPoP-Nonce", "n-2");

        filter.filter(request, response.context(), () -> token(true, true));

        assertEquals(List.of(), filter.resent);
        assertEquals(401, response.status);
    }

    @Test
    void doesNotRetryACallItGaveNoProof() throws Exception {
        Recording filter = new Recording();
        ClientRequestContext request = request(ALLOWED);
        filter.filter(request, () -> token(true, false));
        FakeResponse response = new FakeResponse(401, "WWW-Authenticate", CHALLENGE, "DPoP-Nonce", "n-1");

        filter.filter(request, response.context(), () -> token(true, true));

        assertEquals(List.of(), filter.resent);
    }

    @Test
    void doesNotRetryWithoutANonce() throws Exception {
        Recording filter = new Recording();
        ClientRequestContext request = request(ALLOWED);
        filter.filter(request, () -> token(true, true));

        filter.filter(request, new FakeResponse(401, "WWW-Authenticate", CHALLENGE).context(), () -> token(true, true));

        assertEquals(List.of(), filter.resent);
    }

    @Test
    void doesNotRetryAnInputStreamEntity() throws Exception {
        Recording filter = new Recording();
        entity = new ByteArrayInputStream(new byte[1]);
        ClientRequestContext request = request(ALLOWED);
        filter.filter(request, () -> token(true, true));

        filter.filter(request, new FakeResponse(401, "WWW-Authenticate", CHALLENGE, "DPoP-Nonce", "n-1").context(),
                () -> token(true, true));

        assertEquals(List.of(), filter.resent);
    }

    @ParameterizedTest
    @ValueSource(strings = {"401|DPoP error=\"invalid_token\"", "403|" + CHALLENGE, "400|" + CHALLENGE,
            "401|Bearer error=\"use_dpop_nonce\""})
    void doesNotRetryAnotherAnswer(String answer) throws Exception {
        String[] parts = answer.split("\\|", 2);
        Recording filter = new Recording();
        ClientRequestContext request = request(ALLOWED);
        filter.filter(request, () -> token(true, true));

        filter.filter(request, new FakeResponse(Integer.parseInt(parts[0]), "WWW-Authenticate", parts[1],
                "DPoP-Nonce", "n-1").context(), () -> token(true, true));

        assertEquals(List.of(), filter.resent);
    }

    @Test
    void readsTheChallengeAmongOthers() {
        MultivaluedMap<String, String> headers = new MultivaluedHashMap<>();
        headers.add("www-authenticate", "Bearer realm=\"api\"");
        headers.add("www-authenticate", "DPoP algs=\"ES256\", error=\"use_dpop_nonce\"");

        assertTrue(BearerTokenFilter.asksForNonce(401, headers));
    }

    @Test
    void aBearerTokensDefaultHeadersAreItsAuthorizationAlone() {
        assertEquals(Map.of("Authorization", "Bearer " + TOKEN), token(true).headersFor("GET", ALLOWED));
        assertEquals(Map.of("Authorization", "Bearer " + TOKEN), token(true).headersFor("GET", ALLOWED, "n"));
    }
}
