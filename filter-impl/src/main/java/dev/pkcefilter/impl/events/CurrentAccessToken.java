package dev.pkcefilter.impl.events;

import java.net.URI;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import dev.pkcefilter.AccessToken;
import dev.pkcefilter.PkceFilterException;
import dev.pkcefilter.impl.session.TokenSet;
import jakarta.json.bind.Jsonb;

/** The {@link AccessToken} of one request; {@code toString()} never shows the token. */
public final class CurrentAccessToken implements AccessToken {

    private final TokenSet tokens; // null: no token on this request
    private final Jsonb jsonb;
    private final ApiOrigins apiOrigins;
    private Set<String> scopes;
    private Map<String, Object> idTokenClaims;

    public CurrentAccessToken(TokenSet tokens, Jsonb jsonb, ApiOrigins apiOrigins) {
        this.tokens = tokens;
        this.jsonb = jsonb;
        this.apiOrigins = apiOrigins;
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
        return "Bearer " + value(); // RFC 6750 §2.1
    }

    @Override
    public String authorizationHeaderFor(URI target) {
        require();
        apiOrigins.check(target);
        return authorizationHeader();
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
