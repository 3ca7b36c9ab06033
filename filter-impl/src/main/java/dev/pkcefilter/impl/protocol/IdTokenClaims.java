package dev.pkcefilter.impl.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

import jakarta.json.bind.Jsonb;

/**
 * Reads the claims of an ID token (a JWS in compact form, RFC 7515 §7.1) without verifying it: the payload is
 * the second of its three dot-separated parts, base64url-encoded JSON.
 */
public final class IdTokenClaims {

    private IdTokenClaims() {
    }

    /**
     * @param jsonb the JSON-B instance
     * @param idToken the ID token
     * @return its claims, or an empty map when it is not a readable JWS
     */
    public static Map<String, Object> read(Jsonb jsonb, String idToken) {
        String[] parts = idToken.split("\\.", -1);
        if (parts.length != 3) {
            return Map.of();
        }
        try {
            String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
            return JsonObjects.parse(jsonb, payload).map(java.util.Collections::unmodifiableMap).orElse(Map.of());
        } catch (IllegalArgumentException e) {
            return Map.of();
        }
    }
}
