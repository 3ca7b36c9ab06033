package dev.pkcefilter.impl.protocol;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * When a login start pushes its authorization request (RFC 9126) instead of putting it in the redirect:
 * {@code pkce.par}.
 */
public enum PushedAuthorizationRequestMode {
    /** When the server's metadata says {@code require_pushed_authorization_requests: true} (RFC 9126 §5). */
    AUTO("auto"),
    /** Whenever the metadata names a {@code pushed_authorization_request_endpoint} (RFC 9126 §5); a login fails without one. */
    ALWAYS("always"),
    /** Never, even when the server requires it: it then refuses the authorization request itself. */
    NEVER("never");

    private final String value;

    PushedAuthorizationRequestMode(String value) {
        this.value = value;
    }

    /** @return the configuration value, such as {@code auto} */
    public String value() {
        return value;
    }

    /** @return the mode a configuration value names, in any case */
    public static Optional<PushedAuthorizationRequestMode> parse(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(m -> m.value.equals(v)).findFirst();
    }

    /** @return the configuration values, for messages */
    public static String allowed() {
        return Arrays.stream(values()).map(PushedAuthorizationRequestMode::value).collect(Collectors.joining(", "));
    }

    /**
     * @param metadata the server's endpoints and flags
     * @return whether a login start pushes its request: with {@link #ALWAYS} also when the metadata names no PAR
     *         endpoint (the login then fails with a clear page)
     */
    public boolean pushes(ProviderMetadata metadata) {
        return switch (this) {
            case AUTO -> metadata.requirePushedAuthorizationRequests();
            case ALWAYS -> true;
            case NEVER -> false;
        };
    }
}
