package dev.pkcefilter.impl.protocol;

import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

import jakarta.json.bind.Jsonb;

/**
 * One client's DPoP proofs (RFC 9449) and the nonces its servers gave: instance state of that client, never shared
 * between clients or applications.
 * <ul>
 *   <li>Each proof is new ({@link DpopProof}), with the latest {@code DPoP-Nonce} the target's origin sent, if any
 *       (§8.2, §9).</li>
 *   <li>Every response's {@code DPoP-Nonce} is remembered for its origin (scheme, host, port): at most
 *       {@value #MAX_ORIGINS} origins, the least recently used forgotten first, each nonce at most
 *       {@value #MAX_NONCE_LENGTH} characters of the §8.1 alphabet (other values are ignored).</li>
 *   <li>At an authorization server, a {@code 400} with {@code "error":"use_dpop_nonce"} and a {@code DPoP-Nonce}
 *       header is answered by exactly one retry with that nonce ({@link #sendToAuthorizationServer}, §8); a
 *       resource server's {@code 401} with {@code WWW-Authenticate: DPoP error="use_dpop_nonce"} likewise
 *       ({@link #asksForNonceAtResourceServer}, §9).</li>
 * </ul>
 * Neither a nonce nor a proof is ever logged.
 */
public final class DpopProofs {

    private static final System.Logger LOG = System.getLogger(DpopProofs.class.getName());

    /** The response header with a server's nonce (RFC 9449 §8.1). */
    public static final String NONCE_HEADER = "DPoP-Nonce";

    /** The error code of a server that wants a nonce in the proof (RFC 9449 §8, §9). */
    public static final String USE_DPOP_NONCE = "use_dpop_nonce";

    /** How many servers' nonces one client remembers. */
    public static final int MAX_ORIGINS = 32;

    /** The longest nonce taken; servers' are tens of characters. */
    public static final int MAX_NONCE_LENGTH = 512;

    /** RFC 9449 §8.1: {@code nonce = 1*NQCHAR}, {@code NQCHAR = %x21 / %x23-5B / %x5D-7E}. */
    private static final Pattern NONCE = Pattern.compile("[\\x21\\x23-\\x5B\\x5D-\\x7E]{1," + MAX_NONCE_LENGTH + "}");

    /** A {@code DPoP} challenge (RFC 9449 §7.1) with {@code error="use_dpop_nonce"} (§9), among others. */
    private static final Pattern NONCE_CHALLENGE = Pattern.compile(
            "(?i)(?:^|,)\\s*DPoP(?:\\s+|\\s*,\\s*)(?:[^,]*,\\s*)*?error\\s*=\\s*\"?use_dpop_nonce\"?\\s*(?:,|$)");

    private final Clock clock;
    private final Jsonb jsonb;
    /** Origin → latest nonce, least recently used first; guarded by itself. */
    private final Map<String, String> nonces = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > MAX_ORIGINS;
        }
    };

    public DpopProofs(Clock clock, Jsonb jsonb) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.jsonb = Objects.requireNonNull(jsonb, "jsonb");
    }

    /**
     * A new proof for one request, with the nonce last remembered for the target's origin.
     *
     * @param key the login's key
     * @param method the request's method
     * @param target the request's URL
     * @param accessToken the access token the request presents ({@code ath}), or empty
     * @return the {@code DPoP} header's value
     */
    public String proof(DpopKey key, String method, URI target, Optional<String> accessToken) {
        return DpopProof.create(key, method, target, clock.instant(), accessToken, nonce(target));
    }

    /**
     * A new proof with a nonce the server just gave (a retry, RFC 9449 §8.2, §9); the nonce is remembered for the
     * target's origin, if it is one (§8.1).
     *
     * @param nonce the server's {@code DPoP-Nonce}
     */
    public String proof(DpopKey key, String method, URI target, Optional<String> accessToken, String nonce) {
        remember(target, nonce);
        return proof(key, method, target, accessToken);
    }

    /** @return the nonce remembered for the target's origin */
    Optional<String> nonce(URI target) {
        Optional<String> origin = origin(target);
        if (origin.isEmpty()) {
            return Optional.empty();
        }
        synchronized (nonces) {
            return Optional.ofNullable(nonces.get(origin.get()));
        }
    }

    /**
     * Remembers a response's {@code DPoP-Nonce} for the origin it came from (RFC 9449 §8.2: the server may send a
     * new one with any response).
     *
     * @param target the URL the request went to
     * @param response its answer
     * @return whether the response had a valid nonce
     */
    public boolean learn(URI target, BoundedHttp.Response response) {
        Optional<String> nonce = response.header(NONCE_HEADER);
        return nonce.isPresent() && remember(target, nonce.get());
    }

    /**
     * Remembers a nonce for the target's origin.
     *
     * @return whether it was a valid nonce (RFC 9449 §8.1); an invalid one is ignored
     */
    public boolean remember(URI target, String nonce) {
        Optional<String> origin = origin(target);
        if (nonce == null || !NONCE.matcher(nonce).matches() || origin.isEmpty()) {
            LOG.log(Level.DEBUG, "Ignored a DPoP-Nonce that is not a nonce (RFC 9449 §8.1)");
            return false;
        }
        synchronized (nonces) {
            nonces.put(origin.get(), nonce);
        }
        return true;
    }

    /** @return how many origins have a nonce remembered (tests) */
    int rememberedOrigins() {
        synchronized (nonces) {
            return nonces.size();
        }
    }

    /**
     * Sends a request with a proof to an authorization server (token, pushed authorization request, revocation)
     * and answers its nonce challenge (RFC 9449 §8): after a {@code 400} with {@code "error":"use_dpop_nonce"} and a
     * valid {@code DPoP-Nonce}, exactly one retry with a new proof that carries it. Any response's nonce is
     * remembered.
     *
     * @param http the bounded HTTP client
     * @param key the login's key
     * @param endpoint the URL, for {@code htu} (method POST)
     * @param request makes the request with a given {@code DPoP} header; called again for the retry, so that a
     *        client assertion in it is new as well (RFC 7523 §3: its {@code jti} is single use too)
     * @return the last response
     * @throws TransportException when no whole response arrived
     */
    public BoundedHttp.Response sendToAuthorizationServer(BoundedHttp http, DpopKey key, URI endpoint,
                                                          Function<String, HttpRequest> request)
            throws TransportException {
        return sendToAuthorizationServer(http, key, endpoint, Optional.empty(), request);
    }

    /**
     * {@link #sendToAuthorizationServer(BoundedHttp, DpopKey, URI, Function)} of a request that presents an access
     * token (a revocation of it): its proofs carry {@code ath} (RFC 9449 §4.2).
     *
     * @param accessToken the access token the request presents, or empty
     */
    public BoundedHttp.Response sendToAuthorizationServer(BoundedHttp http, DpopKey key, URI endpoint,
                                                          Optional<String> accessToken,
                                                          Function<String, HttpRequest> request)
            throws TransportException {
        BoundedHttp.Response response = http.send(request.apply(proof(key, "POST", endpoint, accessToken)));
        boolean gotNonce = learn(endpoint, response);
        if (gotNonce && asksForNonceAtAuthorizationServer(response)) {
            LOG.log(Level.DEBUG, () -> "The server " + endpoint.getHost() + " asked for a DPoP nonce; sending the"
                    + " request once more with it (RFC 9449 §8)");
            response = http.send(request.apply(proof(key, "POST", endpoint, accessToken)));
            learn(endpoint, response);
        }
        return response;
    }

    /**
     * @return whether an authorization server's response asks for a nonce (RFC 9449 §8): {@code 400} and the
     *         OAuth error {@code use_dpop_nonce}
     */
    boolean asksForNonceAtAuthorizationServer(BoundedHttp.Response response) {
        return response.status() == 400 && JsonObjects.parse(jsonb, response.body()).flatMap(OAuthError::from)
                .filter(e -> USE_DPOP_NONCE.equals(e.error())).isPresent();
    }

    /**
     * Sends a request with a DPoP-bound access token to a resource server (userinfo) and answers its nonce challenge
     * (RFC 9449 §9): after a {@code 401} with {@code WWW-Authenticate: DPoP error="use_dpop_nonce"} and a valid
     * {@code DPoP-Nonce}, exactly one retry with a new proof that carries it. Any response's nonce is remembered.
     *
     * @param http the bounded HTTP client
     * @param key the tokens' key
     * @param method the request's method
     * @param target the request's URL
     * @param accessToken the access token, for {@code ath}
     * @param request makes the request with a given {@code DPoP} header
     * @return the last response
     * @throws TransportException when no whole response arrived
     */
    public BoundedHttp.Response sendToResourceServer(BoundedHttp http, DpopKey key, String method, URI target,
                                                     String accessToken, Function<String, HttpRequest> request)
            throws TransportException {
        BoundedHttp.Response response = http.send(request.apply(proof(key, method, target, Optional.of(accessToken))));
        boolean gotNonce = learn(target, response);
        if (gotNonce && asksForNonceAtResourceServer(response.status(), response.headers().allValues("WWW-Authenticate"))) {
            LOG.log(Level.DEBUG, () -> "The server " + target.getHost() + " asked for a DPoP nonce; sending the"
                    + " request once more with it (RFC 9449 §9)");
            response = http.send(request.apply(proof(key, method, target, Optional.of(accessToken))));
            learn(target, response);
        }
        return response;
    }

    /**
     * @param status the response's status
     * @param wwwAuthenticate its {@code WWW-Authenticate} header values
     * @return whether a resource server's response asks for a nonce (RFC 9449 §9): {@code 401} with a {@code DPoP}
     *         challenge whose {@code error} is {@code use_dpop_nonce}
     */
    public static boolean asksForNonceAtResourceServer(int status, List<String> wwwAuthenticate) {
        return status == 401 && wwwAuthenticate.stream().anyMatch(v -> NONCE_CHALLENGE.matcher(v).find());
    }

    /** The origin (RFC 6454 §4) a nonce belongs to: scheme, host and port, the default port written out. */
    private static Optional<String> origin(URI target) {
        String scheme = target.getScheme() == null ? "" : target.getScheme().toLowerCase(Locale.ROOT);
        if (target.getHost() == null || !scheme.equals("https") && !scheme.equals("http")) {
            return Optional.empty();
        }
        int port = target.getPort() >= 0 ? target.getPort() : scheme.equals("https") ? 443 : 80;
        return Optional.of(scheme + "://" + target.getHost().toLowerCase(Locale.ROOT) + ":" + port);
    }

    @Override
    public String toString() {
        return "DpopProofs[" + rememberedOrigins() + " origins with a nonce]";
    }
}
