package dev.pkcefilter.impl.protocol;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Optional;

/** The one check of what pkce-filter accepts as an endpoint or redirect URL. */
public final class HttpUrls {

    private HttpUrls() {
    }

    /**
     * An absolute {@code http} or {@code https} URL with a host and no fragment: a fragment would swallow the
     * parameters appended to it, which then never reach the server (RFC 6749 §3.1, §3.1.2).
     *
     * @param value the text
     * @return the URL, or empty when the text is not such a URL
     */
    public static Optional<URI> parse(String value) {
        try {
            URI uri = new URI(value);
            String scheme = uri.getScheme();
            if (uri.isAbsolute() && uri.getHost() != null && uri.getRawFragment() == null
                    && ("https".equalsIgnoreCase(scheme) || "http".equalsIgnoreCase(scheme))) {
                return Optional.of(uri);
            }
        } catch (URISyntaxException e) {
            // not a URL at all
        }
        return Optional.empty();
    }
}
