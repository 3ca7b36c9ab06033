package dev.pkcefilter.impl.web;

import java.net.URI;
import java.util.Locale;
import java.util.Optional;

import jakarta.servlet.http.HttpServletRequest;

/**
 * Origins (RFC 6454 §4): scheme, host and port, the default port of the scheme left out. Used to derive the
 * redirect and post-logout redirect URIs from a request, and to compare a request's {@code Origin} or
 * {@code Referer} with the application's own origin.
 */
final class RequestOrigin {

    private RequestOrigin() {
    }

    /** @return the origin the request was addressed to, such as {@code https://app.example} */
    static String of(HttpServletRequest request) {
        String scheme = request.getScheme();
        int port = request.getServerPort();
        String host = request.getServerName();
        if (host.indexOf(':') >= 0 && !host.startsWith("[")) {
            host = "[" + host + "]"; // an IPv6 literal
        }
        return scheme + "://" + host + (isDefaultPort(scheme, port) ? "" : ":" + port);
    }

    /**
     * The origin of an absolute http(s) URL, in the comparable form: scheme and host in lower case, no default
     * port, no path.
     *
     * @return the origin, or empty when {@code url} is not an absolute http(s) URL
     */
    static Optional<String> of(String url) {
        if (url == null) {
            return Optional.empty();
        }
        URI uri;
        try {
            uri = new URI(url.trim());
        } catch (java.net.URISyntaxException e) {
            return Optional.empty();
        }
        String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
        String host = uri.getHost();
        if (!("http".equals(scheme) || "https".equals(scheme)) || host == null || uri.getRawUserInfo() != null) {
            return Optional.empty();
        }
        int port = uri.getPort();
        return Optional.of(scheme + "://" + host.toLowerCase(Locale.ROOT)
                + (port == -1 || isDefaultPort(scheme, port) ? "" : ":" + port));
    }

    private static boolean isDefaultPort(String scheme, int port) {
        return ("http".equals(scheme) && port == 80) || ("https".equals(scheme) && port == 443);
    }
}
