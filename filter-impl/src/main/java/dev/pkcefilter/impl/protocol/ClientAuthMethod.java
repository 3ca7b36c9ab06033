package dev.pkcefilter.impl.protocol;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** How the client authenticates at the token endpoint (RFC 6749 §2.3.1; OpenID Connect Core §9 names). */
public enum ClientAuthMethod {
    /** A public client: PKCE only, {@code client_id} in the body. */
    NONE("none"),
    /** HTTP Basic with the form-urlencoded client id and secret (RFC 6749 §2.3.1). */
    CLIENT_SECRET_BASIC("client_secret_basic"),
    /** {@code client_id} and {@code client_secret} in the request body (RFC 6749 §2.3.1). */
    CLIENT_SECRET_POST("client_secret_post");

    private final String value;

    ClientAuthMethod(String value) {
        this.value = value;
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
