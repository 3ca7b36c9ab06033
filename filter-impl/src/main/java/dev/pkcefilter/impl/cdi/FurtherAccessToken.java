package dev.pkcefilter.impl.cdi;

import java.net.URI;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import dev.pkcefilter.AccessToken;
import dev.pkcefilter.impl.events.CurrentAccessToken;
import dev.pkcefilter.impl.session.TokenSet;
import dev.pkcefilter.impl.web.PkceClient;
import jakarta.json.bind.Jsonb;
import jakarta.servlet.http.HttpServletRequest;

/**
 * A further client's {@link AccessToken} ({@code @OAuthClient("loom")}): each call reads the current request's
 * tokens of that client ({@link PkceClient#currentTokens}), so that the object may be kept in a bean of any scope.
 * Outside an HTTP request it is absent. {@code toString()} never shows the token.
 */
final class FurtherAccessToken implements AccessToken {

    private final PkceClient client;
    private final HttpServletRequest request; // the container's proxy of the current request
    private final Jsonb jsonb;

    FurtherAccessToken(PkceClient client, HttpServletRequest request, Jsonb jsonb) {
        this.client = client;
        this.request = request;
        this.jsonb = jsonb;
    }

    private AccessToken current() {
        TokenSet tokens;
        try {
            tokens = client.currentTokens(request);
        } catch (RuntimeException e) { // no active request (a timer, a message), or its session was invalidated
            tokens = null;
        }
        return new CurrentAccessToken(tokens, jsonb, client.apiOrigins(), client.dpop());
    }

    @Override
    public boolean isPresent() {
        return current().isPresent();
    }

    @Override
    public String value() {
        return current().value();
    }

    @Override
    public String type() {
        return current().type();
    }

    @Override
    public Optional<Instant> expiresAt() {
        return current().expiresAt();
    }

    @Override
    public Set<String> scopes() {
        return current().scopes();
    }

    @Override
    public Map<String, Object> idTokenClaims() {
        return current().idTokenClaims();
    }

    @Override
    public String authorizationHeader() {
        return current().authorizationHeader();
    }

    @Override
    public String authorizationHeaderFor(URI target) {
        return current().authorizationHeaderFor(target);
    }

    @Override
    public Map<String, String> headersFor(String method, URI target) {
        return current().headersFor(method, target);
    }

    @Override
    public Map<String, String> headersFor(String method, URI target, String dpopNonce) {
        return current().headersFor(method, target, dpopNonce);
    }

    @Override
    public String toString() {
        return "AccessToken[" + client.name().orElse("") + "]";
    }
}
