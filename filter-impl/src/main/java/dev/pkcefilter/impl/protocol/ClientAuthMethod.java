package dev.pkcefilter.impl.protocol;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * How the client authenticates at the token endpoint (RFC 6749 §2.3.1; OpenID Connect Core 1.0 §9 names). The two
 * JWT methods send a signed assertion (RFC 7523 §2.2) instead of the secret itself.
 */
public enum ClientAuthMethod {
    /** A public client: PKCE only, {@code client_id} in the body. */
    NONE("none"),
    /** HTTP Basic with the form-urlencoded client id and secret (RFC 6749 §2.3.1). */
    CLIENT_SECRET_BASIC("client_secret_basic"),
    /** {@code client_id} and {@code client_secret} in the request body (RFC 6749 §2.3.1). */
    CLIENT_SECRET_POST("client_secret_post"),
    /** A JWT signed HS256 with the client secret (OpenID Connect Core 1.0 §9, RFC 7523 §2.2). */
    CLIENT_SECRET_JWT("client_secret_jwt"),
    /** A JWT signed with the client's private key, its public key registered at the server (OIDC Core §9). */
    PRIVATE_KEY_JWT("private_key_jwt");

    private final String value;

    ClientAuthMethod(String value) {
        this.value = value;
    }

    /** @return whether the method sends a client assertion (RFC 7523 §2.2) */
    public boolean isJwt() {
        return this == CLIENT_SECRET_JWT || this == PRIVATE_KEY_JWT;
    }

    /** @return whether the method needs the client secret */
    public boolean needsSecret() {
        return this == CLIENT_SECRET_BASIC || this == CLIENT_SECRET_POST || this == CLIENT_SECRET_JWT;
    }

    /** @return the configuration value, such as {@code client_secret_basic} */
    public String value() {
        return value;
    }

    /** @return the method a configuration value names, in any case */
    public static Optional<ClientAuthMethod> parse(String value) {
        String v = value.toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(m -> m.value.equals(v)).findFirst();
    }

    /** @return the configuration values, for messages */
    public static String allowed() {
        return Arrays.stream(values()).map(ClientAuthMethod::value).collect(Collectors.joining(", "));
    }
}
