package dev.pkcefilter.impl.events;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import dev.pkcefilter.PkceFilterException;
import dev.pkcefilter.impl.config.ConfigKey;
import dev.pkcefilter.impl.config.Origin;

/**
 * The origins the access token may be sent to: {@code pkce.api-origins}, by default the issuer's origin and the
 * userinfo endpoint's. A bearer token works for whoever holds it (RFC 6750 §5.2, token disclosure), so a request
 * to any other origin is refused before it is sent.
 */
public final class ApiOrigins {

    private final Optional<List<Origin>> configured;
    private final Optional<URI> issuer;
    private final Supplier<Optional<URI>> userinfoEndpoint;
    /** The key that lists them, for the messages: {@code pkce.api-origins} or a further client's. */
    private final String key;

    /**
     * @param configured {@code pkce.api-origins}, empty when not set
     * @param issuer the configured issuer
     * @param userinfoEndpoint the discovered userinfo endpoint, asked only when the default applies and the
     *        issuer's origin did not match
     */
    public ApiOrigins(Optional<List<Origin>> configured, Optional<URI> issuer, Supplier<Optional<URI>> userinfoEndpoint) {
        this(configured, issuer, userinfoEndpoint, null);
    }

    /**
     * @param client a further client's name ({@code pkce.<name>.api-origins}), or {@code null} for the default client
     */
    public ApiOrigins(Optional<List<Origin>> configured, Optional<URI> issuer, Supplier<Optional<URI>> userinfoEndpoint,
                      String client) {
        this.key = ConfigKey.API_ORIGINS.key(client);
        this.configured = Objects.requireNonNull(configured, "configured");
        this.issuer = Objects.requireNonNull(issuer, "issuer");
        this.userinfoEndpoint = Objects.requireNonNull(userinfoEndpoint, "userinfoEndpoint");
    }

    /**
     * @param target where a request with the token is about to go
     * @throws PkceFilterException when its origin is not allowed; the message names the origin, never the path
     *         or query, which may carry user data
     */
    void check(URI target) {
        Objects.requireNonNull(target, "target");
        Optional<Origin> origin = Origin.of(target);
        if (origin.isEmpty()) {
            throw new PkceFilterException("pkce-filter did not add the access token to a request to a URL that is"
                    + " not an absolute http(s) URL: only the origins in " + key
                    + " receive it");
        }
        if (configured.isPresent() ? configured.get().contains(origin.get()) : isDefault(origin.get())) {
            return;
        }
        throw new PkceFilterException("pkce-filter did not add the access token to a request to " + origin.get()
                + ": that origin is not in " + key + " (" + describe(allowed()) + ")."
                + " Add it to " + key + " if it is an API that may receive the user's"
                + " token, or call it without BearerTokenFilter.");
    }

    private boolean isDefault(Origin origin) {
        return issuer.flatMap(Origin::of).filter(origin::equals).isPresent()
                || userinfoEndpoint.get().flatMap(Origin::of).filter(origin::equals).isPresent();
    }

    private List<Origin> allowed() {
        if (configured.isPresent()) {
            return configured.get();
        }
        List<Origin> origins = new ArrayList<>();
        issuer.flatMap(Origin::of).ifPresent(origins::add);
        userinfoEndpoint.get().flatMap(Origin::of).filter(o -> !origins.contains(o)).ifPresent(origins::add);
        return origins;
    }

    private String describe(List<Origin> origins) {
        String list = origins.stream().map(Origin::toString).collect(Collectors.joining(", "));
        if (configured.isPresent()) {
            return "allowed: " + list;
        }
        return origins.isEmpty() ? "not set, and there is neither an issuer nor a userinfo endpoint to default to"
                : "not set, so only the issuer's and the userinfo endpoint's: " + list;
    }
}
