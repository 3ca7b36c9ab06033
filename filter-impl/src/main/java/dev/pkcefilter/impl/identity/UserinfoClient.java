package dev.pkcefilter.impl.identity;

import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import dev.pkcefilter.impl.protocol.BoundedHttp;
import dev.pkcefilter.impl.protocol.DpopKey;
import dev.pkcefilter.impl.protocol.DpopProof;
import dev.pkcefilter.impl.protocol.DpopProofs;
import dev.pkcefilter.impl.protocol.HttpUrls;
import dev.pkcefilter.impl.protocol.JsonObjects;
import dev.pkcefilter.impl.protocol.TransportException;
import jakarta.json.bind.Jsonb;

/**
 * The UserInfo request of a login, with its new access token (OpenID Connect Core 1.0 §5.3), when
 * {@code pkce.userinfo-claims} asks for it: once, at login. Its answer is used only when it is a JSON object whose
 * {@code sub} is the ID token's (§5.3.4); a signed or encrypted answer ({@code application/jwt}) is not taken.
 *
 * <p>A DPoP-bound access token (RFC 9449) goes as {@code Authorization: DPoP <token>} with a proof of its key that
 * carries {@code ath} (§7.1), and a {@code use_dpop_nonce} challenge is answered by one retry (§9).
 */
public final class UserinfoClient {

    private static final System.Logger LOG = System.getLogger(UserinfoClient.class.getName());

    /** The longest answer kept in the session (as its JSON text); a longer one is used at login only. */
    public static final int MAX_KEPT = 4096;

    /** An answer: its claims, and its JSON text when it is short enough to keep. */
    public record Userinfo(Map<String, Object> claims, Optional<String> kept) {
        public Userinfo {
            claims = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(claims));
            Objects.requireNonNull(kept, "kept");
        }
    }

    private final BoundedHttp http;
    private final Jsonb jsonb;
    private final DpopProofs dpop;

    /** A client that sends bearer tokens only. */
    public UserinfoClient(BoundedHttp http, Jsonb jsonb) {
        this(http, jsonb, new DpopProofs(java.time.Clock.systemUTC(), jsonb));
    }

    /** @param dpop the client's DPoP proofs and nonces, for DPoP-bound tokens */
    public UserinfoClient(BoundedHttp http, Jsonb jsonb, DpopProofs dpop) {
        this.http = Objects.requireNonNull(http, "http");
        this.jsonb = Objects.requireNonNull(jsonb, "jsonb");
        this.dpop = Objects.requireNonNull(dpop, "dpop");
    }

    /**
     * @param endpoint the userinfo endpoint
     * @param accessToken the login's access token
     * @param subject the verified ID token's {@code sub}
     * @return the answer's claims
     * @throws IdTokenException {@code UNAVAILABLE} when the endpoint could not be reached or answered a 5xx,
     *         {@code INVALID} when its answer may not be used
     */
    public Userinfo fetch(URI endpoint, String accessToken, String subject) throws IdTokenException {
        return fetch(endpoint, accessToken, Optional.empty(), subject);
    }

    /**
     * @param endpoint the userinfo endpoint
     * @param accessToken the login's access token
     * @param dpopKey the key the access token is bound to ({@code token_type} DPoP), or empty for a bearer token
     * @param subject the verified ID token's {@code sub}
     * @return the answer's claims
     * @throws IdTokenException {@code UNAVAILABLE} when the endpoint could not be reached or answered a 5xx,
     *         {@code INVALID} when its answer may not be used
     */
    public Userinfo fetch(URI endpoint, String accessToken, Optional<DpopKey> dpopKey, String subject)
            throws IdTokenException {
        String where = "The userinfo endpoint " + HttpUrls.forLog(endpoint);
        BoundedHttp.Response response;
        try {
            if (dpopKey.isPresent()) {
                response = dpop.sendToResourceServer(http, dpopKey.get(), "GET", endpoint, accessToken,
                        proof -> HttpRequest.newBuilder(endpoint).timeout(http.timeout())
                                .header("Authorization", "DPoP " + accessToken) // RFC 9449 §7.1
                                .header(DpopProof.HEADER, proof)
                                .header("Accept", "application/json").GET().build());
            } else {
                response = http.send(HttpRequest.newBuilder(endpoint).timeout(http.timeout())
                        .header("Authorization", "Bearer " + accessToken) // RFC 6750 §2.1
                        .header("Accept", "application/json").GET().build());
            }
        } catch (TransportException e) {
            throw new IdTokenException(e.kind() == TransportException.Kind.TOO_LARGE
                    ? IdTokenException.Failure.INVALID : IdTokenException.Failure.UNAVAILABLE,
                    where + " " + e.getMessage(), e);
        }
        if (response.status() != 200) {
            throw new IdTokenException(response.status() >= 500 ? IdTokenException.Failure.UNAVAILABLE
                    : IdTokenException.Failure.INVALID, where + " answered HTTP " + response.status());
        }
        String body = response.body();
        if (body.stripLeading().startsWith("ey")) {
            throw new IdTokenException(IdTokenException.Failure.INVALID, where + " answered a signed or encrypted"
                    + " JWT, which pkce-filter does not take: register the client for JSON userinfo answers");
        }
        Map<String, Object> claims = JsonObjects.parse(jsonb, body).orElseThrow(() -> new IdTokenException(
                IdTokenException.Failure.INVALID, where + " did not answer a JSON object"));
        if (!subject.equals(claims.get("sub"))) {
            throw new IdTokenException(IdTokenException.Failure.INVALID, where + " answered for another user than"
                    + " the ID token names (sub), so its claims may not be used (OpenID Connect Core 1.0 §5.3.4)");
        }
        if (body.length() > MAX_KEPT) {
            LOG.log(Level.WARNING, where + " answered " + body.length() + " characters, more than the "
                    + MAX_KEPT + " kept in the session: its claims name the user at login, but are not kept");
            return new Userinfo(claims, Optional.empty());
        }
        return new Userinfo(claims, Optional.of(body.strip()));
    }
}
