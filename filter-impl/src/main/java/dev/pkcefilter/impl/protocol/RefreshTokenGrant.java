package dev.pkcefilter.impl.protocol;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The refresh token grant (RFC 6749 §6). By default it sends no {@code scope}: the server then grants the scope
 * of the original grant, and a client may never ask for more than that (RFC 6749 §6). A scope given explicitly
 * must be exactly the one granted, as the session recorded it. {@code toString()} never shows the token.
 *
 * @param refreshToken the refresh token
 * @param scope the scope to send, if any: the granted scope, space separated (RFC 6749 §3.3)
 */
public record RefreshTokenGrant(String refreshToken, Optional<String> scope) implements Grant {

    /** The {@code grant_type} value. */
    public static final String TYPE = "refresh_token";

    /** RFC 6749 §3.3: scope-tokens of %x21 / %x23-5B / %x5D-7E, separated by single spaces. */
    private static final String SCOPE_TOKEN = "[\\x21\\x23-\\x5B\\x5D-\\x7E]+";
    private static final Pattern SCOPE = Pattern.compile(SCOPE_TOKEN + "( " + SCOPE_TOKEN + ")*");

    public RefreshTokenGrant {
        Objects.requireNonNull(refreshToken, "refreshToken");
        if (refreshToken.isEmpty()) {
            throw new IllegalArgumentException("a refresh token may not be empty");
        }
        Objects.requireNonNull(scope, "scope");
        if (scope.isPresent() && !SCOPE.matcher(scope.get()).matches()) {
            throw new IllegalArgumentException("a scope is scope tokens separated by single spaces (RFC 6749 §3.3)");
        }
    }

    /**
     * A refresh that keeps the granted scope.
     *
     * @param refreshToken the refresh token
     */
    public RefreshTokenGrant(String refreshToken) {
        this(refreshToken, Optional.empty());
    }

    @Override
    public String type() {
        return TYPE;
    }

    /** @return {@code grant_type}, {@code refresh_token} and, when given, {@code scope} */
    @Override
    public Map<String, String> toParameters() {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("grant_type", TYPE);
        params.put("refresh_token", refreshToken);
        scope.ifPresent(s -> params.put("scope", s));
        return params;
    }

    @Override
    public String toString() {
        return "RefreshTokenGrant[scope=" + scope.orElse("(as granted)") + "]";
    }
}
