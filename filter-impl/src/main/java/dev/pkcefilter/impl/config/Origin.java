package dev.pkcefilter.impl.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * A web origin (RFC 6454 §4): scheme, host and port, in lower case, the scheme's default port dropped, so that
 * {@code HTTPS://API.Example.com:443/x} and {@code https://api.example.com} are the same origin.
 *
 * @param scheme {@code http} or {@code https}
 * @param host the host in lower case; an IPv6 address keeps its brackets
 * @param port the port, {@code -1} for the scheme's default
 */
public record Origin(String scheme, String host, int port) {

    public Origin {
        Objects.requireNonNull(scheme, "scheme");
        Objects.requireNonNull(host, "host");
    }

    /**
     * The origin of a URL (RFC 6454 §4).
     *
     * @param url any URL
     * @return its origin, or empty when it is not an absolute {@code http(s)} URL with a host
     */
    public static Optional<Origin> of(URI url) {
        String scheme = url.getScheme() == null ? null : url.getScheme().toLowerCase(Locale.ROOT);
        if (!"https".equals(scheme) && !"http".equals(scheme) || url.getHost() == null || url.getHost().isEmpty()) {
            return Optional.empty();
        }
        int port = url.getPort() == defaultPort(scheme) ? -1 : url.getPort();
        return Optional.of(new Origin(scheme, url.getHost().toLowerCase(Locale.ROOT), port));
    }

    /**
     * An origin as a user writes it, {@code https://api.example.com} or {@code http://127.0.0.1:8080}: a URL
     * with nothing after the port but an optional {@code /}.
     *
     * @param text the text
     * @return the origin, or empty when the text is not one
     */
    static Optional<Origin> parse(String text) {
        try {
            URI uri = new URI(text);
            boolean bare = uri.getRawUserInfo() == null && uri.getRawQuery() == null && uri.getRawFragment() == null
                    && (uri.getRawPath() == null || uri.getRawPath().isEmpty() || uri.getRawPath().equals("/"));
            return bare ? of(uri) : Optional.empty();
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
    }

    /** @return whether the host is a loopback name or address: {@code localhost}, 127.0.0.0/8, {@code ::1} */
    boolean isLoopback() {
        return host.equals("localhost") || host.equals("[::1]") || host.equals("[0:0:0:0:0:0:0:1]")
                || host.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
    }

    private static int defaultPort(String scheme) {
        return scheme.equals("https") ? 443 : 80;
    }

    /** @return the origin's serialization (RFC 6454 §6.2), such as {@code https://api.example.com} */
    @Override
    public String toString() {
        return scheme + "://" + host + (port < 0 ? "" : ":" + port);
    }
}
