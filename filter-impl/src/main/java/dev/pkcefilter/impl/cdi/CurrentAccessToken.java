package dev.pkcefilter.impl.cdi;

import java.time.Instant;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

import dev.pkcefilter.AccessToken;
import dev.pkcefilter.PkceFilterException;
import dev.pkcefilter.impl.session.TokenSet;

/** The {@link AccessToken} of one request; {@code toString()} never shows the token. */
final class CurrentAccessToken implements AccessToken {

    private final TokenSet tokens; // null: no token on this request
    private Set<String> scopes;

    CurrentAccessToken(TokenSet tokens) {
        this.tokens = tokens;
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
