package dev.pkcefilter.impl.protocol;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What the {@code aud} of a client assertion names ({@code pkce.client-assertion-audience}). RFC 7523 §3 item 3
 * allows the token endpoint's URL or the issuer; FAPI 2.0 Security Profile §5.3.2.1 asks for the issuer
 * identifier alone, so that an assertion made for one endpoint cannot be sent to another party's.
 */
public enum ClientAssertionAudience {
    /** The issuer identifier (the default, FAPI 2.0 §5.3.2.1). */
    ISSUER("issuer"),
    /** The URL of the endpoint the request goes to (RFC 7523 §3, OpenID Connect Core 1.0 §9). */
    ENDPOINT("endpoint");

    private final String value;

    ClientAssertionAudience(String value) {
        this.value = value;
    }

    /** @return the configuration value, such as {@code issuer} */
    public String value() {
        return value;
    }

    /** @return the mode a configuration value names, in any case */
    public static Optional<ClientAssertionAudience> parse(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(a -> a.value.equals(v)).findFirst();
    }

    /** @return the configuration values, for messages */
    public static String allowed() {
        return Arrays.stream(values()).map(ClientAssertionAudience::value).collect(Collectors.joining(", "));
    }
}
