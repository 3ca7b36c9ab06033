package dev.pkcefilter.impl.protocol;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The authorization code grant (RFC 6749 §4.1.3) with its PKCE verifier (RFC 7636 §4.5). {@code toString()} shows
 * neither the code nor the verifier.
 *
 * @param code the code from the callback
 * @param redirectUri the redirect URI of the authorization request, sent again identical (RFC 6749 §4.1.3)
 * @param verifier the verifier whose challenge the authorization request carried
 */
public record AuthorizationCodeGrant(String code, URI redirectUri, CodeVerifier verifier) implements Grant {

    /** The {@code grant_type} value. */
    public static final String TYPE = "authorization_code";

    public AuthorizationCodeGrant {
        Objects.requireNonNull(code, "code");
        if (code.isEmpty()) {
            throw new IllegalArgumentException("an authorization code may not be empty");
        }
        Objects.requireNonNull(redirectUri, "redirectUri");
        if (!redirectUri.isAbsolute()) {
            throw new IllegalArgumentException("the redirect URI must be absolute (RFC 6749 §3.1.2)");
        }
        Objects.requireNonNull(verifier, "verifier");
    }

    @Override
    public String type() {
        return TYPE;
    }

    /** @return {@code grant_type}, {@code code}, {@code redirect_uri} and {@code code_verifier} */
    @Override
    public Map<String, String> toParameters() {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("grant_type", TYPE);
        params.put("code", code);
        params.put("redirect_uri", redirectUri.toString());
        params.put("code_verifier", verifier.value());
        return params;
    }

    @Override
    public String toString() {
        return "AuthorizationCodeGrant[redirectUri=" + redirectUri + "]";
    }
}
