package dev.pkcefilter.impl.events;

import java.util.List;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import dev.pkcefilter.PkceFilterException;
import dev.pkcefilter.SignedInUser;
import dev.pkcefilter.impl.protocol.IdTokenClaims;
import dev.pkcefilter.impl.protocol.JsonObjects;
import dev.pkcefilter.impl.session.TokenSet;
import dev.pkcefilter.impl.session.VerifiedUser;
import jakarta.json.bind.Jsonb;

/**
 * The {@link SignedInUser} of one request. The claims are read from the session's ID token, which was verified
 * before it was stored, at their first use only; {@code toString()} names neither the user nor the subject.
 */
public final class CurrentUser implements SignedInUser {

    private final TokenSet tokens; // null: nobody on this request
    private final VerifiedUser user; // null: nobody verified
    private final String issuer;
    private final Jsonb jsonb;
    private Map<String, Object> claims;

    /** @param issuer the configured issuer, which the ID token's {@code iss} was checked to equal */
    public CurrentUser(TokenSet tokens, String issuer, Jsonb jsonb) {
        this.tokens = tokens;
        this.user = tokens == null ? null : tokens.userOrNull();
        this.issuer = issuer;
        this.jsonb = jsonb;
    }

    /**
     * @return the claims of a session's ID token when it was verified, and those of the login's userinfo answer
     *         when one was kept (they win); else none
     */
    static Map<String, Object> verifiedClaims(TokenSet tokens, Jsonb jsonb) {
        if (tokens == null || tokens.user().isEmpty()) {
            return Map.of();
        }
        Map<String, Object> idToken = tokens.idToken().map(t -> IdTokenClaims.read(jsonb, t)).orElse(Map.of());
        Optional<String> userinfo = tokens.user().get().keptUserinfo();
        if (userinfo.isEmpty()) {
            return idToken;
        }
        Map<String, Object> all = new LinkedHashMap<>(idToken);
        JsonObjects.parse(jsonb, userinfo.get()).ifPresent(all::putAll);
        return Collections.unmodifiableMap(all);
    }

    @Override
    public boolean isPresent() {
        return user != null;
    }

    @Override
    public String name() {
        return require().name();
    }

    @Override
    public String subject() {
        return require().subject();
    }

    @Override
    public String issuer() {
        require();
        return issuer;
    }

    @Override
    public List<String> roles() {
        return user == null ? List.of() : user.roles();
    }

    @Override
    public Map<String, Object> claims() {
        if (claims == null) {
            claims = verifiedClaims(tokens, jsonb);
        }
        return claims;
    }

    private VerifiedUser require() {
        if (user == null) {
            throw new PkceFilterException("No verified user on this request: it is not under pkce.protected-paths,"
                    + " or the sign-in had no ID token (add openid to pkce.scope). Check SignedInUser.isPresent()"
                    + " first.");
        }
        return user;
    }

    @Override
    public String toString() {
        return user == null ? "SignedInUser[absent]" : "SignedInUser[issuer=" + issuer + ", roles="
                + user.roles().size() + "]";
    }
}
