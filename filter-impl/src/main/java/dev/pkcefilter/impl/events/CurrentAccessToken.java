package dev.pkcefilter.impl.events;

import java.net.URI;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collections;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import dev.pkcefilter.AccessToken;
import dev.pkcefilter.PkceFilterException;
import dev.pkcefilter.impl.protocol.DpopKey;
import dev.pkcefilter.impl.protocol.DpopProof;
import dev.pkcefilter.impl.protocol.DpopProofs;
import dev.pkcefilter.impl.session.TokenSet;
import jakarta.json.bind.Jsonb;

/**
 * The {@link AccessToken} of one request; {@code toString()} never shows the token. A DPoP-bound token (RFC 9449:
 * {@code token_type} DPoP and the login's key with it) goes as {@code Authorization: DPoP <token>} (§7.1), and
 * {@link #headersFor} adds a new proof of the key for each request, with {@code ath} and the latest nonce the target's
 * origin gave (§9).
 */
public final class CurrentAccessToken implements AccessToken {

    private final TokenSet tokens; // null: no token on this request
    private final Jsonb jsonb;
    private final ApiOrigins apiOrigins;
    private final DpopProofs dpop;
    private Set<String> scopes;
    private Map<String, Object> idTokenClaims;

    /** A token whose proofs, if it is DPoP-bound, remember no nonce (events, tests). */
    public CurrentAccessToken(TokenSet tokens, Jsonb jsonb, ApiOrigins apiOrigins) {
        this(tokens, jsonb, apiOrigins, new DpopProofs(Clock.systemUTC(), jsonb));
    }

    /** @param dpop the client's DPoP proofs and the nonces its servers gave */
    public CurrentAccessToken(TokenSet tokens, Jsonb jsonb, ApiOrigins apiOrigins, DpopProofs dpop) {
        this.tokens = tokens;
        this.jsonb = jsonb;
        this.apiOrigins = apiOrigins;
        this.dpop = Objects.requireNonNull(dpop, "dpop");
    }

    @Override
    public Map<String, Object> idTokenClaims() {
        if (idTokenClaims == null) {
            idTokenClaims = CurrentUser.verifiedClaims(tokens, jsonb);
        }
        return idTokenClaims;
    }

    @Override
    public boolean isPresent() {
        return tokens != null;
    }

    @Override
    public String value() {
        return require().accessToken();
    }

    @Override
    public String type() {
        return require().tokenType();
    }

    @Override
    public Optional<Instant> expiresAt() {
        return tokens == null ? Optional.empty() : tokens.expiresAt();
    }

    @Override
    public Set<String> scopes() {
        if (scopes == null) {
            scopes = tokens == null || tokens.scope().isBlank() ? Set.of()
                    : Collections.unmodifiableSet(new LinkedHashSet<>(Arrays.asList(tokens.scope().trim().split("\\s+"))));
        }
        return scopes;
    }

    @Override
    public String authorizationHeader() {
        return (isDpopBound() ? "DPoP " : "Bearer ") + value(); // RFC 9449 §7.1, RFC 6750 §2.1
    }

    @Override
    public String authorizationHeaderFor(URI target) {
        require();
        apiOrigins.check(target);
        return authorizationHeader();
    }

    @Override
    public Map<String, String> headersFor(String method, URI target) {
        return headers(method, target, null);
    }

    @Override
    public Map<String, String> headersFor(String method, URI target, String dpopNonce) {
        return headers(method, target, Objects.requireNonNull(dpopNonce, "dpopNonce"));
    }

    /** @param nonce the nonce the target just gave (a retry, RFC 9449 §9), or {@code null} for the remembered one */
    private Map<String, String> headers(String method, URI target, String nonce) {
        Objects.requireNonNull(method, "method");
        String authorization = authorizationHeaderFor(target); // refuses another origin before a proof is made
        if (!isDpopBound()) {
            return Map.of("Authorization", authorization);
        }
        DpopKey key = tokens.dpopKey().orElseThrow();
        Optional<String> token = Optional.of(tokens.accessToken()); // RFC 9449 §7.1: ath
        String proof = nonce == null ? dpop.proof(key, method, target, token)
                : dpop.proof(key, method, target, token, nonce);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Authorization", authorization);
        headers.put(DpopProof.HEADER, proof);
        return Collections.unmodifiableMap(headers);
    }

    /** @return whether the token is bound to the login's key: {@code token_type} DPoP, and the key with it */
    private boolean isDpopBound() {
        return tokens != null && "DPoP".equals(tokens.tokenType()) && tokens.dpopKey().isPresent();
    }

    private TokenSet require() {
        if (tokens == null) {
            throw new PkceFilterException("No access token on this request: it is not under pkce.protected-paths,"
                    + " or the user is not signed in. Check AccessToken.isPresent() first.");
        }
        return tokens;
    }

    @Override
    public String toString() {
        return tokens == null ? "AccessToken[absent]" : "AccessToken[type=" + tokens.tokenType() + ", expiresAt="
                + expiresAt().map(Instant::toString).orElse("unknown") + ", scopes=" + scopes() + "]";
    }
}
