package dev.pkcefilter.impl.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * An application's whole validated configuration: the client users sign in with, and the further clients
 * {@code pkce.clients} names, each at its own authorization server.
 *
 * @param signIn the default client
 * @param further the further clients by name, in the order {@code pkce.clients} lists them
 */
public record ApplicationConfiguration(ClientConfiguration signIn, Map<String, ClientConfiguration> further) {

    public ApplicationConfiguration {
        Objects.requireNonNull(signIn, "signIn");
        further = Collections.unmodifiableMap(new LinkedHashMap<>(further));
    }

    /** @return a configuration with the default client alone */
    public static ApplicationConfiguration of(ClientConfiguration signIn) {
        return new ApplicationConfiguration(signIn, Map.of());
    }
}
